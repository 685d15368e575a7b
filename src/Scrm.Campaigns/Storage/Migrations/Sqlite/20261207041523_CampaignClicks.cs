using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Campaigns.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CampaignClicks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaign_clicks",
                columns: table => new
                {
                    campaign_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    customer_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_clicks", x => new { x.campaign_id, x.customer_id });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaign_clicks");
        }
    }
}
