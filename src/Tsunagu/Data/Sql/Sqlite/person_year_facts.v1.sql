-- Person-year facts (v1, migration PersonYearFacts): contacts per program, fiscal year and person, kept by triggers
-- on contact_persons and contacts. A contact's links are removed before the contact itself, so that their trigger still
-- finds the contact's program and year.

INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
SELECT c."ProgramId", (CAST(substr(c."Date", 1, 4) AS INTEGER) - (substr(c."Date", 6, 2) < '04')), cp."PersonId", count(*)
FROM contact_persons cp JOIN contacts c ON c."Id" = cp."ContactId" GROUP BY 1, 2, 3;

CREATE TRIGGER contact_persons_facts_insert AFTER INSERT ON contact_persons BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", (CAST(substr(c."Date", 1, 4) AS INTEGER) - (substr(c."Date", 6, 2) < '04')), NEW."PersonId", 1 FROM contacts c WHERE c."Id" = NEW."ContactId"
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
CREATE TRIGGER contact_persons_facts_delete AFTER DELETE ON contact_persons BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", (CAST(substr(c."Date", 1, 4) AS INTEGER) - (substr(c."Date", 6, 2) < '04')), OLD."PersonId", -1 FROM contacts c WHERE c."Id" = OLD."ContactId"
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
CREATE TRIGGER contacts_person_facts_delete BEFORE DELETE ON contacts BEGIN
    DELETE FROM contact_persons WHERE "ContactId" = OLD."Id";
END;
CREATE TRIGGER contacts_person_facts_update AFTER UPDATE OF "ProgramId", "Date" ON contacts BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), cp."PersonId", -1 FROM contact_persons cp WHERE cp."ContactId" = OLD."Id"
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), cp."PersonId", 1 FROM contact_persons cp WHERE cp."ContactId" = NEW."Id"
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
