-- Person-year facts (v2, migration ContactWithdrawal): as v1, except that the links of a withdrawn contact (取消) are
-- not counted, and withdrawing a contact takes its persons' counts down.

DROP TRIGGER contact_persons_facts_insert;
DROP TRIGGER contact_persons_facts_delete;
DROP TRIGGER contacts_person_facts_update;

CREATE TRIGGER contact_persons_facts_insert AFTER INSERT ON contact_persons BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", (CAST(substr(c."Date", 1, 4) AS INTEGER) - (substr(c."Date", 6, 2) < '04')), NEW."PersonId", 1 FROM contacts c WHERE c."Id" = NEW."ContactId" AND c."WithdrawnAt" IS NULL
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
CREATE TRIGGER contact_persons_facts_delete AFTER DELETE ON contact_persons BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", (CAST(substr(c."Date", 1, 4) AS INTEGER) - (substr(c."Date", 6, 2) < '04')), OLD."PersonId", -1 FROM contacts c WHERE c."Id" = OLD."ContactId" AND c."WithdrawnAt" IS NULL
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
CREATE TRIGGER contacts_person_facts_update AFTER UPDATE OF "ProgramId", "Date", "WithdrawnAt" ON contacts BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT OLD."ProgramId", (CAST(substr(OLD."Date", 1, 4) AS INTEGER) - (substr(OLD."Date", 6, 2) < '04')), cp."PersonId", -1 FROM contact_persons cp WHERE cp."ContactId" = OLD."Id" AND OLD."WithdrawnAt" IS NULL
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT NEW."ProgramId", (CAST(substr(NEW."Date", 1, 4) AS INTEGER) - (substr(NEW."Date", 6, 2) < '04')), cp."PersonId", 1 FROM contact_persons cp WHERE cp."ContactId" = NEW."Id" AND NEW."WithdrawnAt" IS NULL
    ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";
END;
