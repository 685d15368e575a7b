using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Pipeline;
using Scrm.Platform.Storage;
using Scrm.Testing;

namespace Scrm.Access.Tests;

public sealed class SqliteAuditInTransactionTests(PostgresServer postgres) : AuditInTransactionTests(postgres, usePostgres: false);

public sealed class PostgresAuditInTransactionTests(PostgresServer postgres) : AuditInTransactionTests(postgres, usePostgres: true);

/// <summary>
/// An audited change and its audit entry are stored together or not at all. A failure after the
/// change and before its commit (the entry refused in the change's own store) leaves neither; an
/// audit log that refuses entries for a while gets each committed change's entry once it takes
/// them again, exactly once.
/// </summary>
public abstract class AuditInTransactionTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _app = new ScrmApp(usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private bool Postgres => usePostgres;

    /// <summary>Makes every insert into <paramref name="table"/> of the store fail, as a full disk or a lost connection would, until <see cref="AllowAsync"/>.</summary>
    private async Task RefuseAsync(string store, string table)
    {
        await using var connection = await OpenAsync(store);
        await ExecuteAsync(connection, Postgres
            ? $"CREATE OR REPLACE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$; " +
              $"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_insert();"
            : $"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    }

    private async Task AllowAsync(string store, string table)
    {
        await using var connection = await OpenAsync(store);
        await ExecuteAsync(connection, Postgres ? $"DROP TRIGGER refuse_{table} ON {table};" : $"DROP TRIGGER refuse_{table};");
    }

    private async Task<long> CountAsync(string store, string sql)
    {
        await using var connection = await OpenAsync(store);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A store's connection; "main" is the main database (the customer model's store).</summary>
    private Task<DbConnection> OpenAsync(string store)
    {
        var database = _app.Services.GetRequiredService<ScrmDatabase>();
        return (store == "main" ? database : database.Store(store)).OpenConnectionAsync(Ct);
    }

    /// <summary>The stores holding the outboxes of people (access), customers (main) and leads; on PostgreSQL one database holds one outbox.</summary>
    private string[] Outboxes => Postgres ? ["access"] : ["access", "main", "leads"];

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<JsonElement[]> EntriesAsync(string action, string resourceId)
    {
        using var admin = _app.ClientFor("admin");
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/access/audit?action={action}&resourceId={resourceId}", Ct);
        return [.. page.GetProperty("entries").EnumerateArray()];
    }

    private async Task<Guid> CustomerAsync(string orderId, string phone)
    {
        using var shop = _app.ClientFor("ingest");
        var order = await shop.PostAsJsonAsync("/api/v1/orders", new
        {
            orderId, phone, name = "林芳", amount = 88m, channel = "tmall", occurredAt = DateTimeOffset.UtcNow,
            products = new[] { new { product = "茶", quantity = 1, amount = 88m } },
        }, Ct);
        order.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await order.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("customerId").GetGuid();
    }

    private async Task<string[]> RolesAsync(HttpClient admin, string id) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/access/users/{id}", Ct)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()!)];

    [Fact]
    public async Task A_change_whose_audit_entry_fails_before_the_commit_is_not_stored_and_a_retry_stores_both_once()
    {
        using var admin = _app.ClientFor("admin");
        await AccessClient.CreatePersonAsync(_app, "ling", "sales");
        var a = await CustomerAsync("t-1", "+8613900139001");
        var b = await CustomerAsync("t-2", "+8613900139002");
        var lead = (await _app.Services.GetRequiredService<LeadIntake>().IntakeAsync(new LeadDraft("audit:1", "web", Name: "林芳", Company: "示例科技"), Ct)).LeadId;

        // The entry is written last in the change's transaction; refusing it fails the change.
        foreach (var store in Outboxes)
        {
            await RefuseAsync(store, "audit_outbox");
        }

        (await admin.PatchAsJsonAsync("/api/v1/access/users/ling", new { roles = new[] { "sales", "marketer" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await RolesAsync(admin, "ling")).ShouldBe(["sales"]);
        using var sales = _app.ClientFor("sales");
        (await sales.PostAsJsonAsync("/api/v1/customers/merge", new { survivorId = a, mergedId = b, reason = "同一个人" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await admin.PatchAsJsonAsync($"/api/v1/leads/{lead}", new { need = "年底前采购茶叶" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}", Ct)).GetProperty("need").ValueKind.ShouldBe(JsonValueKind.Null);
        foreach (var store in Outboxes)
        {
            await AllowAsync(store, "audit_outbox");
        }

        (await EntriesAsync("user.roles", "ling")).ShouldBeEmpty();
        (await EntriesAsync("customer.merge", a.ToString())).ShouldBeEmpty();
        (await EntriesAsync("lead.update", lead.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldBeEmpty();

        // Nothing of the failed attempts was kept: the same changes go through now, each with one entry.
        (await admin.PatchAsJsonAsync("/api/v1/access/users/ling", new { roles = new[] { "sales", "marketer" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await RolesAsync(admin, "ling")).ShouldBe(["marketer", "sales"], ignoreOrder: true);
        (await sales.PostAsJsonAsync("/api/v1/customers/merge", new { survivorId = a, mergedId = b, reason = "同一个人" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await EntriesAsync("user.roles", "ling")).ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain("marketer");
        (await EntriesAsync("customer.merge", a.ToString())).ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain(b.ToString());
        (await admin.PatchAsJsonAsync($"/api/v1/leads/{lead}", new { need = "年底前采购茶叶" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}", Ct)).GetProperty("need").GetString().ShouldBe("年底前采购茶叶");
        var update = (await EntriesAsync("lead.update", lead.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldHaveSingleItem();
        update.GetProperty("detail").GetString().ShouldBe("{\"fields\":[\"need\"]}");
    }

    [Fact]
    public async Task A_change_committed_while_the_audit_log_refuses_entries_reaches_the_log_once_it_takes_them()
    {
        using var admin = _app.ClientFor("admin");
        await AccessClient.CreatePersonAsync(_app, "mei", "sales");
        await RefuseAsync("audit", "audit_log");
        (await admin.PatchAsJsonAsync("/api/v1/access/users/mei", new { roles = new[] { "sales", "community" } }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await RolesAsync(admin, "mei")).ShouldBe(["community", "sales"], ignoreOrder: true);
        (await CountAsync("access", "SELECT count(*) FROM audit_outbox WHERE action = 'user.roles' AND resource_id = 'mei'")).ShouldBe(1);

        await AllowAsync("audit", "audit_log");
        (await EntriesAsync("user.roles", "mei")).ShouldHaveSingleItem().GetProperty("detail").GetString()!.ShouldContain("community");
        (await CountAsync("access", "SELECT count(*) FROM audit_outbox")).ShouldBe(0);

        // Moving again (the background relay, another reader) never copies an entry twice.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => EntriesAsync("user.roles", "mei")));
        (await CountAsync("audit", "SELECT count(*) FROM audit_log WHERE action = 'user.roles' AND resource_id = 'mei'")).ShouldBe(1);
    }
}
