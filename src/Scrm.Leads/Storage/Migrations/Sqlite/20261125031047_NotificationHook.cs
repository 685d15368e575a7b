using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NotificationHook : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "hook_attempts",
                table: "lead_notifications",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "hook_delivered_at",
                table: "lead_notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "hook_next_at",
                table: "lead_notifications",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_lead_notifications_hook_pending",
                table: "lead_notifications",
                column: "created_at",
                filter: "hook_delivered_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_lead_notifications_hook_pending",
                table: "lead_notifications");

            migrationBuilder.DropColumn(
                name: "hook_attempts",
                table: "lead_notifications");

            migrationBuilder.DropColumn(
                name: "hook_delivered_at",
                table: "lead_notifications");

            migrationBuilder.DropColumn(
                name: "hook_next_at",
                table: "lead_notifications");
        }
    }
}
