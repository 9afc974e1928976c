using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RestrictedRecordsAndOffices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Restriction",
                table: "persons",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OfficeId",
                table: "enrollments",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_shares",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EnrollmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    OfficeId = table.Column<int>(type: "INTEGER", nullable: false),
                    SharedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_shares", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_shares_enrollments_EnrollmentId",
                        column: x => x.EnrollmentId,
                        principalTable: "enrollments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "restricted_record_staff",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PersonId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_restricted_record_staff", x => x.Id);
                    table.ForeignKey(
                        name: "FK_restricted_record_staff_persons_PersonId",
                        column: x => x.PersonId,
                        principalTable: "persons",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_persons_Restriction",
                table: "persons",
                column: "Restriction");

            migrationBuilder.CreateIndex(
                name: "IX_case_shares_EnrollmentId_OfficeId",
                table: "case_shares",
                columns: new[] { "EnrollmentId", "OfficeId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_restricted_record_staff_PersonId_UserId",
                table: "restricted_record_staff",
                columns: new[] { "PersonId", "UserId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_shares");

            migrationBuilder.DropTable(
                name: "restricted_record_staff");

            migrationBuilder.DropIndex(
                name: "IX_persons_Restriction",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Restriction",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "OfficeId",
                table: "enrollments");
        }
    }
}
