using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProgramId = table.Column<int>(type: "integer", nullable: false),
                    FiscalYear = table.Column<int>(type: "integer", nullable: false),
                    PersonId = table.Column<int>(type: "integer", nullable: false),
                    Contacts = table.Column<int>(type: "integer", nullable: false)
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
            // Counted in place by statement-level triggers (decision 0007): Data/Sql/Postgres.
            migrationBuilder.Sql(SqlFiles.Read("Postgres", "person_year_facts.v1"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER contact_persons_facts_insert ON contact_persons; DROP TRIGGER contact_persons_facts_delete ON contact_persons;
                DROP TRIGGER contacts_person_facts_delete ON contacts; DROP TRIGGER contacts_person_facts_update ON contacts;
                DROP FUNCTION person_year_facts_links_insert(); DROP FUNCTION person_year_facts_links_delete();
                DROP FUNCTION person_year_facts_contact_delete(); DROP FUNCTION person_year_facts_contact_update();
                """);

            migrationBuilder.DropTable(
                name: "person_year_facts");
        }
    }
}
