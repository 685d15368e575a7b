using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Storage;
using Scrm.Testing;

namespace Scrm.Access.Tests;

public sealed class SqliteDeactivationTests(PostgresServer postgres) : DeactivationTests(postgres, usePostgres: false);

public sealed class PostgresDeactivationTests(PostgresServer postgres) : DeactivationTests(postgres, usePostgres: true);

/// <summary>
/// A deactivation is one decision: the person stops working in Scrm at once, and every record of
/// theirs reaches the successor even when a module's store fails part-way through the handover.
/// </summary>
public abstract class DeactivationTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _app = new ScrmApp(usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite, new Dictionary<string, string?>
        {
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Access:RefreshInterval"] = "00:00:00.200",
            ["Scrm:Access:HandoverSettle"] = "00:00:00",
        });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ExecuteAsync(string store, string sql)
    {
        await using var connection = await _app.Services.GetRequiredService<ScrmDatabase>().Store(store).OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> CountAsync(string store, string sql)
    {
        await using DbConnection connection = await _app.Services.GetRequiredService<ScrmDatabase>().Store(store).OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_handover_cut_short_by_a_failing_store_is_finished_in_the_background_and_the_person_is_out_at_once()
    {
        using var admin = _app.ClientFor("admin");
        await AccessClient.CreatePersonAsync(_app, "dora", "sales");
        await AccessClient.CreatePersonAsync(_app, "eli", "sales");
        var (_, doraKey) = await AccessClient.CreateKeyAsync(_app, "dora", "sales");
        var lead = (await _app.Services.GetRequiredService<LeadIntake>().IntakeAsync(new LeadDraft("deactivate:1", "web", Name: "林芳", Company: "示例科技"), Ct)).LeadId;
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<LeadsDbContext>>().CreateDbContextAsync(Ct))
        {
            await db.Leads.Where(l => l.Id == lead).ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, "dora"), Ct);
        }

        // The leads store refuses every change to a lead, as a full disk or a lost connection would.
        await ExecuteAsync("leads", usePostgres
            ? "CREATE OR REPLACE FUNCTION hold_leads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'held'; END $$; " +
              "CREATE TRIGGER hold_leads BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION hold_leads();"
            : "CREATE TRIGGER hold_leads BEFORE UPDATE ON leads BEGIN SELECT RAISE(ABORT, 'held'); END;");
        var answer = await admin.PostAsJsonAsync("/api/v1/access/users/dora/deactivate", new { successor = "eli" }, Ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await answer.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("complete").GetBoolean().ShouldBeFalse();

        // Out at once: the key is refused, and the decision is stored with its audit entry.
        using (var dora = AccessClient.WithKey(_app, doraKey))
        {
            (await dora.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}", Ct)).GetProperty("owner").GetString().ShouldBe("dora");
        (await CountAsync("access", "SELECT count(*) FROM access_handovers WHERE user_id = 'dora'")).ShouldBe(1);

        await ExecuteAsync("leads", usePostgres ? "DROP TRIGGER hold_leads ON leads;" : "DROP TRIGGER hold_leads;");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}", Ct)).GetProperty("owner").GetString() != "eli"
            || await CountAsync("access", "SELECT count(*) FROM access_handovers") > 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the handover was not finished in the background");
            await Task.Delay(100, Ct);
        }

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/access/audit?action=user.deactivate&resourceId=dora", Ct);
        audit.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain("\"successor\":\"eli\"");
        var moves = await admin.GetFromJsonAsync<JsonElement>("/api/v1/access/audit?action=lead.handover", Ct);
        moves.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain("\"leads\":1");

        // Repeating the request changes nothing more, and answers that nothing is left.
        var again = await admin.PostAsJsonAsync("/api/v1/access/users/dora/deactivate", new { successor = "eli" }, Ct);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("handedOver").EnumerateObject().Sum(p => p.Value.GetInt32()).ShouldBe(0);
    }
}
