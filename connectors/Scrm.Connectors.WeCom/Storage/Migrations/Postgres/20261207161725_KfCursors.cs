using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.WeCom.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class KfCursors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "wecom_kf_cursors",
                columns: table => new
                {
                    account = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    open_kfid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    cursor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    updated_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_wecom_kf_cursors", x => new { x.account, x.open_kfid });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "wecom_kf_cursors");
        }
    }
}
