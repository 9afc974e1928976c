using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonYearFactsByCount : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_person_year_facts_ProgramId_FiscalYear_Contacts",
                table: "person_year_facts",
                columns: new[] { "ProgramId", "FiscalYear", "Contacts" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_person_year_facts_ProgramId_FiscalYear_Contacts",
                table: "person_year_facts");
        }
    }
}
