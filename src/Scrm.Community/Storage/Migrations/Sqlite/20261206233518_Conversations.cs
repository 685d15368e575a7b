using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Conversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "community_conversations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    thread_key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    contact_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    assignee = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    intent = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    sentiment = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    preview = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    opened_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_inbound_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_message_at = table.Column<long>(type: "INTEGER", nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: true),
                    urgency = table.Column<long>(type: "INTEGER", nullable: false),
                    messages = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_conversations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "community_effect_outcomes",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    outcome = table.Column<string>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_community_effect_outcomes", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "community_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    source_key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    direction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    text = table.Column<string>(type: "TEXT", nullable: true),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    in_reply_to = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    author = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: true),
                    intent = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    sentiment = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    topics = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    model = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_messages", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_assignee_status_urgency_id",
                table: "community_conversations",
                columns: new[] { "assignee", "status", "urgency", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_customer_id",
                table: "community_conversations",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_status_urgency_id",
                table: "community_conversations",
                columns: new[] { "status", "urgency", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_thread_key",
                table: "community_conversations",
                column: "thread_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_urgency_id",
                table: "community_conversations",
                columns: new[] { "urgency", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_community_effect_outcomes_recorded_at",
                table: "community_effect_outcomes",
                column: "recorded_at");

            migrationBuilder.CreateIndex(
                name: "IX_community_messages_conversation_id_id",
                table: "community_messages",
                columns: new[] { "conversation_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_community_messages_source_key",
                table: "community_messages",
                column: "source_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_conversations");

            migrationBuilder.DropTable(
                name: "community_effect_outcomes");

            migrationBuilder.DropTable(
                name: "community_messages");
        }
    }
}
