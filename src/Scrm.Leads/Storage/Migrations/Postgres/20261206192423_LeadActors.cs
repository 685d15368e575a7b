using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Postgres
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
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "lead_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    lead_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    changed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    detail = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "lead_handovers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    from_rep = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    to_rep = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    handed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    at = table.Column<long>(type: "bigint", nullable: false),
                    customers_moved_at = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.DropColumn(
                name: "title",
                table: "leads");
        }
    }
}
