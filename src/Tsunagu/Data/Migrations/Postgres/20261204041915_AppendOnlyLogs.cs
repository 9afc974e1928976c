using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
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
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "audit_entries",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "access_log",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "access_log",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "audit_verifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    Intact = table.Column<bool>(type: "boolean", nullable: false),
                    Problem = table.Column<string>(type: "text", nullable: true),
                    AuditRows = table.Column<long>(type: "bigint", nullable: false),
                    AuditSequence = table.Column<long>(type: "bigint", nullable: false),
                    AuditHash = table.Column<string>(type: "text", nullable: true),
                    AccessLogRows = table.Column<long>(type: "bigint", nullable: false),
                    AccessLogSequence = table.Column<long>(type: "bigint", nullable: false),
                    AccessLogHash = table.Column<string>(type: "text", nullable: true),
                    Unchained = table.Column<long>(type: "bigint", nullable: false)
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

            // Append-only: the database itself refuses to change or remove a row, whoever asks: Data/Sql/Postgres.
            migrationBuilder.Sql(SqlFiles.Read("Postgres", "append_only_logs.v1"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "audit_entries", "access_log", "audit_verifications" })
            {
                migrationBuilder.Sql($"DROP TRIGGER {table}_append_only ON {table}; DROP TRIGGER {table}_no_truncate ON {table};");
            }
            migrationBuilder.Sql("DROP FUNCTION tsunagu_append_only();");

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
