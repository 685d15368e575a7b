using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KnowledgeArticles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "community_articles",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    tags = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    channels = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    uses = table.Column<int>(type: "INTEGER", nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_articles", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_community_articles_active",
                table: "community_articles",
                column: "active");

            migrationBuilder.CreateIndex(
                name: "IX_community_articles_title",
                table: "community_articles",
                column: "title",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_articles");
        }
    }
}
