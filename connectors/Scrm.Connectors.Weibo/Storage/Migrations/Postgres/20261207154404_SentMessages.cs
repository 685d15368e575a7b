using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.Weibo.Storage.Migrations.Postgres
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
                    idempotency_key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    recipient = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    channel_message_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    error_code = table.Column<int>(type: "integer", nullable: true),
                    detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    claimed_at = table.Column<long>(type: "bigint", nullable: false),
                    completed_at = table.Column<long>(type: "bigint", nullable: true)
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
