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
            // The cells, counted up and down in place by the triggers (one writer at a time here): Data/Sql/Sqlite.
            migrationBuilder.Sql(SqlFiles.Read("Sqlite", "contact_facts.v1"));
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
