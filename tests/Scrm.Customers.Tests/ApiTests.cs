using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.Customers.Orders;
using Scrm.Platform.Tables;
using Scrm.Customers.View;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

/// <summary>The customers and orders API through the real host on a real socket.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    private readonly ScrmApp _app = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Orders_are_idempotent_by_id_and_protected_fields_are_masked_for_marketing_and_audited_for_other_reps()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = _app.ClientFor("ingest");
        const string order = """{"orderId":"A-1","phone":"+86 138 0013 8000","name":"张三","amount":1280.5,"channel":"tmall","occurredAt":"2026-11-01T10:00:00+08:00","products":[{"product":"tea","quantity":2,"amount":1280.5}]}""";

        var created = await shop.PostAsync("/api/v1/orders", Json(order), ct);
        var repeat = await shop.PostAsync("/api/v1/orders", Json(order), ct);
        var changed = await shop.PostAsync("/api/v1/orders", Json(order.Replace("1280.5", "99", StringComparison.Ordinal)), ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await repeat.Content.ReadFromJsonAsync<OrderOutcome>(ct))!.Status.ShouldBe("duplicate");
        changed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var id = (await created.Content.ReadFromJsonAsync<OrderOutcome>(ct))!.CustomerId!.Value;

        using var marketer = _app.ClientFor("marketer");
        var masked = (await marketer.GetFromJsonAsync<CustomerView>($"/api/v1/customers/{id}", ct))!;
        masked.Profile.Phone.ShouldBe("138****8000");
        masked.Value.Monetary.ShouldBe("***");
        masked.Value.Orders.ShouldBe(1);

        using var sales = _app.ClientFor("sales");
        var full = (await sales.GetFromJsonAsync<CustomerView>($"/api/v1/customers/{id}", ct))!;
        full.Profile.Phone.ShouldBe("+8613800138000");
        full.Value.Monetary.ShouldBe("1280.50");
        full.Repurchase.ShouldHaveSingleItem().Product.ShouldBe("tea");
        var audit = (await sales.GetFromJsonAsync<AuditPage>($"/api/v1/customers/{id}/audit", ct))!;
        audit.Access.ShouldContain(e => e.Action == "customer.read-unmasked" && e.Actor == "key-3");
        audit.Access.ShouldNotContain(e => e.Actor == "key-1");

        using var community = _app.ClientFor("community");
        (await community.PatchAsync($"/api/v1/customers/{id}", Json("""{"city":"杭州"}"""), ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _app.ClientFor("ingest").GetAsync($"/api/v1/customers/{id}", ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await sales.PatchAsync($"/api/v1/customers/{id}", Json("""{"city":"杭州","shoeSize":"42"}"""), ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await sales.PatchAsync($"/api/v1/customers/{id}", Json("""{"city":"杭州"}"""), ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var page = (await sales.GetFromJsonAsync<CustomerPage>("/api/v1/customers?region=杭州&limit=10", ct))!;
        page.Items.ShouldHaveSingleItem().Id.ShouldBe(id);
    }

    [Fact]
    public async Task Merge_preview_changes_nothing_merge_and_unmerge_answer_and_export_neutralises_formulas()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = _app.ClientFor("admin");
        var formula = File.ReadAllText(Repo.Fixture("hostile", "csv-formula-0.txt"));
        var csv = "name,phone,email,company\r\n" + Csv.Line([formula, "13900139000", "a@example.com", "示例"]) + "李四,13700137000,b@example.com,示例\r\n坏行,abc,,\r\n";
        var started = await admin.PostAsync("/api/v1/customers/import", new StringContent(csv, Encoding.UTF8, "text/csv"), ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var job = (await started.Content.ReadFromJsonAsync<ImportStatus>(ct))!;
        ImportStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(100, ct);
            status = (await admin.GetFromJsonAsync<ImportStatus>($"/api/v1/customers/imports/{job.Id}", ct))!;
        }
        while (status.Status != "done" && DateTime.UtcNow < deadline);

        status.Status.ShouldBe("done");
        status.Processed.ShouldBe(3);
        status.Failed.ShouldBe(1);
        status.Errors.ShouldHaveSingleItem().ShouldBe(new RowError(4, "phone", "is not a phone number: only digits, spaces, dashes, dots, brackets and a leading + may be used"));

        var list = (await admin.GetFromJsonAsync<CustomerPage>("/api/v1/customers?limit=1", ct))!;
        list.Items.Count.ShouldBe(1);
        var next = (await admin.GetFromJsonAsync<CustomerPage>($"/api/v1/customers?limit=1&after={list.Next}", ct))!;
        next.Items.ShouldHaveSingleItem().Id.ShouldNotBe(list.Items[0].Id);
        var (a, b) = (list.Items[0].Id, next.Items[0].Id);

        var preview = await admin.PostAsync("/api/v1/customers/merge?preview=true", JsonContent.Create(new { survivorId = a, mergedId = b }), ct);
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetFromJsonAsync<CustomerView>($"/api/v1/customers/{b}", ct))!.Status.ShouldBe("active");
        (await admin.PostAsync("/api/v1/customers/merge", JsonContent.Create(new { survivorId = a, mergedId = b }), ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsync("/api/v1/customers/merge", JsonContent.Create(new { survivorId = a, mergedId = b, reason = "same person" }), ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.GetFromJsonAsync<CustomerView>($"/api/v1/customers/{b}", ct))!.MergedInto.ShouldBe(a);
        (await admin.PostAsync($"/api/v1/customers/{b}/unmerge", JsonContent.Create(new { reason = "two people" }), ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsync($"/api/v1/customers/{b}/unmerge", JsonContent.Create(new { reason = "again" }), ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var export = await admin.GetStringAsync("/api/v1/customers/export", ct);
        export.ShouldContain("'" + formula);
        using var marketer = _app.ClientFor("marketer");
        var maskedExport = await marketer.GetStringAsync("/api/v1/customers/export", ct);
        maskedExport.ShouldContain("139****9000");
        maskedExport.ShouldNotContain("+8613900139000");
    }
}
