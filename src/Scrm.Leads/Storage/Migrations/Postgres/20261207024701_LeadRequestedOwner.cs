using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadRequestedOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "requested_owner",
                table: "leads",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "requested_owner",
                table: "leads");
        }
    }
}
