using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadActors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "title",
                table: "leads",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "lead_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    lead_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    changed_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_handovers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    from_rep = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    to_rep = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    handed_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false),
                    customers_moved_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_handovers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lead_changes_lead_id",
                table: "lead_changes",
                column: "lead_id");

            migrationBuilder.CreateIndex(
                name: "IX_lead_handovers_customers_moved_at",
                table: "lead_handovers",
                column: "customers_moved_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lead_changes");

            migrationBuilder.DropTable(
                name: "lead_handovers");

            // SQLite's own DROP COLUMN, not EF's table rebuild, which would lose the rep-load triggers.
            migrationBuilder.Sql("ALTER TABLE leads DROP COLUMN title;");
        }
    }
}
