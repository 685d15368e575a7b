using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Campaigns.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CampaignVariants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "variant",
                table: "campaign_recipients",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "variant",
                table: "campaign_recipients");
        }
    }
}
