using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scrm.Leads.Storage.Migrations.Postgres
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
                    owner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    open_leads = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lead_rep_loads", x => x.owner);
                });

            // Every write to a lead's owner or stage keeps its rep's open-lead count, in the same
            // transaction, whatever code path made it (routing, claims, handover, stage changes).
            migrationBuilder.Sql("""
                CREATE FUNCTION lead_rep_loads_track() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.owner IS NOT NULL AND OLD.stage IN ('Lead', 'Prospect', 'Opportunity') THEN
                        UPDATE lead_rep_loads SET open_leads = open_leads - 1 WHERE owner = OLD.owner;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.owner IS NOT NULL AND NEW.stage IN ('Lead', 'Prospect', 'Opportunity') THEN
                        INSERT INTO lead_rep_loads (owner, open_leads) VALUES (NEW.owner, 1)
                        ON CONFLICT (owner) DO UPDATE SET open_leads = lead_rep_loads.open_leads + 1;
                    END IF;
                    RETURN NULL;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER lead_rep_loads_insert AFTER INSERT ON leads
                FOR EACH ROW EXECUTE FUNCTION lead_rep_loads_track();
                CREATE TRIGGER lead_rep_loads_delete AFTER DELETE ON leads
                FOR EACH ROW EXECUTE FUNCTION lead_rep_loads_track();
                CREATE TRIGGER lead_rep_loads_update AFTER UPDATE OF owner, stage ON leads
                FOR EACH ROW WHEN (OLD.owner IS DISTINCT FROM NEW.owner OR OLD.stage IS DISTINCT FROM NEW.stage)
                EXECUTE FUNCTION lead_rep_loads_track();
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
            migrationBuilder.Sql("DROP TRIGGER lead_rep_loads_insert ON leads; DROP TRIGGER lead_rep_loads_delete ON leads; DROP TRIGGER lead_rep_loads_update ON leads; DROP FUNCTION lead_rep_loads_track();");
            migrationBuilder.DropTable(
                name: "lead_rep_loads");
        }
    }
}
