using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialLeads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lead_assignments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    team = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reasons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    assigned_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_assignments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_channel_costs",
                columns: table => new
                {
                    channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_channel_costs", x => new { x.channel, x.day });
                });

            migrationBuilder.CreateTable(
                name: "lead_follow_ups",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    due_at = table.Column<long>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    note = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    outcome = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    done_at = table.Column<long>(type: "INTEGER", nullable: true),
                    reminded_at = table.Column<long>(type: "INTEGER", nullable: true),
                    escalated_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_follow_ups", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: true),
                    dedup_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    read_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_onboarding_tasks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    sales_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    due_at = table.Column<long>(type: "INTEGER", nullable: false),
                    done_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_onboarding_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_payments",
                columns: table => new
                {
                    payment_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    paid_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_payments", x => x.payment_id);
                });

            migrationBuilder.CreateTable(
                name: "lead_stage_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    from_stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    to_stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    changed_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    why = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_stage_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_team_cursors",
                columns: table => new
                {
                    team = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    last_rep = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    weights = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_team_cursors", x => x.team);
                });

            migrationBuilder.CreateTable(
                name: "lead_touches",
                columns: table => new
                {
                    source_key = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_touches", x => x.source_key);
                });

            migrationBuilder.CreateTable(
                name: "leads",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    source_key = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    customer_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    phone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    company = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    message = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: true),
                    stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    furthest_stage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    team = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    pooled = table.Column<bool>(type: "INTEGER", nullable: false),
                    assigned_at = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    score = table.Column<int>(type: "INTEGER", nullable: false),
                    hot = table.Column<bool>(type: "INTEGER", nullable: false),
                    score_breakdown = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    account = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    campaign = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    utm_source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    utm_medium = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    utm_campaign = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    attribution = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    province = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    city = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    product = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    value_tier = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    first_touch_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_touch_at = table.Column<long>(type: "INTEGER", nullable: false),
                    touches = table.Column<int>(type: "INTEGER", nullable: false),
                    contact_attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    first_contact_at = table.Column<long>(type: "INTEGER", nullable: true),
                    need = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true),
                    expected_close = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    paid_amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    closed_reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    sla_escalated_at = table.Column<long>(type: "INTEGER", nullable: true),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_leads", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lead_assignments_lead_id",
                table: "lead_assignments",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_lead_follow_ups_done_at_due_at",
                table: "lead_follow_ups",
                columns: new[] { "done_at", "due_at" });

            migrationBuilder.CreateIndex(
                name: "IX_lead_follow_ups_lead_id",
                table: "lead_follow_ups",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_lead_notifications_dedup_key",
                table: "lead_notifications",
                column: "dedup_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_lead_notifications_recipient_id",
                table: "lead_notifications",
                columns: new[] { "recipient", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_lead_onboarding_tasks_lead_id_title",
                table: "lead_onboarding_tasks",
                columns: new[] { "lead_id", "title" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_lead_payments_lead_id",
                table: "lead_payments",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_lead_stage_changes_lead_id",
                table: "lead_stage_changes",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_lead_touches_lead_id",
                table: "lead_touches",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_leads_created_at",
                table: "leads",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "IX_leads_owner_stage",
                table: "leads",
                columns: new[] { "owner", "stage" });

            migrationBuilder.CreateIndex(
                name: "IX_leads_source_key",
                table: "leads",
                column: "source_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_leads_open_customer",
                table: "leads",
                column: "customer_key",
                unique: true,
                filter: "customer_key IS NOT NULL AND stage IN ('Lead', 'Prospect', 'Opportunity')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lead_assignments");

            migrationBuilder.DropTable(
                name: "lead_channel_costs");

            migrationBuilder.DropTable(
                name: "lead_follow_ups");

            migrationBuilder.DropTable(
                name: "lead_notifications");

            migrationBuilder.DropTable(
                name: "lead_onboarding_tasks");

            migrationBuilder.DropTable(
                name: "lead_payments");

            migrationBuilder.DropTable(
                name: "lead_stage_changes");

            migrationBuilder.DropTable(
                name: "lead_team_cursors");

            migrationBuilder.DropTable(
                name: "lead_touches");

            migrationBuilder.DropTable(
                name: "leads");
        }
    }
}
