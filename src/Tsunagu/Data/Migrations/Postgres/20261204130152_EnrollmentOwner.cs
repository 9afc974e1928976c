using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EnrollmentOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OwnerUserId",
                table: "enrollments",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_enrollments_OwnerUserId_Status",
                table: "enrollments",
                columns: new[] { "OwnerUserId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_enrollments_OwnerUserId_Status",
                table: "enrollments");

            migrationBuilder.DropColumn(
                name: "OwnerUserId",
                table: "enrollments");
        }
    }
}
