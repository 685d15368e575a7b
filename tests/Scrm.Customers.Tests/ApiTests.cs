using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scrm.Customers.Orders;
using Scrm.Platform.Tables;
using Scrm.Customers.View;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteApiTests(PostgresServer postgres) : ApiTests(postgres, usePostgres: false);

public sealed class PostgresApiTests(PostgresServer postgres) : ApiTests(postgres, usePostgres: true);

/// <summary>The customers and orders API through the real host on a real socket, on each storage provider.</summary>
public abstract class ApiTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private ScrmApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = new ScrmApp(usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite);

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

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
    public async Task Field_errors_answer_in_chinese_unless_english_is_asked_for_and_an_order_import_reports_rows_in_the_readers_language()
    {
        var ct = TestContext.Current.CancellationToken;
        using var shop = _app.ClientFor("ingest");
        var created = await shop.PostAsync("/api/v1/orders", Json("""{"orderId":"Z-1","phone":"13800138000","amount":10,"channel":"shop","occurredAt":"2026-11-01T10:00:00+08:00"}"""), ct);
        var id = (await created.Content.ReadFromJsonAsync<OrderOutcome>(ct))!.CustomerId!.Value;
        using var sales = _app.ClientFor("sales");

        async Task<JsonElement> ErrorsAsync(HttpMethod method, string path, string body, string? language)
        {
            using var request = new HttpRequestMessage(method, path) { Content = Json(body) };
            if (language is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(language);
            }

            var response = await (path.StartsWith("/api/v1/orders", StringComparison.Ordinal) ? shop : sales).SendAsync(request, ct);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("errors");
        }

        var patch = """{"city":"","shoeSize":"42","phone":"12345","email":"a@b"}""";
        var chinese = await ErrorsAsync(HttpMethod.Patch, $"/api/v1/customers/{id}", patch, null);
        chinese.GetProperty("shoeSize")[0].GetString().ShouldBe("不是客户的字段");
        chinese.GetProperty("city")[0].GetString().ShouldBe("必须是不超过 64 个字符的非空字符串，或 null");
        chinese.GetProperty("phone")[0].GetString().ShouldBe("不是有效的电话号码：有 5 位数字：大陆手机号为 11 位（1[3-9]x xxxx xxxx），固定电话以区号开头（010-8888 6666）");
        chinese.GetProperty("email")[0].GetString().ShouldBe("不是有效的邮箱地址：域名无效");
        var english = await ErrorsAsync(HttpMethod.Patch, $"/api/v1/customers/{id}", patch, "en-US,en;q=0.9");
        english.GetProperty("shoeSize")[0].GetString().ShouldBe("is not a field of a customer");
        english.GetProperty("phone")[0].GetString().ShouldBe("has 5 digits: a mainland mobile number has 11 (1[3-9]x xxxx xxxx), and a landline starts with its area code (010-8888 6666)");
        english.GetProperty("email")[0].GetString().ShouldBe("does not have a valid domain");

        var map = """[{"key":"a","name":"周总","role":"king","influence":9,"reportsTo":"zz"}]""";
        var mapErrors = await ErrorsAsync(HttpMethod.Put, $"/api/v1/customers/{id}/decision-map", map, null);
        mapErrors.GetProperty("[0].influence")[0].GetString().ShouldBe("必须是 1（无影响）到 5（拍板）");
        mapErrors.GetProperty("[0].reportsTo")[0].GetString().ShouldBe("指向的人不在此决策地图中");
        (await ErrorsAsync(HttpMethod.Put, $"/api/v1/customers/{id}/decision-map", map, "en")).GetProperty("[0].reportsTo")[0].GetString().ShouldBe("names nobody in this map");

        var order = """{"orderId":"Z 2","amount":-1,"currency":"rmb","channel":"shop","occurredAt":"2026-11-01T10:00:00+08:00","email":"x"}""";
        var orderErrors = await ErrorsAsync(HttpMethod.Post, "/api/v1/orders", order, null);
        orderErrors.GetProperty("currency")[0].GetString().ShouldBe("必须是 ISO 4217 币种代码，例如 CNY");
        orderErrors.GetProperty("email")[0].GetString().ShouldStartWith("不是有效的邮箱地址：");
        (await ErrorsAsync(HttpMethod.Post, "/api/v1/orders", order, "en")).GetProperty("currency")[0].GetString().ShouldBe("must be an ISO 4217 code such as CNY");
        var nobody = $$"""{"orderId":"Z-3","customerId":"{{Guid.NewGuid()}}","amount":10,"channel":"shop","occurredAt":"2026-11-01T10:00:00+08:00"}""";
        (await ErrorsAsync(HttpMethod.Post, "/api/v1/orders", nobody, null)).GetProperty("customerId")[0].GetString().ShouldBe("没有这个客户");
        (await ErrorsAsync(HttpMethod.Post, "/api/v1/orders", nobody, "en")).GetProperty("customerId")[0].GetString().ShouldBe("names no customer");

        // An order import runs in the background, without the uploader's language: the report answers in the reader's.
        using var admin = _app.ClientFor("admin");
        var csv = "order_id,phone,amount,channel,occurred_at,currency\r\nZ-3,13800138000,10,shop,2026-11-02 10:00,rmb\r\n";
        var started = await admin.PostAsync("/api/v1/orders/import", new StringContent(csv, Encoding.UTF8, "text/csv"), ct);
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var job = (await started.Content.ReadFromJsonAsync<ImportStatus>(ct))!;
        async Task<ImportStatus> StatusAsync(string language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/imports/{job.Id}");
            request.Headers.AcceptLanguage.ParseAdd(language);
            return (await (await admin.SendAsync(request, ct)).Content.ReadFromJsonAsync<ImportStatus>(ct))!;
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await StatusAsync("zh-CN")).Status != "done" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        (await StatusAsync("zh-CN")).Errors.ShouldHaveSingleItem().ShouldBe(new RowError(2, "currency", "必须是 ISO 4217 币种代码，例如 CNY"));
        (await StatusAsync("en")).Errors.ShouldHaveSingleItem().ShouldBe(new RowError(2, "currency", "must be an ISO 4217 code such as CNY"));
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
        status.Errors.ShouldHaveSingleItem().ShouldBe(new RowError(4, "phone", "不是有效的电话号码：只能包含数字、空格、短横线、点、括号和开头的 +"));
        using (var english = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/customers/imports/{job.Id}"))
        {
            english.Headers.AcceptLanguage.ParseAdd("en");
            var answer = (await (await admin.SendAsync(english, ct)).Content.ReadFromJsonAsync<ImportStatus>(ct))!;
            answer.Errors.ShouldHaveSingleItem().ShouldBe(new RowError(4, "phone", "is not a phone number: only digits, spaces, dashes, dots, brackets and a leading + may be used"));
        }


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
