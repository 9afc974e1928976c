-- Person-year facts (v1, migration PersonYearFacts): contacts per program, fiscal year and person, kept by triggers
-- on contact_persons and contacts. A contact's links are removed before the contact itself, so that their trigger still
-- finds the contact's program and year.
-- On PostgreSQL by statement-level triggers: a person's row is shared by that person's contacts only, so writers
-- rarely meet on it (unlike contact_facts' cells, whose changes are appended: decision 0007).

INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
SELECT c."ProgramId", tsunagu_fiscal_year(c."Date"), cp."PersonId", count(*)
FROM contact_persons cp JOIN contacts c ON c."Id" = cp."ContactId" GROUP BY 1, 2, 3;

CREATE FUNCTION person_year_facts_links_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", tsunagu_fiscal_year(c."Date"), n."PersonId", count(*)
    FROM new_rows n JOIN contacts c ON c."Id" = n."ContactId" GROUP BY 1, 2, 3 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;
CREATE TRIGGER contact_persons_facts_insert AFTER INSERT ON contact_persons
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_year_facts_links_insert();

CREATE FUNCTION person_year_facts_links_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", tsunagu_fiscal_year(c."Date"), o."PersonId", -count(*)
    FROM old_rows o JOIN contacts c ON c."Id" = o."ContactId" GROUP BY 1, 2, 3 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;
CREATE TRIGGER contact_persons_facts_delete AFTER DELETE ON contact_persons
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_year_facts_links_delete();

CREATE FUNCTION person_year_facts_contact_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM contact_persons WHERE "ContactId" = OLD."Id";
    RETURN OLD;
END $body$;
CREATE TRIGGER contacts_person_facts_delete BEFORE DELETE ON contacts
    FOR EACH ROW EXECUTE FUNCTION person_year_facts_contact_delete();

CREATE FUNCTION person_year_facts_contact_update() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "PersonId", sum(n) FROM (
        SELECT o."ProgramId", o."Date", cp."PersonId", -1 AS n FROM old_rows o JOIN contact_persons cp ON cp."ContactId" = o."Id"
        UNION ALL
        SELECT w."ProgramId", w."Date", cp."PersonId", 1 FROM new_rows w JOIN contact_persons cp ON cp."ContactId" = w."Id") AS moved
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;
CREATE TRIGGER contacts_person_facts_update AFTER UPDATE ON contacts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_year_facts_contact_update();
