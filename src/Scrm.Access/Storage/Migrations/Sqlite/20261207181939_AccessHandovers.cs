using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Access.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessHandovers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_handovers",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    successor = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    requested_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_handovers", x => x.user_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_handovers");
        }
    }
}
