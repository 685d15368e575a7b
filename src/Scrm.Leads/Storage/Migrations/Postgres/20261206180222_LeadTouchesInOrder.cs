using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadTouchesInOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_lead_touches_at_source_key",
                table: "lead_touches",
                columns: new[] { "at", "source_key" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_lead_touches_at_source_key",
                table: "lead_touches");
        }
    }
}
