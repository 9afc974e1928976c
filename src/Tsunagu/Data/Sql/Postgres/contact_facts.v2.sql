-- Contact facts (v2, migration ContactWithdrawal): as v1, except that a withdrawn contact (取消: "WithdrawnAt" set) is
-- not counted. The triggers stay; their functions leave withdrawn rows out, so withdrawing one appends -1 to its cell.

CREATE OR REPLACE FUNCTION contact_facts_insert() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, 1 AS n FROM new_rows WHERE "WithdrawnAt" IS NULL) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;

CREATE OR REPLACE FUNCTION contact_facts_delete() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, -1 AS n FROM old_rows WHERE "WithdrawnAt" IS NULL) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;

CREATE OR REPLACE FUNCTION contact_facts_update() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
    SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
           extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
           "WithGuardian", sum(n)
    FROM (SELECT *, -1 AS n FROM old_rows WHERE "WithdrawnAt" IS NULL UNION ALL SELECT *, 1 AS n FROM new_rows WHERE "WithdrawnAt" IS NULL) AS changed
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(n) <> 0;
    RETURN NULL;
END $body$;
