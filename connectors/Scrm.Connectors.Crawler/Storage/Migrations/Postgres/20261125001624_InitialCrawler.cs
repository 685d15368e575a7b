using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Connectors.Crawler.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialCrawler : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawler_pages",
                columns: table => new
                {
                    site = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    url_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    etag = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    last_modified = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    fetched_at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawler_pages", x => new { x.site, x.url_hash });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawler_pages");
        }
    }
}
