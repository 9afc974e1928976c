using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OutcomePerYear : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_outcomes_PersonId",
                table: "outcomes");

            migrationBuilder.CreateIndex(
                name: "IX_placements_ProgramId_FiscalYear",
                table: "placements",
                columns: new[] { "ProgramId", "FiscalYear" });

            migrationBuilder.CreateIndex(
                name: "IX_outcomes_PersonId_ProgramId_FiscalYear",
                table: "outcomes",
                columns: new[] { "PersonId", "ProgramId", "FiscalYear" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_placements_ProgramId_FiscalYear",
                table: "placements");

            migrationBuilder.DropIndex(
                name: "IX_outcomes_PersonId_ProgramId_FiscalYear",
                table: "outcomes");

            migrationBuilder.CreateIndex(
                name: "IX_outcomes_PersonId",
                table: "outcomes",
                column: "PersonId");
        }
    }
}
