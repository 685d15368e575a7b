using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.WeCom.Storage.Migrations.Sqlite
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
                    account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    open_kfid = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    cursor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
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
