using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceTargets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "tier",
                table: "community_conversations",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "community_service_targets",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    json = table.Column<string>(type: "text", nullable: false),
                    by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_service_targets", x => x.version);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_service_targets");

            migrationBuilder.DropColumn(
                name: "tier",
                table: "community_conversations");
        }
    }
}
