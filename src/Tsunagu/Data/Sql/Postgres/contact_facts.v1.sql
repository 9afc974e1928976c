-- Contact facts (v1, migration ContactFacts): counts of contacts per cell of every attribute a figure can ask about,
-- kept by triggers on contacts. Office hours as in Contacts/OfficeHours.cs (a test holds the two times to it);
-- the fiscal year of a date starts on 1 April.
-- One row per cell, as on SQLite; but each write appends its change (summed per cell over the statement's rows) to
-- contact_fact_changes, so that concurrent writers (an hour-long import and a case worker) never wait on a shared
-- counter. The computation folds a year's changes into the cells before reading them (contact_facts_fold.v1.sql).

CREATE UNIQUE INDEX "IX_contact_facts_cell" ON contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian");
CREATE TABLE contact_fact_changes (
    "ProgramId" integer NOT NULL, "FiscalYear" integer NOT NULL, "Kind" integer NOT NULL, "Category" text NOT NULL,
    "Channel" integer NOT NULL, "OfficeId" integer NOT NULL, "DayOfWeek" integer NOT NULL, "Evening" boolean NOT NULL,
    "Early" boolean NOT NULL, "WithGuardian" boolean NOT NULL, "Contacts" integer NOT NULL);
CREATE INDEX "IX_contact_fact_changes_FiscalYear" ON contact_fact_changes ("FiscalYear");

CREATE FUNCTION tsunagu_fiscal_year(d date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN extract(year FROM d)::integer - CASE WHEN extract(month FROM d) < 4 THEN 1 ELSE 0 END;

INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
       extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
       "WithGuardian", count(*)
FROM contacts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

CREATE FUNCTION contact_facts_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, 1 AS n FROM new_rows) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;
CREATE TRIGGER contacts_facts_insert AFTER INSERT ON contacts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_facts_insert();

CREATE FUNCTION contact_facts_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, -1 AS n FROM old_rows) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;
CREATE TRIGGER contacts_facts_delete AFTER DELETE ON contacts
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_facts_delete();

CREATE FUNCTION contact_facts_update() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, -1 AS n FROM old_rows UNION ALL SELECT *, 1 AS n FROM new_rows) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;
CREATE TRIGGER contacts_facts_update AFTER UPDATE ON contacts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_facts_update();
