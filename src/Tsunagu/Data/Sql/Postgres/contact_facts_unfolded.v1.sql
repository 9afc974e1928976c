-- A fiscal year's contact-fact cells with the changes not yet folded into them added (see contact_facts.v1.sql), for
-- a session that cannot fold them: a hot standby, or a verb that only reads. The same answer as folding then reading.
-- Parameter: @fiscal_year. Shaped as a contact_facts row (Id 0), so that EF composes its filters over it.

SELECT 0::bigint AS "Id", "ProgramId", @fiscal_year AS "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek",
       "Evening", "Early", "WithGuardian", sum("Contacts")::integer AS "Contacts"
FROM (
    SELECT "ProgramId", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts"
    FROM contact_facts WHERE "FiscalYear" = @fiscal_year
    UNION ALL
    SELECT "ProgramId", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts"
    FROM contact_fact_changes WHERE "FiscalYear" = @fiscal_year
) AS cells
GROUP BY "ProgramId", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian"
