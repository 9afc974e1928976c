using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContactFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "WithGuardian",
                table: "contacts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "contact_facts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgramId = table.Column<int>(type: "integer", nullable: false),
                    FiscalYear = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "text", nullable: false),
                    Channel = table.Column<int>(type: "integer", nullable: false),
                    OfficeId = table.Column<int>(type: "integer", nullable: false),
                    DayOfWeek = table.Column<int>(type: "integer", nullable: false),
                    Evening = table.Column<bool>(type: "boolean", nullable: false),
                    Early = table.Column<bool>(type: "boolean", nullable: false),
                    WithGuardian = table.Column<bool>(type: "boolean", nullable: false),
                    Contacts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_facts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contact_facts_FiscalYear_ProgramId",
                table: "contact_facts",
                columns: new[] { "FiscalYear", "ProgramId" });
            // A contact was with a guardian when a guardian was on it, as the figures counted it until now.
            migrationBuilder.Sql("""
                UPDATE contacts SET "WithGuardian" = EXISTS (
                    SELECT 1 FROM contact_persons cp JOIN persons p ON p."Id" = cp."PersonId"
                    WHERE cp."ContactId" = contacts."Id" AND (cp."Role" = 1 OR p."Role" = 1))
                """);
            // One row per cell, as on SQLite; but each write appends its change (summed per cell over the statement's rows)
            // to contact_fact_changes, so that concurrent writers — an hour-long import and a case worker — never wait on
            // a shared counter. The computation folds a year's changes into the cells before reading them.
            migrationBuilder.Sql("""
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
                """);
            foreach (var (op, referencing, changed) in new[]
            {
                ("insert", "NEW TABLE AS new_rows", "SELECT *, 1 AS n FROM new_rows"),
                ("delete", "OLD TABLE AS old_rows", "SELECT *, -1 AS n FROM old_rows"),
                ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows", "SELECT *, -1 AS n FROM old_rows UNION ALL SELECT *, 1 AS n FROM new_rows"),
            })
            {
                migrationBuilder.Sql($$"""
                    CREATE FUNCTION contact_facts_{{op}}() RETURNS trigger LANGUAGE plpgsql AS $body$
                    BEGIN
                        INSERT INTO contact_fact_changes ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
                        SELECT "ProgramId", tsunagu_fiscal_year("Date"), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0),
                               extract(dow FROM "Date")::integer, coalesce("Time" >= time '17:15', false), coalesce("Time" < time '08:30', false),
                               "WithGuardian", sum(n)
                        FROM ({{changed}}) AS changed
                        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
                        HAVING sum(n) <> 0;
                        RETURN NULL;
                    END $body$;
                    CREATE TRIGGER contacts_facts_{{op}} AFTER {{op.ToUpperInvariant()}} ON contacts
                        REFERENCING {{referencing}} FOR EACH STATEMENT EXECUTE FUNCTION contact_facts_{{op}}();
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER contacts_facts_insert ON contacts; DROP TRIGGER contacts_facts_delete ON contacts; DROP TRIGGER contacts_facts_update ON contacts;
                DROP FUNCTION contact_facts_insert(); DROP FUNCTION contact_facts_delete(); DROP FUNCTION contact_facts_update();
                DROP FUNCTION tsunagu_fiscal_year(date); DROP TABLE contact_fact_changes;
                """);

            migrationBuilder.DropTable(
                name: "contact_facts");

            migrationBuilder.DropColumn(
                name: "WithGuardian",
                table: "contacts");
        }
    }
}
