using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RepLoads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lead_rep_loads",
                columns: table => new
                {
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    open_leads = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_rep_loads", x => x.owner);
                });

            // Every write to a lead's owner or stage keeps its rep's open-lead count, in the same
            // transaction, whatever code path made it (routing, claims, handover, stage changes).
            migrationBuilder.Sql("""
                CREATE TRIGGER lead_rep_loads_insert AFTER INSERT ON leads
                WHEN new.owner IS NOT NULL AND new.stage IN ('Lead', 'Prospect', 'Opportunity')
                BEGIN
                    INSERT INTO lead_rep_loads (owner, open_leads) VALUES (new.owner, 1)
                    ON CONFLICT (owner) DO UPDATE SET open_leads = open_leads + 1;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER lead_rep_loads_delete AFTER DELETE ON leads
                WHEN old.owner IS NOT NULL AND old.stage IN ('Lead', 'Prospect', 'Opportunity')
                BEGIN
                    UPDATE lead_rep_loads SET open_leads = open_leads - 1 WHERE owner = old.owner;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER lead_rep_loads_update AFTER UPDATE OF owner, stage ON leads
                WHEN old.owner IS NOT new.owner OR old.stage IS NOT new.stage
                BEGIN
                    UPDATE lead_rep_loads SET open_leads = open_leads - 1
                    WHERE owner = old.owner AND old.stage IN ('Lead', 'Prospect', 'Opportunity');
                    INSERT INTO lead_rep_loads (owner, open_leads)
                    SELECT new.owner, 1 WHERE new.owner IS NOT NULL AND new.stage IN ('Lead', 'Prospect', 'Opportunity')
                    ON CONFLICT (owner) DO UPDATE SET open_leads = open_leads + 1;
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO lead_rep_loads (owner, open_leads)
                SELECT owner, count(*) FROM leads
                WHERE owner IS NOT NULL AND stage IN ('Lead', 'Prospect', 'Opportunity')
                GROUP BY owner;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER lead_rep_loads_insert; DROP TRIGGER lead_rep_loads_delete; DROP TRIGGER lead_rep_loads_update;");
            migrationBuilder.DropTable(
                name: "lead_rep_loads");
        }
    }
}
