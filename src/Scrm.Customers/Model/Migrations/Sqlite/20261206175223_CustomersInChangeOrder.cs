using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Customers.Model.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CustomersInChangeOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_customers_updated_at_id",
                table: "customers",
                columns: new[] { "updated_at", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_customers_updated_at_id",
                table: "customers");
        }
    }
}
