using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Scrm.Ingestion.Journal.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InitialJournal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "journal_checkpoints",
                columns: table => new
                {
                    consumer = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_checkpoints", x => x.consumer);
                });

            migrationBuilder.CreateTable(
                name: "journal_counters",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_counters", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "journal_dead_letters",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    consumer = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    position = table.Column<long>(type: "INTEGER", nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    failed_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_dead_letters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "journal_items",
                columns: table => new
                {
                    position = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 600, nullable: false),
                    dedup_key = table.Column<string>(type: "TEXT", maxLength: 600, nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    account = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    occurred_at = table.Column<long>(type: "INTEGER", nullable: false),
                    received_at = table.Column<long>(type: "INTEGER", nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_journal_items", x => x.position);
                });

            migrationBuilder.InsertData(
                table: "journal_counters",
                columns: new[] { "name", "value" },
                values: new object[,]
                {
                    { "appended", 0L },
                    { "duplicates", 0L }
                });

            migrationBuilder.CreateIndex(
                name: "IX_journal_dead_letters_consumer_position",
                table: "journal_dead_letters",
                columns: new[] { "consumer", "position" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_journal_items_dedup_key",
                table: "journal_items",
                column: "dedup_key",
                filter: "dedup_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_journal_items_idempotency_key",
                table: "journal_items",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "journal_checkpoints");

            migrationBuilder.DropTable(
                name: "journal_counters");

            migrationBuilder.DropTable(
                name: "journal_dead_letters");

            migrationBuilder.DropTable(
                name: "journal_items");
        }
    }
}
