using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Campaigns.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignSends : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaign_contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    campaign_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_contacts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    address = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    step = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    channel_message_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_at = table.Column<long>(type: "INTEGER", nullable: true),
                    claimed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    done_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_recipients", x => new { x.campaign_id, x.customer_id });
                });

            migrationBuilder.CreateTable(
                name: "campaign_sent_messages",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    channel_message_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    error_code = table.Column<int>(type: "INTEGER", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    claimed_at = table.Column<long>(type: "INTEGER", nullable: false),
                    completed_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_sent_messages", x => x.idempotency_key);
                });

            migrationBuilder.CreateTable(
                name: "campaign_unsubscribes",
                columns: table => new
                {
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    campaign_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_unsubscribes", x => new { x.customer_id, x.channel });
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    segment_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    plan = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    scheduled_at = table.Column<long>(type: "INTEGER", nullable: true),
                    started_at = table.Column<long>(type: "INTEGER", nullable: true),
                    finished_at = table.Column<long>(type: "INTEGER", nullable: true),
                    audience = table.Column<int>(type: "INTEGER", nullable: true),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_contacts_campaign_id_customer_id",
                table: "campaign_contacts",
                columns: new[] { "campaign_id", "customer_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaign_contacts_customer_id_at",
                table: "campaign_contacts",
                columns: new[] { "customer_id", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_campaign_id_status_customer_id",
                table: "campaign_recipients",
                columns: new[] { "campaign_id", "status", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_status",
                table: "campaigns",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaign_contacts");

            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "campaign_sent_messages");

            migrationBuilder.DropTable(
                name: "campaign_unsubscribes");

            migrationBuilder.DropTable(
                name: "campaigns");
        }
    }
}
