using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Customers.Model.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RegionSource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "region_source",
                table: "customers",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "region_source",
                table: "customers");
        }
    }
}
