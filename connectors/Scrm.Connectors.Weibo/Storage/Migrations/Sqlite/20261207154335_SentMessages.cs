using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.Weibo.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SentMessages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "weibo_sent_messages",
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
                    table.PrimaryKey("PK_weibo_sent_messages", x => x.idempotency_key);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "weibo_sent_messages");
        }
    }
}
