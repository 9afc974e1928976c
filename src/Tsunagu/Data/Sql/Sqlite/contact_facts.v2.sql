-- Contact facts (v2, migration ContactWithdrawal): as v1, except that a withdrawn contact (取消: "WithdrawnAt" set) is
-- not counted. Withdrawing a contact takes it out of its cell; an update of a withdrawn one changes nothing.

DROP TRIGGER contacts_facts_insert;
DROP TRIGGER contacts_facts_delete;
DROP TRIGGER contacts_facts_update;

CREATE TRIGGER contacts_facts_insert AFTER INSERT ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), NEW."Kind", coalesce(NEW."Category", ''), NEW."Channel",
       coalesce(NEW."OfficeId", 0), CAST(strftime('%w', NEW."Date") AS INTEGER), coalesce(NEW."Time" >= '17:15', 0),
       coalesce(NEW."Time" < '08:30', 0), NEW."WithGuardian", 1 WHERE NEW."WithdrawnAt" IS NULL
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;

CREATE TRIGGER contacts_facts_delete AFTER DELETE ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), OLD."Kind", coalesce(OLD."Category", ''), OLD."Channel",
       coalesce(OLD."OfficeId", 0), CAST(strftime('%w', OLD."Date") AS INTEGER), coalesce(OLD."Time" >= '17:15', 0),
       coalesce(OLD."Time" < '08:30', 0), OLD."WithGuardian", -1 WHERE OLD."WithdrawnAt" IS NULL
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;

CREATE TRIGGER contacts_facts_update AFTER UPDATE OF "ProgramId", "Date", "Time", "Kind", "Category", "Channel", "OfficeId", "WithGuardian", "WithdrawnAt" ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), OLD."Kind", coalesce(OLD."Category", ''), OLD."Channel",
       coalesce(OLD."OfficeId", 0), CAST(strftime('%w', OLD."Date") AS INTEGER), coalesce(OLD."Time" >= '17:15', 0),
       coalesce(OLD."Time" < '08:30', 0), OLD."WithGuardian", -1 WHERE OLD."WithdrawnAt" IS NULL
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), NEW."Kind", coalesce(NEW."Category", ''), NEW."Channel",
       coalesce(NEW."OfficeId", 0), CAST(strftime('%w', NEW."Date") AS INTEGER), coalesce(NEW."Time" >= '17:15', 0),
       coalesce(NEW."Time" < '08:30', 0), NEW."WithGuardian", 1 WHERE NEW."WithdrawnAt" IS NULL
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
