using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Platform.Audit.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditOrigin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "origin",
                table: "audit_log",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_log_origin",
                table: "audit_log",
                column: "origin",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_log_origin",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "origin",
                table: "audit_log");
        }
    }
}
