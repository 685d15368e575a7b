using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServiceLevelsSurveysTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "waiting_key",
                table: "community_conversations",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "community_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: true),
                    dedup_key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_notifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "community_reply_templates",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_reply_templates", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "community_surveys",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    agent = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    team = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    intent = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    message_id = table.Column<long>(type: "INTEGER", nullable: true),
                    sent_at = table.Column<long>(type: "INTEGER", nullable: true),
                    score = table.Column<int>(type: "INTEGER", nullable: true),
                    answer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    answered_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_surveys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_community_notifications_dedup_key",
                table: "community_notifications",
                column: "dedup_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_community_notifications_recipient_id",
                table: "community_notifications",
                columns: new[] { "recipient", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_community_reply_templates_name",
                table: "community_reply_templates",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_community_surveys_conversation_id_id",
                table: "community_surveys",
                columns: new[] { "conversation_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_community_surveys_key",
                table: "community_surveys",
                column: "key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_notifications");

            migrationBuilder.DropTable(
                name: "community_reply_templates");

            migrationBuilder.DropTable(
                name: "community_surveys");

            migrationBuilder.DropColumn(
                name: "waiting_key",
                table: "community_conversations");
        }
    }
}
