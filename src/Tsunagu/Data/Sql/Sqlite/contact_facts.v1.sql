-- Contact facts (v1, migration ContactFacts): counts of contacts per cell of every attribute a figure can ask about,
-- kept by triggers on contacts. Office hours as in Contacts/OfficeHours.cs (a test holds the two times to it);
-- the fiscal year of a date starts on 1 April.
-- One row per cell here (one writer at a time): counted up and down in place.

CREATE UNIQUE INDEX "IX_contact_facts_cell" ON contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian");
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT "ProgramId", (CAST(substr("Date", 1, 4) AS INTEGER) - (substr("Date", 6, 2) < '04')), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0), CAST(strftime('%w', "Date") AS INTEGER),
       coalesce("Time" >= '17:15', 0), coalesce("Time" < '08:30', 0), "WithGuardian", count(*)
FROM contacts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

CREATE TRIGGER contacts_facts_insert AFTER INSERT ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
VALUES (NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), NEW."Kind", coalesce(NEW."Category", ''), NEW."Channel",
        coalesce(NEW."OfficeId", 0), CAST(strftime('%w', NEW."Date") AS INTEGER), coalesce(NEW."Time" >= '17:15', 0),
        coalesce(NEW."Time" < '08:30', 0), NEW."WithGuardian", 1)
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;

CREATE TRIGGER contacts_facts_delete AFTER DELETE ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
VALUES (OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), OLD."Kind", coalesce(OLD."Category", ''), OLD."Channel",
        coalesce(OLD."OfficeId", 0), CAST(strftime('%w', OLD."Date") AS INTEGER), coalesce(OLD."Time" >= '17:15', 0),
        coalesce(OLD."Time" < '08:30', 0), OLD."WithGuardian", -1)
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;

CREATE TRIGGER contacts_facts_update AFTER UPDATE OF "ProgramId", "Date", "Time", "Kind", "Category", "Channel", "OfficeId", "WithGuardian" ON contacts BEGIN
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
VALUES (OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), OLD."Kind", coalesce(OLD."Category", ''), OLD."Channel",
        coalesce(OLD."OfficeId", 0), CAST(strftime('%w', OLD."Date") AS INTEGER), coalesce(OLD."Time" >= '17:15', 0),
        coalesce(OLD."Time" < '08:30', 0), OLD."WithGuardian", -1)
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
VALUES (NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), NEW."Kind", coalesce(NEW."Category", ''), NEW."Channel",
        coalesce(NEW."OfficeId", 0), CAST(strftime('%w', NEW."Date") AS INTEGER), coalesce(NEW."Time" >= '17:15', 0),
        coalesce(NEW."Time" < '08:30', 0), NEW."WithGuardian", 1)
ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
