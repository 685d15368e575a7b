using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Sending;
using Scrm.Customers.Model;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>An A/B campaign with a holdout, sent end to end; what each variant sent is counted at the receivers.</summary>
public abstract class AbTestTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private LocalSmsGateway _sms = null!;
    private LocalSmtpServer _smtp = null!;
    private ScrmApp _app = null!;
    private readonly CampaignWorld _world = new(scale: 6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _sms = await LocalSmsGateway.StartAsync();
        _smtp = new LocalSmtpServer();
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        var settings = CampaignWorld.Settings(_fake, _sms, _smtp);
        settings["Scrm:Campaigns:FrequencyCap"] = "10";
        settings["Scrm:Campaigns:MessageCosts:sms"] = "0.05";
        settings["Scrm:Campaigns:MessageCosts:email"] = "0.01";
        settings["Scrm:Campaigns:AttributionWindow"] = "3.00:00:00";
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

    /// <summary>Every channel, each text naming the variant ("版本A") so the receivers can tell them apart.</summary>
    private static object[] Channels(string variant) =>
    [
        new { channel = "wechat", account = CampaignWorld.WeChatAccount, templateId = "TPL-AB", values = new Dictionary<string, string> { ["first"] = "{{ customer.name }}", ["remark"] = $"版本{variant}" } },
        new { channel = "wecom", account = CampaignWorld.WeComAccount, text = $"{{{{ customer.name }}}}您好：版本{variant}" },
        new { channel = "sms", account = "gateway", text = $"{{{{ customer.name }}}}您好：版本{variant}" },
        new { channel = "email", account = "news", subject = $"版本{variant}", text = $"{{{{ customer.name }}}}您好：版本{variant}" },
    ];

    [Fact]
    public async Task Each_recipient_gets_their_variant_the_holdout_gets_nothing_and_the_report_counts_each_group_as_the_receivers_did()
    {
        using var marketer = _app.ClientFor("marketer");
        var gold = _world.Gold.ToList();
        var segment = await CampaignWorld.SegmentAsync(marketer, gold.Count, Ct);
        var body = new
        {
            name = "618 A/B",
            segmentId = segment,
            channels = Channels("A"),
            variants = new object[] { new { name = "A", weight = 1 }, new { name = "B", weight = 1, channels = Channels("B") } },
            holdout = 20,
        };
        var id = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", body, Ct))).GetProperty("id").GetGuid();
        var plan = new CampaignPlan([new ChannelPlan("sms", "gateway", Text: "x")], null, [new VariantPlan("A", 1), new VariantPlan("B", 1)], 20);
        var group = gold.ToDictionary(p => p, p => Split.Assign(id, p.Id, plan)!);

        var dry = await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/dry-run", null, Ct));
        dry.GetProperty("held").GetProperty("holdout").GetInt32().ShouldBe(group.Count(g => g.Value == Split.Holdout));
        group.Values.Count(v => v == Split.Holdout).ShouldBeGreaterThan(0);

        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct));
        await CampaignWorld.PollAsync(async () =>
        {
            var c = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() is "completed" ? c : null;
        });

        var received = CampaignWorld.Received(_fake, _sms, _smtp);
        var sent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in gold)
        {
            var mine = received.Where(r => r.Address == _world.AddressOf(p, r.Channel)).ToList();
            if (group[p] == Split.Holdout || CampaignWorld.ExpectedChannel(p) is null)
            {
                mine.ShouldBeEmpty($"{p.Name} in {group[p]}");
                continue;
            }

            mine.Count.ShouldBe(1, p.Name);
            mine[0].Text.ShouldContain($"版本{group[p]}", Case.Sensitive, p.Name);
            sent[group[p]] = sent.GetValueOrDefault(group[p]) + 1;
        }

        dry.GetProperty("variants").GetProperty("A").GetInt32().ShouldBe(sent["A"]);
        dry.GetProperty("variants").GetProperty("B").GetInt32().ShouldBe(sent["B"]);

        var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
        var variants = report.GetProperty("variants");
        foreach (var name in new[] { "A", "B", Split.Holdout })
        {
            var v = variants.GetProperty(name);
            v.GetProperty("audience").GetInt32().ShouldBe(group.Count(g => g.Value == name), name);
            v.GetProperty("sent").GetInt32().ShouldBe(sent.GetValueOrDefault(name), name);
            v.GetProperty("held").GetInt32().ShouldBe(group.Count(g => g.Value == name && (name == Split.Holdout || CampaignWorld.ExpectedChannel(g.Key) is null)), name);
        }

        report.GetProperty("heldByReason").GetProperty("holdout").GetInt32().ShouldBe(group.Count(g => g.Value == Split.Holdout));
        report.GetProperty("sent").GetInt32().ShouldBe(received.Count);

        // Orders: one sent customer of each variant buys an hour after the message, one in the holdout too, an unreachable one as well (never counted),
        // and another A customer buys four days later (outside the 3-day window).
        var buyers = new[]
        {
            (Person: group.First(g => g.Value == "A" && CampaignWorld.ExpectedChannel(g.Key) is not null).Key, Cents: 10_000L, After: TimeSpan.FromHours(1)),
            (Person: group.First(g => g.Value == "B" && CampaignWorld.ExpectedChannel(g.Key) is not null).Key, Cents: 20_050L, After: TimeSpan.FromHours(1)),
            (Person: group.First(g => g.Value == Split.Holdout).Key, Cents: 5_000L, After: TimeSpan.FromHours(1)),
            (Person: group.First(g => g.Key.Group == "unreachable" && g.Value != Split.Holdout).Key, Cents: 99_900L, After: TimeSpan.FromHours(1)),
            (Person: group.Where(g => g.Value == "A" && CampaignWorld.ExpectedChannel(g.Key) is not null).Skip(1).First().Key, Cents: 7_000L, After: TimeSpan.FromDays(4)),
        };
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync(Ct))
        {
            var n = 0;
            foreach (var (person, cents, after) in buyers)
            {
                var at = DateTimeOffset.UtcNow.Add(after).ToUnixTimeMilliseconds();
                db.Orders.Add(new OrderRow { OrderId = $"AB-{n++}", CustomerId = person.Id, AmountCents = cents, Channel = "shop", OccurredAt = at, ContentHash = $"h{n}", CreatedAt = at });
            }

            await db.SaveChangesAsync(Ct);
        }

        var results = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results");
        var sentCount = sent.Values.Sum();
        var holdoutCount = group.Count(g => g.Value == Split.Holdout);
        results.GetProperty("attributionDays").GetInt32().ShouldBe(3);
        results.GetProperty("sent").GetProperty("recipients").GetInt32().ShouldBe(sentCount);
        results.GetProperty("sent").GetProperty("converted").GetInt32().ShouldBe(2);
        results.GetProperty("sent").GetProperty("revenue").GetDecimal().ShouldBe(100m + 200.50m);
        results.GetProperty("holdout").GetProperty("recipients").GetInt32().ShouldBe(holdoutCount);
        results.GetProperty("holdout").GetProperty("converted").GetInt32().ShouldBe(1);
        results.GetProperty("uplift").GetDouble().ShouldBe(Math.Round(Math.Round(2.0 / sentCount, 4) - Math.Round(1.0 / holdoutCount, 4), 4));
        results.GetProperty("variants").GetProperty("A").GetProperty("figures").GetProperty("revenue").GetDecimal().ShouldBe(100m);
        results.GetProperty("variants").GetProperty("B").GetProperty("figures").GetProperty("converted").GetInt32().ShouldBe(1);
        var smsSent = received.Count(r => r.Channel == "sms");
        var emailSent = received.Count(r => r.Channel == "email");
        var cost = smsSent * 0.05m + emailSent * 0.01m;
        results.GetProperty("cost").GetDecimal().ShouldBe(cost);
        // Both attributed orders came within an hour of the start, so by the end of T+1 whatever the hour of T.
        results.GetProperty("revenueT1").GetDecimal().ShouldBe(300.50m);
        results.GetProperty("revenueT2").GetDecimal().ShouldBe(300.50m);
        results.GetProperty("roiT1").GetDouble().ShouldBe(Math.Round((double)((300.50m - cost) / cost), 4));
    }
}

public sealed class SqliteAbTestTests(PostgresServer postgres) : AbTestTests(postgres, usePostgres: false);

public sealed class PostgresAbTestTests(PostgresServer postgres) : AbTestTests(postgres, usePostgres: true);
