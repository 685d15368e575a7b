using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 128,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite drops the column in place: EF's table rebuild would lose the load-count triggers on leads.
            migrationBuilder.Sql("ALTER TABLE leads DROP COLUMN requested_owner;");
        }
    }
}
