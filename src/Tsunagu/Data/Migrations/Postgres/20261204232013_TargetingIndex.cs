using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TargetingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_persons_BirthDate",
                table: "persons");

            migrationBuilder.CreateIndex(
                name: "IX_persons_BirthDate_Role_HouseholdId_MergedIntoId",
                table: "persons",
                columns: new[] { "BirthDate", "Role", "HouseholdId", "MergedIntoId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_persons_BirthDate_Role_HouseholdId_MergedIntoId",
                table: "persons");

            migrationBuilder.CreateIndex(
                name: "IX_persons_BirthDate",
                table: "persons",
                column: "BirthDate");
        }
    }
}
