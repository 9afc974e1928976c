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
            // The cells; each write appends its change to contact_fact_changes, folded in by the computation (decision 0007): Data/Sql/Postgres.
            migrationBuilder.Sql(SqlFiles.Read("Postgres", "contact_facts.v1"));
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
