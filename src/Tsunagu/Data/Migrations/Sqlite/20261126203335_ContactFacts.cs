using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "contact_facts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<string>(type: "TEXT", nullable: false),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    OfficeId = table.Column<int>(type: "INTEGER", nullable: false),
                    DayOfWeek = table.Column<int>(type: "INTEGER", nullable: false),
                    Evening = table.Column<bool>(type: "INTEGER", nullable: false),
                    Early = table.Column<bool>(type: "INTEGER", nullable: false),
                    WithGuardian = table.Column<bool>(type: "INTEGER", nullable: false),
                    Contacts = table.Column<int>(type: "INTEGER", nullable: false)
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
            // One row per cell here (one writer at a time): counted up and down in place by the triggers.
            migrationBuilder.Sql("""
                CREATE UNIQUE INDEX "IX_contact_facts_cell" ON contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian");
                INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
                SELECT "ProgramId", (CAST(substr("Date", 1, 4) AS INTEGER) - (substr("Date", 6, 2) < '04')), "Kind", coalesce("Category", ''), "Channel", coalesce("OfficeId", 0), CAST(strftime('%w', "Date") AS INTEGER),
                       coalesce("Time" >= '17:15', 0), coalesce("Time" < '08:30', 0), "WithGuardian", count(*)
                FROM contacts GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
                """);
            foreach (var (name, when, rows) in new[]
            {
                ("contacts_facts_insert", "AFTER INSERT", new[] { ("NEW", 1) }),
                ("contacts_facts_delete", "AFTER DELETE", new[] { ("OLD", -1) }),
                ("contacts_facts_update", "AFTER UPDATE OF \"ProgramId\", \"Date\", \"Time\", \"Kind\", \"Category\", \"Channel\", \"OfficeId\", \"WithGuardian\"", new[] { ("OLD", -1), ("NEW", 1) }),
            })
            {
                var body = string.Concat(rows.Select(r => $"""
                    INSERT INTO contact_facts ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian", "Contacts")
                    VALUES ({r.Item1}."ProgramId", (CAST(substr({r.Item1}."Date", 1, 4) AS INTEGER) - (substr({r.Item1}."Date", 6, 2) < '04')), {r.Item1}."Kind", coalesce({r.Item1}."Category", ''), {r.Item1}."Channel",
                            coalesce({r.Item1}."OfficeId", 0), CAST(strftime('%w', {r.Item1}."Date") AS INTEGER), coalesce({r.Item1}."Time" >= '17:15', 0),
                            coalesce({r.Item1}."Time" < '08:30', 0), {r.Item1}."WithGuardian", {r.Item2})
                    ON CONFLICT ("ProgramId", "FiscalYear", "Kind", "Category", "Channel", "OfficeId", "DayOfWeek", "Evening", "Early", "WithGuardian") DO UPDATE SET "Contacts" = "Contacts" + excluded."Contacts";

                    """));
                migrationBuilder.Sql($"CREATE TRIGGER {name} {when} ON contacts BEGIN\n{body}END;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER contacts_facts_insert; DROP TRIGGER contacts_facts_delete; DROP TRIGGER contacts_facts_update;");

            migrationBuilder.DropTable(
                name: "contact_facts");

            migrationBuilder.DropColumn(
                name: "WithGuardian",
                table: "contacts");
        }
    }
}
