using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IndicatorDefinitions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "DefinitionId",
                table: "indicator_values",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Denominator",
                table: "indicator_values",
                type: "TEXT",
                precision: 18,
                scale: 4,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "indicator_definitions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProgramId = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    FromYear = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: false),
                    Unit = table.Column<string>(type: "TEXT", nullable: false),
                    Basis = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: false),
                    NumeratorKey = table.Column<string>(type: "TEXT", nullable: true),
                    DenominatorKey = table.Column<string>(type: "TEXT", nullable: true),
                    Decimals = table.Column<int>(type: "INTEGER", nullable: false),
                    Wording = table.Column<string>(type: "TEXT", nullable: false),
                    InResults = table.Column<bool>(type: "INTEGER", nullable: false),
                    Retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_indicator_definitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_indicator_definitions_programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_indicator_values_DefinitionId",
                table: "indicator_values",
                column: "DefinitionId");

            migrationBuilder.CreateIndex(
                name: "IX_indicator_definitions_ProgramId_Key_Version",
                table: "indicator_definitions",
                columns: new[] { "ProgramId", "Key", "Version" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_indicator_values_indicator_definitions_DefinitionId",
                table: "indicator_values",
                column: "DefinitionId",
                principalTable: "indicator_definitions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_indicator_values_indicator_definitions_DefinitionId",
                table: "indicator_values");

            migrationBuilder.DropTable(
                name: "indicator_definitions");

            migrationBuilder.DropIndex(
                name: "IX_indicator_values_DefinitionId",
                table: "indicator_values");

            migrationBuilder.DropColumn(
                name: "DefinitionId",
                table: "indicator_values");

            migrationBuilder.DropColumn(
                name: "Denominator",
                table: "indicator_values");
        }
    }
}
