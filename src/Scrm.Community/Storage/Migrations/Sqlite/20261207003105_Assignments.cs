using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Assignments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "team",
                table: "community_conversations",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "community_assignments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    conversation_id = table.Column<long>(type: "INTEGER", nullable: false),
                    from = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    assignee = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    team = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reasons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_community_assignments", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_community_assignments_conversation_id_id",
                table: "community_assignments",
                columns: new[] { "conversation_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "community_assignments");

            migrationBuilder.DropColumn(
                name: "team",
                table: "community_conversations");
        }
    }
}
