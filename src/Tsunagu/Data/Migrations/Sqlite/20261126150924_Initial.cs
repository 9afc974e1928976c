using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bureaus",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bureaus", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "programs",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", nullable: false),
                    Overview = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_programs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "reports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceFile = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "indicator_values",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", nullable: true),
                    Basis = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Approximate = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceText = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_values", x => x.Id);
                    table.ForeignKey(
                        name: "FK_indicator_values_programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "program_bureaus",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    FiscalYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    BureauId = table.Column<int>(type: "INTEGER", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_bureaus", x => x.Id);
                    table.ForeignKey(
                        name: "FK_program_bureaus_bureaus_BureauId",
                        column: x => x.BureauId,
                        principalTable: "bureaus",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_program_bureaus_programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "report_columns",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportId = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Header = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_columns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_columns_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "report_publications",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportId = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    Snapshot = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_publications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_publications_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "report_rows",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportId = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProgramName = table.Column<string>(type: "TEXT", nullable: false),
                    Overview = table.Column<string>(type: "TEXT", nullable: false),
                    Results = table.Column<string>(type: "TEXT", nullable: false),
                    Evaluation = table.Column<string>(type: "TEXT", nullable: false),
                    Bureau = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_rows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_rows_programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_report_rows_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "report_status_changes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportId = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_status_changes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_report_status_changes_reports_ReportId",
                        column: x => x.ReportId,
                        principalTable: "reports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bureaus_Name",
                table: "bureaus",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_indicator_values_FiscalYear_ProgramId_Position",
                table: "indicator_values",
                columns: new[] { "FiscalYear", "ProgramId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_indicator_values_ProgramId",
                table: "indicator_values",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_program_bureaus_BureauId",
                table: "program_bureaus",
                column: "BureauId");

            migrationBuilder.CreateIndex(
                name: "IX_program_bureaus_ProgramId_FiscalYear_Position",
                table: "program_bureaus",
                columns: new[] { "ProgramId", "FiscalYear", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_programs_Code",
                table: "programs",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_programs_NameKey",
                table: "programs",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_columns_ReportId_Position",
                table: "report_columns",
                columns: new[] { "ReportId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_columns_ReportId_Role",
                table: "report_columns",
                columns: new[] { "ReportId", "Role" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_publications_ReportId_Version",
                table: "report_publications",
                columns: new[] { "ReportId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_rows_ProgramId",
                table: "report_rows",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_report_rows_ReportId_Position",
                table: "report_rows",
                columns: new[] { "ReportId", "Position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_rows_ReportId_ProgramId",
                table: "report_rows",
                columns: new[] { "ReportId", "ProgramId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_report_status_changes_ReportId",
                table: "report_status_changes",
                column: "ReportId");

            migrationBuilder.CreateIndex(
                name: "IX_reports_FiscalYear",
                table: "reports",
                column: "FiscalYear",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "indicator_values");

            migrationBuilder.DropTable(
                name: "program_bureaus");

            migrationBuilder.DropTable(
                name: "report_columns");

            migrationBuilder.DropTable(
                name: "report_publications");

            migrationBuilder.DropTable(
                name: "report_rows");

            migrationBuilder.DropTable(
                name: "report_status_changes");

            migrationBuilder.DropTable(
                name: "bureaus");

            migrationBuilder.DropTable(
                name: "programs");

            migrationBuilder.DropTable(
                name: "reports");
        }
    }
}
