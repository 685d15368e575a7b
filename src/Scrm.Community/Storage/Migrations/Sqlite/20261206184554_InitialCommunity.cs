using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialCommunity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "community_calendar_years",
                columns: table => new
                {
                    year = table.Column<int>(type: "INTEGER", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_calendar_years", x => x.year);
                });

            migrationBuilder.CreateTable(
                name: "community_corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    text = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    intent = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    sentiment = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    topics = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    before = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_corrections", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "community_lexicons",
                columns: table => new
                {
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_lexicons", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "community_model_versions",
                columns: table => new
                {
                    version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    card = table.Column<string>(type: "TEXT", nullable: false),
                    model = table.Column<byte[]>(type: "BLOB", nullable: true),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    activated_at = table.Column<long>(type: "INTEGER", nullable: true),
                    corrections_up_to = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_model_versions", x => x.version);
                });

            migrationBuilder.CreateIndex(
                name: "IX_community_model_versions_activated_at",
                table: "community_model_versions",
                column: "activated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_calendar_years");

            migrationBuilder.DropTable(
                name: "community_corrections");

            migrationBuilder.DropTable(
                name: "community_lexicons");

            migrationBuilder.DropTable(
                name: "community_model_versions");
        }
    }
}
