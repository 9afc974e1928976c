using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FiscalYear = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    EasySummary = table.Column<string>(type: "text", nullable: true),
                    WhoCanApply = table.Column<string>(type: "text", nullable: false),
                    HowToApply = table.Column<string>(type: "text", nullable: false),
                    ContactPoint = table.Column<string>(type: "text", nullable: false),
                    ProgramId = table.Column<int>(type: "integer", nullable: false),
                    Situations = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SchemeId = table.Column<int>(type: "integer", nullable: false),
                    Label = table.Column<string>(type: "text", nullable: true),
                    Opens = table.Column<DateOnly>(type: "date", nullable: false),
                    Closes = table.Column<DateOnly>(type: "date", nullable: false),
                    Target = table.Column<string>(type: "text", nullable: true)
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
