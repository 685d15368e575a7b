using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadOwnerNewest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_leads_owner_id",
                table: "leads",
                columns: new[] { "owner", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_leads_owner_id",
                table: "leads");
        }
    }
}
