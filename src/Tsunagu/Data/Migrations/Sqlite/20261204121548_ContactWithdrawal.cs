using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ContactWithdrawal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "WithdrawnAt",
                table: "contacts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "contact_note_revisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NoteId = table.Column<long>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    ReplacedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReplacedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_contact_note_revisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_contact_note_revisions_contact_notes_NoteId",
                        column: x => x.NoteId,
                        principalTable: "contact_notes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_contact_note_revisions_NoteId",
                table: "contact_note_revisions",
                column: "NoteId");
            // Withdrawn contacts leave the counts: Data/Sql/Sqlite.
            migrationBuilder.Sql(SqlFiles.Read("Sqlite", "contact_facts.v2"));
            migrationBuilder.Sql(SqlFiles.Read("Sqlite", "person_year_facts.v2"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_note_revisions");

            migrationBuilder.DropColumn(
                name: "WithdrawnAt",
                table: "contacts");
        }
    }
}
