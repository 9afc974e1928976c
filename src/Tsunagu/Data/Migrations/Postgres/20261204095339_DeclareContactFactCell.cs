using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeclareContactFactCell : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nothing to do: the index exists since ContactFacts (Data/Sql/*/contact_facts.v1.sql). The model now declares it,
            // so that this snapshot knows it and a later rebuild of contact_facts keeps it.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to undo: the index stays with the table ContactFacts made.
        }
    }
}
