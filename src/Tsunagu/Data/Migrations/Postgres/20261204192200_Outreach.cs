using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tsunagu.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Outreach : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_deliveries_Status_Channel",
                table: "deliveries");

            migrationBuilder.AddColumn<string>(
                name: "LineUserId",
                table: "reach_consents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LeaseOwner",
                table: "deliveries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LeasedUntil",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextAttemptAt",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Subject",
                table: "deliveries",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "CreatedByUserId",
                table: "campaigns",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "QueuedAt",
                table: "campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "campaigns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_Channel_Status_Id",
                table: "deliveries",
                columns: new[] { "Channel", "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_deliveries_Channel_Status_Id",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "LineUserId",
                table: "reach_consents");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "LeasedUntil",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Subject",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "CreatedByUserId",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "QueuedAt",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "campaigns");

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_Status_Channel",
                table: "deliveries",
                columns: new[] { "Status", "Channel" });
        }
    }
}
