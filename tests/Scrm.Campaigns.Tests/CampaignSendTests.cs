using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Customers.Model;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>
/// Campaigns end to end on the real host: WeChat and WeCom through the fake channel server, SMS to
/// a local HTTP gateway, e-mail to a local SMTP server; what each receiver got is counted there.
/// </summary>
public abstract class CampaignSendTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private LocalSmsGateway _sms = null!;
    private LocalSmtpServer _smtp = null!;
    private ScrmApp _app = null!;
    private readonly CampaignWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _sms = await LocalSmsGateway.StartAsync();
        _smtp = new LocalSmtpServer();
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _app = new ScrmApp(storage, CampaignWorld.Settings(_fake, _sms, _smtp));
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

    private static async Task<JsonElement> FinishedAsync(HttpClient client, Guid id) =>
        await CampaignWorld.PollAsync(async () =>
        {
            var c = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() is "completed" ? c : null;
        });

    private static Dictionary<string, int> Counts(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public async Task Two_concurrent_campaigns_reach_each_customer_once_on_one_channel_within_the_cap_and_report_what_the_receivers_counted()
    {
        using var marketer = _app.ClientFor("marketer");
        var gold = _world.Gold.ToList();
        var segment = await CampaignWorld.SegmentAsync(marketer, gold.Count, Ct);
        var first = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("双十一回馈", segment), Ct))).GetProperty("id").GetGuid();
        var second = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("双十二预热", segment), Ct))).GetProperty("id").GetGuid();

        // One e-mail customer follows the unsubscribe link from their preview before anything is sent.
        var leaver = gold.First(p => p.Group == "email");
        var preview = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{first}/preview?customer={leaver.Id}", Ct);
        preview.GetProperty("channel").GetString().ShouldBe("email");
        var text = preview.GetProperty("content").GetProperty("text").GetString()!;
        text.ShouldStartWith($"{leaver.Name}您好：双十一回馈");
        var link = new Uri(text[(text.IndexOf("退订：", StringComparison.Ordinal) + 3)..].Trim());
        using var anonymous = _app.CreateClient();
        (await anonymous.GetAsync(link.PathAndQuery, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.PostAsync(link.PathAndQuery, null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.PostAsync(link.PathAndQuery[..^3] + "xyz", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Expected, from the seeded layout alone.
        var expected = gold.Where(p => p != leaver).GroupBy(CampaignWorld.ExpectedChannel).ToDictionary(g => g.Key ?? "held", g => g.Count());
        var reachable = gold.Count(p => p != leaver && CampaignWorld.ExpectedChannel(p) is not null);

        var dry = await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{first}/dry-run", null, Ct));
        dry.GetProperty("audience").GetInt32().ShouldBe(gold.Count);
        var send = Counts(dry.GetProperty("send"));
        foreach (var channel in new[] { "wechat", "wecom", "sms", "email" })
        {
            send[channel].ShouldBe(expected.GetValueOrDefault(channel), channel);
        }

        var held = Counts(dry.GetProperty("held"));
        held["no-consent"].ShouldBe(gold.Count(p => p.Group == "no-consent"));
        held["unreachable"].ShouldBe(gold.Count(p => p.Group == "unreachable"));
        held["unsubscribed"].ShouldBe(1);
        held["frequency-cap"].ShouldBe(0);
        held["quiet-hours"].ShouldBe(0);

        // Both start at once: the cap of one message a week holds across them.
        await Task.WhenAll(
            JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{first}/start", null, Ct)),
            JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{second}/start", null, Ct)));
        await FinishedAsync(marketer, first);
        await FinishedAsync(marketer, second);

        var received = CampaignWorld.Received(_fake, _sms, _smtp);
        received.Count.ShouldBe(reachable);
        foreach (var p in gold)
        {
            var mine = received.Where(r => r.Address == _world.AddressOf(p, r.Channel) || (r.Channel == "wechat" && p.OpenId is not null && r.Address == _world.OpenIdOf(p))).ToList();
            var channel = p == leaver ? null : CampaignWorld.ExpectedChannel(p);
            if (channel is null)
            {
                mine.ShouldBeEmpty(p.Group);
            }
            else
            {
                mine.Count.ShouldBe(1, p.Name);
                mine[0].Channel.ShouldBe(channel, p.Name);
                mine[0].Text.ShouldContain(p.Name, Case.Sensitive, $"{p.Group} {mine[0].Channel}: [{mine[0].Text}]");
            }
        }

        _sms.Messages.ShouldAllBe(m => m.Text.StartsWith("【好物商城】") && m.Text.EndsWith("回T退订"));
        _smtp.Messages.ShouldAllBe(m => CampaignWorld.Decoded(m.Data).Contains("List-Unsubscribe: <http"));

        // Each report equals what the receivers counted for that campaign's name.
        var heldByCap = 0;
        foreach (var (id, name) in new[] { (first, "双十一回馈"), (second, "双十二预热") })
        {
            var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
            var ours = received.Where(r => r.Text.Contains(name, StringComparison.Ordinal)).ToList();
            report.GetProperty("sent").GetInt32().ShouldBe(ours.Count, name);
            var byChannel = Counts(report.GetProperty("sentByChannel"));
            foreach (var g in ours.GroupBy(r => r.Channel))
            {
                byChannel[g.Key].ShouldBe(g.Count(), $"{name} {g.Key}");
            }

            byChannel.Values.Sum().ShouldBe(ours.Count);
            report.GetProperty("failed").GetInt32().ShouldBe(0);
            report.GetProperty("pending").GetInt32().ShouldBe(0);
            var heldBy = Counts(report.GetProperty("heldByReason"));
            heldBy["no-consent"].ShouldBe(3);
            heldBy["unreachable"].ShouldBe(2);
            heldBy["unsubscribed"].ShouldBe(1);
            heldByCap += heldBy.GetValueOrDefault("frequency-cap");
            report.GetProperty("audience").GetInt32().ShouldBe(gold.Count);
        }

        // Everyone reachable got exactly one of the two campaigns; the other held them back by the cap.
        heldByCap.ShouldBe(reachable);

        // Tracked links: every SMS recipient clicks (the first of them twice), and three WeChat recipients.
        // Which campaign reached whom is decided by the race for the cap, so each link is credited to the campaign named in it.
        using var browser = _app.ClientWithoutRedirects();
        var names = new[] { "双十一回馈", "双十二预热" };
        var smsLinks = received.Where(r => r.Channel == "sms")
            .Select(r => (Campaign: names.Single(n => r.Text.Contains(n, StringComparison.Ordinal)), Channel: "sms", Link: new Uri(System.Text.RegularExpressions.Regex.Match(r.Text, @"http://\S+/l/\S+").Value)));
        var weChatLinks = _fake.State.CallsTo("template_send").Take(3)
            .Select(c => (Campaign: names.Single(n => ((string)c.Body["data"]!["remark"]!["value"]!).Contains(n, StringComparison.Ordinal)), Channel: "wechat", Link: new Uri((string)c.Body["url"]!)));
        var clicks = smsLinks.Concat(weChatLinks).ToList();
        clicks.ShouldNotBeEmpty();
        foreach (var (_, _, tracked) in clicks.Append(clicks[0]))
        {
            var click = await browser.GetAsync(tracked.PathAndQuery, Ct);
            click.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        (await browser.GetAsync(clicks[0].Link.PathAndQuery[..^4] + "abcd", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var (id, name) in new[] { (first, names[0]), (second, names[1]) })
        {
            var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
            var ours = clicks.Where(c => c.Campaign == name).ToList();
            report.GetProperty("clicked").GetInt32().ShouldBe(ours.Count, name);
            Counts(report.GetProperty("clickedByChannel")).ShouldBe(ours.GroupBy(c => c.Channel).ToDictionary(g => g.Key, g => g.Count()), ignoreOrder: true, name);
        }

        // Channel content as sent: the WeChat template carries the values and link.
        var template = _fake.State.CallsTo("template_send").First();
        ((string)template.Body["template_id"]!).ShouldBe("TPL-D11");
        ((string)template.Body["url"]!).ShouldStartWith("http://localhost:5000/l/");
        (await browser.GetAsync(new Uri((string)template.Body["url"]!).PathAndQuery, Ct)).Headers.Location.ShouldBe(new Uri("https://shop.example.com/d11"));
    }

    [Fact]
    public async Task Quiet_hours_hold_a_campaign_back_in_the_dry_run_and_nothing_goes_out_until_they_end()
    {
        using var marketer = _app.ClientFor("marketer");
        var segment = await CampaignWorld.SegmentAsync(marketer, _world.Gold.Count(), Ct);
        var china = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var quiet = new { start = china.AddHours(-1).ToString("HH:mm"), end = china.AddHours(1).ToString("HH:mm") };
        var id = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("深夜促销", segment, quiet), Ct))).GetProperty("id").GetGuid();

        var dry = await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/dry-run", null, Ct));
        var reachable = _world.Gold.Count(p => CampaignWorld.ExpectedChannel(p) is not null);
        Counts(dry.GetProperty("held"))["quiet-hours"].ShouldBe(reachable);
        Counts(dry.GetProperty("send")).Values.Sum().ShouldBe(0);
        dry.GetProperty("quietUntil").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow);

        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct));
        await CampaignWorld.PollAsync(async () =>
        {
            var c = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() == "running" ? c : null;
        });
        await Task.Delay(1_000, Ct);
        var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
        report.GetProperty("pending").GetInt32().ShouldBe(_world.Gold.Count());
        CampaignWorld.Received(_fake, _sms, _smtp).ShouldBeEmpty();

        // Paused and cancelled, it never sends.
        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/pause", null, Ct));
        (await marketer.PostAsync($"/api/v1/campaigns/{id}/pause", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/resume", null, Ct));
        await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{id}/cancel", null, Ct));
        report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
        report.GetProperty("cancelled").GetInt32().ShouldBe(_world.Gold.Count());
        report.GetProperty("status").GetString().ShouldBe("cancelled");
    }

    [Fact]
    public async Task A_bad_campaign_is_refused_with_each_bad_field_named_and_nothing_is_saved()
    {
        using var marketer = _app.ClientFor("marketer");
        using var sales = _app.ClientFor("sales");
        var segment = await CampaignWorld.SegmentAsync(marketer, _world.Gold.Count(), Ct);
        var bad = new
        {
            name = "",
            segmentId = Guid.NewGuid(),
            channels = new object[]
            {
                new { channel = "fax", account = "x", text = "hi" },
                new { channel = "sms", account = "gateway", text = "{{ customer.name " },
                new { channel = "email", account = "news", text = "hi" },
            },
            quietHours = new { start = "25:00", end = "08:00" },
        };
        var response = await marketer.PostAsJsonAsync("/api/v1/campaigns", bad, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Order().ShouldBe(["channels[0].channel", "channels[1].text", "channels[2].subject", "name", "quietHours", "segmentId"]);

        (await marketer.PostAsync("/api/v1/campaigns", new StringContent("{\"name\":", System.Text.Encoding.UTF8, "application/json"), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await sales.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("x", segment), Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await marketer.GetFromJsonAsync<JsonElement>("/api/v1/campaigns", Ct)).GetArrayLength().ShouldBe(0);
        (await marketer.PostAsync($"/api/v1/campaigns/{Guid.NewGuid()}/start", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await marketer.GetAsync($"/api/v1/campaigns/{Guid.NewGuid()}/preview?customer=nope", Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class SqliteCampaignSendTests(PostgresServer postgres) : CampaignSendTests(postgres, usePostgres: false);

public sealed class PostgresCampaignSendTests(PostgresServer postgres) : CampaignSendTests(postgres, usePostgres: true);
