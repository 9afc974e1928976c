-- Folds a fiscal year's appended contact-fact changes into the cells (see contact_facts.v1.sql), before the
-- computation reads them. Nothing to fold is a cheap no-op: the changes table holds only what was written since.
-- Parameter: @fiscal_year.

WITH folded AS (DELETE FROM contact_fact_changes WHERE "FiscalYear" = @fiscal_year RETURNING *)
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT "ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", sum("Contacts")
FROM folded GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian")
DO UPDATE SET "Contacts" = contact_facts."Contacts" + excluded."Contacts";
