-- Person-year facts (v2, migration ContactWithdrawal): as v1, except that the links of a withdrawn contact (取消) are
-- not counted, and withdrawing a contact takes its persons' counts down. The triggers stay; their functions change.

CREATE OR REPLACE FUNCTION person_year_facts_links_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", tsunagu_fiscal_year(c."Date"), n."PersonId", count(*)
    FROM new_rows n JOIN contacts c ON c."Id" = n."ContactId" AND c."WithdrawnAt" IS NULL GROUP BY 1, 2, 3 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;

CREATE OR REPLACE FUNCTION person_year_facts_links_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT c."ProgramId", tsunagu_fiscal_year(c."Date"), o."PersonId", -count(*)
    FROM old_rows o JOIN contacts c ON c."Id" = o."ContactId" AND c."WithdrawnAt" IS NULL GROUP BY 1, 2, 3 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;

CREATE OR REPLACE FUNCTION person_year_facts_contact_update() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO person_year_facts ("ProgramId", "FiscalYear", "PersonId", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "PersonId", sum(n) FROM (
        SELECT o."ProgramId", o."Date", cp."PersonId", -1 AS n FROM old_rows o JOIN contact_persons cp ON cp."ContactId" = o."Id" WHERE o."WithdrawnAt" IS NULL
        UNION ALL
        SELECT w."ProgramId", w."Date", cp."PersonId", 1 FROM new_rows w JOIN contact_persons cp ON cp."ContactId" = w."Id" WHERE w."WithdrawnAt" IS NULL) AS moved
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ON CONFLICT ("ProgramId", "FiscalYear", "PersonId") DO UPDATE SET "Contacts" = person_year_facts."Contacts" + excluded."Contacts";
    RETURN NULL;
END $body$;
