using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Model;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>
/// An A/B test on a share of the audience: the rest waits; clicks on variant A's links make it win by the
/// click rate (z-test), and the rest then gets A. The holdout never gets anything.
/// </summary>
public abstract class AbWinnerTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private LocalSmsGateway _sms = null!;
    private LocalSmtpServer _smtp = null!;
    private ScrmApp _app = null!;
    private readonly CampaignWorld _world = new(scale: 4);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _sms = await LocalSmsGateway.StartAsync();
        _smtp = new LocalSmtpServer();
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var settings = CampaignWorld.Settings(_fake, _sms, _smtp);
        settings["Scrm:Campaigns:FrequencyCap"] = "10";
        _app = new ScrmApp(storage, settings);
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync(Ct);
        await _world.SeedAsync(db, DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _smtp.DisposeAsync();
        await _sms.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonDocument.Parse(text).RootElement;
    }

    private static object[] Channels(string variant) =>
    [
        new { channel = "wechat", account = CampaignWorld.WeChatAccount, templateId = "TPL-AB", values = new Dictionary<string, string> { ["remark"] = $"版本{variant}" }, url = $"https://shop.example.com/{variant}" },
        new { channel = "wecom", account = CampaignWorld.WeComAccount, text = $"版本{variant} {{{{ link }}}}", url = $"https://shop.example.com/{variant}" },
        new { channel = "sms", account = "gateway", text = $"版本{variant} {{{{ link }}}}", url = $"https://shop.example.com/{variant}" },
        new { channel = "email", account = "news", subject = $"版本{variant}", text = $"版本{variant} {{{{ link }}}}", url = $"https://shop.example.com/{variant}" },
    ];

    private async Task<List<RecipientRow>> RecipientsAsync(Guid campaign)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync(Ct);
        return await db.Recipients.AsNoTracking().Where(r => r.CampaignId == campaign).ToListAsync(Ct);
    }

    [Fact]
    public async Task Clicks_make_a_variant_win_by_the_z_test_the_rest_then_gets_it_the_holdout_gets_nothing_and_entered_costs_count_in_the_roi()
    {
        using var marketer = _app.ClientFor("marketer");
        var gold = _world.Gold.ToList();
        var segment = await CampaignWorld.SegmentAsync(marketer, gold.Count, Ct);
        var body = new
        {
            name = "双11 择优",
            segmentId = segment,
            channels = Channels("A"),
            variants = new object[] { new { name = "A", weight = 1, channels = Channels("A") }, new { name = "B", weight = 1, channels = Channels("B") } },
            holdout = 10,
            test = new { share = 50, metric = "click", hours = 24, minSample = 5, confidence = 0.95 },
        };
        var id = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", body, Ct))).GetProperty("id").GetGuid();
        (await marketer.PostAsync($"/api/v1/campaigns/{id}/winner", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct));

        // The test cells are sent; the rest waits, so the campaign keeps running.
        await CampaignWorld.PollAsync(async () =>
        {
            var r = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
            return r.GetProperty("sent").GetInt32() > 0 && r.GetProperty("pending").GetInt32() == 0 && r.GetProperty("inFlight").GetInt32() == 0 ? r : null;
        });
        var rows = await RecipientsAsync(id);
        var rest = rows.Where(r => r.Variant == Split.Rest).ToList();
        rest.ShouldNotBeEmpty();
        rest.ShouldAllBe(r => r.Status == RecipientStatus.Waiting);
        (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct)).GetProperty("status").GetString().ShouldBe("running");
        var sentA = rows.Where(r => r.Variant == "A" && r.Status == RecipientStatus.Sent).ToList();
        var sentB = rows.Count(r => r.Variant == "B" && r.Status == RecipientStatus.Sent);
        sentA.Count.ShouldBeGreaterThanOrEqualTo(5);
        sentB.ShouldBeGreaterThanOrEqualTo(5);

        // Nobody clicked yet: no winner, and the figures say why.
        var none = await marketer.PostAsync($"/api/v1/campaigns/{id}/winner", null, Ct);
        none.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await none.Content.ReadFromJsonAsync<JsonElement>(Ct);
        problem.GetProperty("figures").GetProperty("outcome").GetString().ShouldBe("inconclusive");

        // Every A recipient clicks the link in their message (through the host's tracked link); nobody in B does.
        var links = _app.Services.GetRequiredService<TrackedLinks>();
        using var browser = _app.ClientWithoutRedirects();
        foreach (var r in sentA)
        {
            var followed = await browser.GetAsync(links.For(id, r.CustomerId, r.Channel!).PathAndQuery, Ct);
            followed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            followed.Headers.Location!.ToString().ShouldBe("https://shop.example.com/A");
        }

        var view = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/winner", Ct);
        view.GetProperty("decision").ValueKind.ShouldBe(JsonValueKind.Null);
        var now = view.GetProperty("now");
        now.GetProperty("outcome").GetString().ShouldBe("winner");
        var figures = now.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("variant").GetString()!, v => (Sent: v.GetProperty("sent").GetInt32(), Clicks: v.GetProperty("successes").GetInt32()));
        figures["A"].ShouldBe((sentA.Count, sentA.Count));
        figures["B"].ShouldBe((sentB, 0));
        // Pooled rate p = a/(a+b); z = (1 − 0)/√(p(1−p)(1/a+1/b)) = √(a+b) when everyone in A clicked and nobody in B did.
        now.GetProperty("comparisons")[0].GetProperty("z").GetDouble().ShouldBe(Math.Sqrt(sentA.Count + sentB), 0.001);

        var picked = await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/winner", null, Ct));
        picked.GetProperty("winner").GetString().ShouldBe("A");
        picked.GetProperty("how").GetString().ShouldBe("significant");
        (await marketer.PostAsJsonAsync($"/api/v1/campaigns/{id}/winner", new { variant = "B" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        await CampaignWorld.PollAsync(async () =>
        {
            var c = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() == "completed" ? c : null;
        });

        // The rest got A; B went to B's test cell only; the holdout got nothing.
        rows = await RecipientsAsync(id);
        var received = CampaignWorld.Received(_fake, _sms, _smtp);
        var gotB = received.Count(m => m.Text.Contains("版本B", StringComparison.Ordinal));
        gotB.ShouldBe(sentB);
        var restSent = rows.Count(r => r.Variant == Split.Rest && r.Status == RecipientStatus.Sent);
        restSent.ShouldBeGreaterThan(0);
        received.Count(m => m.Text.Contains("版本A", StringComparison.Ordinal)).ShouldBe(sentA.Count + restSent);
        received.Count.ShouldBe(rows.Count(r => r.Status == RecipientStatus.Sent));
        var holdout = rows.Where(r => r.Variant == Split.Holdout).Select(r => r.CustomerId).ToHashSet();
        holdout.ShouldNotBeEmpty();
        rows.Where(r => holdout.Contains(r.CustomerId)).ShouldAllBe(r => r.Status == RecipientStatus.Held && r.Reason == "holdout");

        // What the campaign cost besides its messages is entered through the API and counted in its ROI.
        var costs = $"/api/v1/campaigns/{id}/costs";
        foreach (var bad in new object[]
        {
            new { amount = -1m }, new { amount = 0m }, new { amount = 1.234m }, new { amount = 200_000_000m }, new { amount = 10m, currency = "USD" },
            new { amount = 10m, channel = "fax" }, new { amount = 10m, note = new string('长', 501) }, new { amount = 10m, note = "a\u0000b" }, new { note = "无金额" },
        })
        {
            var refused = await marketer.PostAsJsonAsync(costs, bad, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, JsonSerializer.Serialize(bad));
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        (await marketer.GetFromJsonAsync<JsonElement>(costs, Ct)).GetProperty("entries").GetArrayLength().ShouldBe(0);
        var design = await JsonAsync(await marketer.PostAsJsonAsync(costs, new { amount = 1000.50m, currency = "CNY", note = "海报设计" }, Ct));
        await JsonAsync(await marketer.PostAsJsonAsync(costs, new { amount = 20m, channel = "sms", note = "短信签名报备" }, Ct));
        var list = await marketer.GetFromJsonAsync<JsonElement>(costs, Ct);
        list.GetProperty("total").GetDecimal().ShouldBe(1020.50m);
        list.GetProperty("currency").GetString().ShouldBe("CNY");
        var results = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results");
        // No per-message costs are configured here, and nothing was bought: cost = what was entered, ROI = (0 − cost)/cost = −1.
        results.GetProperty("cost").GetDecimal().ShouldBe(1020.50m);
        results.GetProperty("costEntered").GetDecimal().ShouldBe(1020.50m);
        results.GetProperty("costByChannel").GetProperty("campaign").GetDecimal().ShouldBe(1000.50m);
        results.GetProperty("costByChannel").GetProperty("sms").GetDecimal().ShouldBe(20m);
        results.GetProperty("roiT1").GetDouble().ShouldBe(-1);
        (await marketer.DeleteAsync($"{costs}/{design.GetProperty("id").GetInt64()}", Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results").GetProperty("cost").GetDecimal().ShouldBe(20m);
        (await marketer.PostAsJsonAsync($"/api/v1/campaigns/{Guid.CreateVersion7()}/costs", new { amount = 1m }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A recipient texted by the campaign calls in; sales enters the lead, works it and wins it with ¥8,800 paid.
        // The lead is the customer's (resolved by phone), so the campaign counts it as a conversion and its payment as revenue.
        var buyer = rows.First(r => r.Status == RecipientStatus.Sent && r.Channel == "sms");
        var phone = _world.People.Single(p => p.Id == buyer.CustomerId).Phone!;
        using var sales = _app.ClientFor("admin");
        var entered = await sales.PostAsJsonAsync("/api/v1/leads/manual", new { name = "来电客户", phone, product = "年度会员" }, Ct);
        entered.IsSuccessStatusCode.ShouldBeTrue(await entered.Content.ReadAsStringAsync(Ct));
        var leadId = (await entered.Content.ReadFromJsonAsync<JsonElement>(Ct)).TryGetProperty("leadId", out var made) && made.ValueKind == JsonValueKind.Number
            ? made.GetInt64()
            : (await CampaignWorld.PollAsync(async () =>
            {
                var page = await sales.GetFromJsonAsync<JsonElement>("/api/v1/leads", Ct);
                return page.GetProperty("items").GetArrayLength() > 0 ? page.GetProperty("items")[0] : null;
            })).GetProperty("id").GetInt64();
        var leadPath = $"/api/v1/leads/{leadId}";
        // The lead workflow resolves the caller to the customer the campaign texted.
        var lead = await CampaignWorld.PollAsync(async () =>
        {
            var detail = await sales.GetFromJsonAsync<JsonElement>(leadPath, Ct);
            return detail.GetProperty("customerKey").GetString() is { } key && key.StartsWith("customer:", StringComparison.Ordinal) ? detail : null;
        });
        lead.GetProperty("customerKey").GetString().ShouldBe($"customer:{buyer.CustomerId}");
        (await sales.PostAsJsonAsync($"{leadPath}/contacts", new { kind = "phone", outcome = "interested" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await sales.PatchAsJsonAsync(leadPath, new { need = "年度会员", amount = 8800m, expectedClose = "2030-12-31" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        foreach (var stage in new[] { "Prospect", "Opportunity" })
        {
            (await sales.PostAsJsonAsync($"{leadPath}/transitions", new { to = stage }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await sales.PostAsJsonAsync($"{leadPath}/payments", new { paymentId = "pay-ab-1", amount = 8800m }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var wonBefore = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results").GetProperty("sent");
        wonBefore.GetProperty("leadsWon").GetInt32().ShouldBe(0);
        (await sales.PostAsJsonAsync($"{leadPath}/transitions", new { to = "Won" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        results = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results");
        var sent = results.GetProperty("sent");
        sent.GetProperty("converted").GetInt32().ShouldBe(1);
        sent.GetProperty("leadsWon").GetInt32().ShouldBe(1);
        sent.GetProperty("revenue").GetDecimal().ShouldBe(8800m);
        results.GetProperty("byChannel").GetProperty("sms").GetProperty("leadsWon").GetInt32().ShouldBe(1);
        results.GetProperty("revenueT1").GetDecimal().ShouldBe(8800m);
        // ROI = (8,800 − 20) / 20 = 439.
        results.GetProperty("roiT1").GetDouble().ShouldBe(439);
        results.GetProperty("holdout").GetProperty("leadsWon").GetInt32().ShouldBe(0);

        // The shop reports the same deal as an order under the id sales recorded the payment with, and
        // a second order of ¥500: the deal counts once, the new order adds its own revenue.
        foreach (var (orderId, amount) in new[] { ("pay-ab-1", 8800m), ("shop-ab-2", 500m) })
        {
            var order = await sales.PostAsJsonAsync("/api/v1/orders", new { orderId, customerId = buyer.CustomerId, amount, channel = "shop", occurredAt = DateTimeOffset.UtcNow }, Ct);
            order.StatusCode.ShouldBe(HttpStatusCode.Created, await order.Content.ReadAsStringAsync(Ct));
        }

        results = await CampaignWorld.PollAsync(async () =>
        {
            var r = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results");
            return r.GetProperty("sent").GetProperty("revenue").GetDecimal() != 8800m ? r : (JsonElement?)null;
        });
        sent = results.GetProperty("sent");
        (sent.GetProperty("converted").GetInt32(), sent.GetProperty("leadsWon").GetInt32()).ShouldBe((1, 1));
        sent.GetProperty("revenue").GetDecimal().ShouldBe(9300m);
        results.GetProperty("revenueT1").GetDecimal().ShouldBe(9300m);
        // ROI = (9,300 − 20) / 20 = 464.
        results.GetProperty("roiT1").GetDouble().ShouldBe(464);
    }
}

public sealed class SqliteAbWinnerTests(PostgresServer postgres) : AbWinnerTests(postgres, usePostgres: false);

public sealed class PostgresAbWinnerTests(PostgresServer postgres) : AbWinnerTests(postgres, usePostgres: true);
