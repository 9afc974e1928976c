using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonYearFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "person_year_facts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    Contacts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_year_facts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_person_year_facts_ProgramId_FiscalYear_PersonId",
                table: "person_year_facts",
                columns: new[] { "ProgramId", "FiscalYear", "PersonId" },
                unique: true);
            // Counted in place by the triggers: Data/Sql/Sqlite.
            migrationBuilder.Sql(SqlFiles.Read("Sqlite", "person_year_facts.v1"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER contact_persons_facts_insert; DROP TRIGGER contact_persons_facts_delete;
                DROP TRIGGER contacts_person_facts_delete; DROP TRIGGER contacts_person_facts_update;
                """);

            migrationBuilder.DropTable(
                name: "person_year_facts");
        }
    }
}
