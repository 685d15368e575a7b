using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Workflows.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstanceCorrelation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_correlation",
                table: "workflow_instances",
                column: "correlation_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_instances_correlation",
                table: "workflow_instances");
        }
    }
}
