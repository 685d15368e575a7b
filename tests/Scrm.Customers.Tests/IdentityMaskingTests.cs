using System.Net;
using System.Text;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteIdentityMaskingTests(PostgresServer postgres) : IdentityMaskingTests(postgres, usePostgres: false);

public sealed class PostgresIdentityMaskingTests(PostgresServer postgres) : IdentityMaskingTests(postgres, usePostgres: true);

/// <summary>
/// A role that sees contact data masked sees it masked in the customer's identities too, not only in
/// the profile, on each storage provider.
/// </summary>
public abstract class IdentityMaskingTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = new ScrmApp(usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite);

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task A_marketer_reads_the_customers_phone_identity_masked_and_the_raw_number_is_nowhere_in_the_answer()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = _app.ClientFor("ingest");
        const string order = """{"orderId":"M-1","phone":"+86 138 0013 8000","name":"张三","amount":88,"channel":"tmall","occurredAt":"2026-11-01T10:00:00+08:00","products":[{"product":"tea","quantity":1,"amount":88}]}""";
        var created = await shop.PostAsync("/api/v1/orders", new StringContent(order, Encoding.UTF8, "application/json"), ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("customerId").GetString();

        using var sales = _app.ClientFor("sales");
        using var marketer = _app.ClientFor("marketer");
        var full = JsonDocument.Parse(await sales.GetStringAsync($"/api/v1/customers/{id}", ct)).RootElement;
        var body = await marketer.GetStringAsync($"/api/v1/customers/{id}", ct);
        var masked = JsonDocument.Parse(body).RootElement;

        // The owner's rep sees the number in the identities, so there is one to mask.
        full.GetProperty("identities").EnumerateArray().ShouldContain(i => i.GetProperty("type").GetString() == "phone" && i.GetProperty("value").GetString()!.Contains("13800138000"));
        var phone = masked.GetProperty("identities").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "phone");
        phone.GetProperty("value").GetString().ShouldBe("138****8000");
        body.ShouldNotContain("13800138000");
        body.ShouldNotContain("0013 8000");
    }
}
