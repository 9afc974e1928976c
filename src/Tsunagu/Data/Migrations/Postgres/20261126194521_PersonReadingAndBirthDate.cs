using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PersonReadingAndBirthDate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_persons_KanaKey",
                table: "persons");

            migrationBuilder.CreateIndex(
                name: "IX_persons_KanaKey_BirthDate",
                table: "persons",
                columns: new[] { "KanaKey", "BirthDate" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_persons_KanaKey_BirthDate",
                table: "persons");

            migrationBuilder.CreateIndex(
                name: "IX_persons_KanaKey",
                table: "persons",
                column: "KanaKey");
        }
    }
}
