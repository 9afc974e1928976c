using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppendOnlyLogs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "audit_entries",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "audit_entries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "access_log",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "access_log",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "audit_verifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Intact = table.Column<bool>(type: "INTEGER", nullable: false),
                    Problem = table.Column<string>(type: "TEXT", nullable: true),
                    AuditRows = table.Column<long>(type: "INTEGER", nullable: false),
                    AuditSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    AuditHash = table.Column<string>(type: "TEXT", nullable: true),
                    AccessLogRows = table.Column<long>(type: "INTEGER", nullable: false),
                    AccessLogSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    AccessLogHash = table.Column<string>(type: "TEXT", nullable: true),
                    Unchained = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_verifications", x => x.Id);
                });

            // Rows written before the chain keep their order and no hash: `audit verify` counts them as unprotected.
            migrationBuilder.Sql("""UPDATE audit_entries SET "Sequence" = "Id"; UPDATE access_log SET "Sequence" = "Id";""");

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_Sequence",
                table: "audit_entries",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_log_Sequence",
                table: "access_log",
                column: "Sequence",
                unique: true);

            // Append-only: the database itself refuses to change or remove a row, whoever asks: Data/Sql/Sqlite.
            migrationBuilder.Sql(SqlFiles.Read("Sqlite", "append_only_logs.v1"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "audit_entries", "access_log", "audit_verifications" })
            {
                migrationBuilder.Sql($"DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;");
            }

            migrationBuilder.DropTable(
                name: "audit_verifications");

            migrationBuilder.DropIndex(
                name: "IX_audit_entries_Sequence",
                table: "audit_entries");

            migrationBuilder.DropIndex(
                name: "IX_access_log_Sequence",
                table: "access_log");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "audit_entries");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "access_log");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "access_log");
        }
    }
}
