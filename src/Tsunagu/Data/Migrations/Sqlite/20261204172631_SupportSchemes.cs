using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SupportSchemes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "support_schemes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    EasySummary = table.Column<string>(type: "TEXT", nullable: true),
                    WhoCanApply = table.Column<string>(type: "TEXT", nullable: false),
                    HowToApply = table.Column<string>(type: "TEXT", nullable: false),
                    ContactPoint = table.Column<string>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    Situations = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_support_schemes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_support_schemes_programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "application_windows",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SchemeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: true),
                    Opens = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Closes = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Target = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_application_windows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_application_windows_support_schemes_SchemeId",
                        column: x => x.SchemeId,
                        principalTable: "support_schemes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_application_windows_Opens_Closes",
                table: "application_windows",
                columns: new[] { "Opens", "Closes" });

            migrationBuilder.CreateIndex(
                name: "IX_application_windows_SchemeId",
                table: "application_windows",
                column: "SchemeId");

            migrationBuilder.CreateIndex(
                name: "IX_support_schemes_FiscalYear_Key",
                table: "support_schemes",
                columns: new[] { "FiscalYear", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_support_schemes_ProgramId",
                table: "support_schemes",
                column: "ProgramId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "application_windows");

            migrationBuilder.DropTable(
                name: "support_schemes");
        }
    }
}
