using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.Weibo.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialWeibo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "weibo_checkpoints",
                columns: table => new
                {
                    account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    feed = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    since_id = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_weibo_checkpoints", x => new { x.account, x.feed });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "weibo_checkpoints");
        }
    }
}
