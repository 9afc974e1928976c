using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 254,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Phone",
                table: "persons",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneKey",
                table: "persons",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "persons",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "households",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressKey",
                table: "households",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PostalCode",
                table: "households",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "households",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "contacts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "reach_consents",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    HouseholdId = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    GivenOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WithdrawnOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    WithdrawnBy = table.Column<string>(type: "TEXT", nullable: true)
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
