using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Community.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConversationResolvedAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "resolved_at",
                table: "community_conversations",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_community_conversations_opened_at",
                table: "community_conversations",
                column: "opened_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_community_conversations_opened_at",
                table: "community_conversations");

            migrationBuilder.DropColumn(
                name: "resolved_at",
                table: "community_conversations");
        }
    }
}
