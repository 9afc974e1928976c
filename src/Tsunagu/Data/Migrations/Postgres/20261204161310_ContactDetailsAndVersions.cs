using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ContactDetailsAndVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Email",
                table: "persons",
                type: "character varying(254)",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                table: "persons",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneKey",
                table: "persons",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "persons",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "households",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressKey",
                table: "households",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PostalCode",
                table: "households",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "households",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "contacts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "reach_consents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    HouseholdId = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<int>(type: "integer", nullable: false),
                    GivenOn = table.Column<DateOnly>(type: "date", nullable: false),
                    RecordedBy = table.Column<string>(type: "text", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WithdrawnOn = table.Column<DateOnly>(type: "date", nullable: true),
                    WithdrawnBy = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reach_consents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_reach_consents_households_HouseholdId",
                        column: x => x.HouseholdId,
                        principalTable: "households",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_persons_PhoneKey",
                table: "persons",
                column: "PhoneKey");

            migrationBuilder.CreateIndex(
                name: "IX_reach_consents_HouseholdId_Channel",
                table: "reach_consents",
                columns: new[] { "HouseholdId", "Channel" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "reach_consents");

            migrationBuilder.DropIndex(
                name: "IX_persons_PhoneKey",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Email",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Phone",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "PhoneKey",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "Address",
                table: "households");

            migrationBuilder.DropColumn(
                name: "AddressKey",
                table: "households");

            migrationBuilder.DropColumn(
                name: "PostalCode",
                table: "households");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "households");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "contacts");
        }
    }
}
