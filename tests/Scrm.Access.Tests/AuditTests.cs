using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>Reveal, export and merge each leave an audit entry saying who did what to which record and when.</summary>
public sealed class AuditTests : IAsyncLifetime
{
    private readonly ScrmApp _app = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<Guid> CustomerAsync(string orderId, string phone)
    {
        using var shop = _app.ClientFor("ingest");
        var order = await shop.PostAsJsonAsync("/api/v1/orders", new
        {
            orderId, phone, name = "周杰", amount = 520m, channel = "tmall", occurredAt = DateTimeOffset.UtcNow,
            products = new[] { new { product = "茶", quantity = 1, amount = 520m } },
        }, Ct);
        order.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await order.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("customerId").GetGuid();
    }

    private async Task<JsonElement> EntryAsync(string action)
    {
        using var admin = _app.ClientFor("admin");
        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/access/audit?action={action}", Ct);
        return page.GetProperty("entries").EnumerateArray().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Reveal_export_and_merge_are_audited_with_who_what_and_when()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var a = await CustomerAsync("a-1", "+8613600136000");
        var b = await CustomerAsync("a-2", "+8613500135000");

        using var marketer = _app.ClientFor("marketer");
        var masked = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{a}", Ct);
        masked.GetProperty("profile").GetProperty("phone").GetString().ShouldBe("136****6000");
        (await marketer.PostAsJsonAsync($"/api/v1/customers/{a}/reveal", new { reason = "" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var revealed = await marketer.PostAsJsonAsync($"/api/v1/customers/{a}/reveal", new { reason = "客户来电核实身份" }, Ct);
        revealed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await revealed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("phone").GetString().ShouldBe("+8613600136000");
        var reveal = await EntryAsync("customer.reveal");
        reveal.GetProperty("actor").GetString().ShouldBe("key-1");
        reveal.GetProperty("resourceId").GetString().ShouldBe(a.ToString());
        JsonDocument.Parse(reveal.GetProperty("detail").GetString()!).RootElement.GetProperty("reason").GetString().ShouldBe("客户来电核实身份");
        reveal.GetProperty("at").GetDateTimeOffset().ShouldBeGreaterThan(before);

        // Ingest keys deliver data; they may not read it back, let alone reveal it.
        (await _app.ClientFor("ingest").PostAsJsonAsync($"/api/v1/customers/{a}/reveal", new { reason = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var csv = await marketer.GetStringAsync("/api/v1/customers/export?tier=&source=", Ct);
        csv.ShouldNotContain("13600136000");
        var export = await EntryAsync("customer.export");
        export.GetProperty("actor").GetString().ShouldBe("key-1");
        export.GetProperty("detail").GetString()!.ShouldContain("\"rows\":\"2\"");

        using var sales = _app.ClientFor("sales");
        (await sales.PostAsJsonAsync("/api/v1/customers/merge", new { survivorId = a, mergedId = b, reason = "同一个人" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var merge = await EntryAsync("customer.merge");
        merge.GetProperty("actor").GetString().ShouldBe("key-3");
        merge.GetProperty("resourceId").GetString().ShouldBe(a.ToString());
        merge.GetProperty("detail").GetString()!.ShouldContain(b.ToString());
        merge.GetProperty("at").GetDateTimeOffset().ShouldBeGreaterThanOrEqualTo(reveal.GetProperty("at").GetDateTimeOffset());

        // The customer's own history shows the audit log's entries about them.
        var history = await sales.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{a}/audit", Ct);
        history.GetProperty("access").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ShouldContain("customer.reveal");

        // The log is for admins only.
        (await marketer.GetAsync("/api/v1/access/audit", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
