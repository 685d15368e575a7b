using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Customers.Model.Migrations.Sqlite
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
                type: "TEXT",
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
