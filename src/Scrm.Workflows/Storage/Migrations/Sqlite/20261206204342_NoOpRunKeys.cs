using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Workflows.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NoOpRunKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "workflow_run_keys",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workflow_run_keys", x => x.key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_workflow_run_keys_at",
                table: "workflow_run_keys",
                column: "at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "workflow_run_keys");
        }
    }
}
