using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>
/// A customer whose facts change enters a saved segment, and the shipped <c>segmented-campaigns</c>
/// workflow sends them the segment's entry campaign once, through the channel they can receive, with
/// consent and the frequency cap honoured; leaving the segment stops what was waiting. Every wait is
/// on a condition (the segment watch's pass, the instance's state), never on a fixed time.
/// </summary>
public abstract class SegmentEntryTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private const string Account = CampaignWorld.WeChatAccount;

    private FakeChannelServer _fake = null!;
    private LocalSmsGateway _sms = null!;
    private LocalSmtpServer _smtp = null!;
    private ScrmApp _app = null!;

    // A: WeChat with consent. B: a phone, no consent. C: SMS consent, but already messaged this week (cap 1).
    // D: WeChat with consent, for the campaign in its quiet hours. E: in the segment before it was saved.
    private static readonly Guid A = Guid.Parse("00000000-0000-7000-8000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-7000-8000-00000000000b");
    private static readonly Guid C = Guid.Parse("00000000-0000-7000-8000-00000000000c");
    private static readonly Guid D = Guid.Parse("00000000-0000-7000-8000-00000000000d");
    private static readonly Guid E = Guid.Parse("00000000-0000-7000-8000-00000000000e");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _sms = await LocalSmsGateway.StartAsync();
        _smtp = new LocalSmtpServer();
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _app = new ScrmApp(storage, CampaignWorld.Settings(_fake, _sms, _smtp));
        var at = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync(Ct))
        {
            void Customer(Guid id, string name, string? openId, string? phone, params string[] consents)
            {
                db.Customers.Add(new CustomerRow { Id = id, Status = CustomerStatus.Active, Name = name, Tier = "silver", CreatedAt = at, UpdatedAt = at });
                if (openId is not null)
                {
                    db.Identities.Add(new IdentityRow { CustomerId = id, Type = IdentityTypes.WeChatOpenId, Account = Account, Value = openId });
                }

                if (phone is not null)
                {
                    db.Identities.Add(new IdentityRow { CustomerId = id, Type = IdentityTypes.Phone, Value = phone });
                }

                db.Consents.AddRange(consents.Select(c => new ConsentRow { CustomerId = id, Channel = c, Granted = true, At = at, Source = "test" }));
            }

            Customer(A, "张三", "oWxA", null, "wechat:" + Account);
            Customer(B, "李四", null, "+8613800000002");
            Customer(C, "王五", null, "+8613800000003", "sms");
            Customer(D, "赵六", "oWxD", null, "wechat:" + Account);
            Customer(E, "钱七", "oWxE", null, "wechat:" + Account);
            db.Tags.Add(new TagRow { CustomerId = E, Tag = "vip" });
            await db.SaveChangesAsync(Ct);
        }

        // C had a marketing message two days ago from another campaign: the weekly cap of 1 is used up.
        await using var campaigns = await _app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync(Ct);
        campaigns.Contacts.Add(new Scrm.Campaigns.Storage.ContactRow { CustomerId = C, CampaignId = Guid.CreateVersion7(), Channel = "sms", At = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds() });
        await campaigns.SaveChangesAsync(Ct);
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

    /// <summary>Runs the index feed and the segment watch until the condition holds; each pass delivers its events before it returns.</summary>
    private async Task SettleAsync(Func<Task<bool>> condition)
    {
        var feed = _app.Services.GetRequiredService<FactIndexFeed>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await feed.CatchUpAndWatchAsync(Ct);
            if (await condition())
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the segment watch never saw the change");
            await Task.Delay(20, Ct);
        }
    }

    private async Task<bool> IsMemberAsync(Guid segment, Guid customer)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync(Ct);
        return await db.SegmentMembers.AnyAsync(m => m.SegmentId == segment && m.CustomerId == customer, Ct);
    }

    private async Task<List<JsonElement>> InstancesAsync(HttpClient client, Guid customer)
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/workflows/instances?definition=segmented-campaigns&limit=100", Ct);
        return [.. list.EnumerateArray().Where(i => i.GetProperty("correlationId").GetString() == customer.ToString("D"))];
    }

    private async Task<JsonElement> DetailAsync(HttpClient client, JsonElement instance) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/instances/{instance.GetProperty("id").GetString()}", Ct);

    private static string? OutcomeOf(JsonElement detail, string activity) =>
        detail.GetProperty("log").EnumerateArray().LastOrDefault(l => l.GetProperty("activityId").GetString() == activity) is { ValueKind: JsonValueKind.Object } entry
            && entry.TryGetProperty("outcome", out var o) ? o.GetString() : null;

    private List<string> WeChatTo(string openId) =>
        [.. _fake.State.CallsTo("template_send").Where(c => (string?)c.Body["touser"] == openId).Select(c => string.Join("\n", c.Body["data"]!.AsObject().Select(v => (string?)v.Value!["value"])))];

    private async Task<Guid> SegmentAsync(HttpClient client, string name, string tag) =>
        (await JsonAsync(await client.PostAsJsonAsync("/api/v1/segments", new { name, rule = new { fact = "tags", op = "hasAny", values = new[] { tag } } }, Ct)))
            .GetProperty("id").GetGuid();

    private async Task<Guid> EntryCampaignAsync(HttpClient client, string name, Guid segment, object quietHours)
    {
        var body = new
        {
            name,
            segmentId = segment,
            onEntry = true,
            quietHours,
            channels = new object[]
            {
                new { channel = "wechat", account = Account, templateId = "TPL-WELCOME", values = new Dictionary<string, string> { ["first"] = "{{ customer.name }}，欢迎", ["remark"] = "{{ campaign.name }}" } },
                new { channel = "sms", account = "gateway", text = "{{ customer.name }}您好：{{ campaign.name }}" },
            },
        };
        var id = (await JsonAsync(await client.PostAsJsonAsync("/api/v1/campaigns", body, Ct))).GetProperty("id").GetGuid();
        await JsonAsync(await client.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct));
        await CampaignWorld.PollAsync(async () =>
        {
            var c = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() == "running" ? c : null;
        });
        return id;
    }

    private async Task TagAsync(HttpClient admin, Guid customer, string tag, bool on) =>
        (on ? await admin.PutAsync($"/api/v1/customers/{customer}/tags/{tag}", null, Ct) : await admin.DeleteAsync($"/api/v1/customers/{customer}/tags/{tag}", Ct))
            .IsSuccessStatusCode.ShouldBeTrue();

    [Fact]
    public async Task A_customer_who_enters_a_segment_gets_its_entry_campaign_once_within_consent_and_cap_and_leaving_stops_what_waits()
    {
        using var marketer = _app.ClientFor("marketer");
        using var admin = _app.ClientFor("admin");
        var vip = await SegmentAsync(marketer, "VIP 新入群", "vip");
        var night = await SegmentAsync(marketer, "夜间活动", "night");
        // The segments' first members (E) are taken as they are.
        await SettleAsync(async () => await IsMemberAsync(vip, E));

        var welcome = await EntryCampaignAsync(marketer, "VIP 欢迎礼", vip, new { start = "00:00", end = "00:00" });
        var china = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var quiet = new { start = china.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture), end = china.AddHours(2).ToString("HH:mm", CultureInfo.InvariantCulture) };
        var nightly = await EntryCampaignAsync(marketer, "夜间特卖", night, quiet);

        // A, B and C enter the VIP segment; D enters the other one, whose campaign is in its quiet hours now.
        foreach (var id in new[] { A, B, C })
        {
            await TagAsync(admin, id, "vip", on: true);
        }

        await TagAsync(admin, D, "night", on: true);
        await SettleAsync(async () => await IsMemberAsync(vip, A) && await IsMemberAsync(vip, B) && await IsMemberAsync(vip, C) && await IsMemberAsync(night, D));

        // A got the welcome on WeChat, once; B (no consent) and C (cap used up) got nothing, and the report says why.
        WeChatTo("oWxA").ShouldHaveSingleItem().ShouldContain("VIP 欢迎礼");
        _sms.Messages.ShouldBeEmpty();
        WeChatTo("oWxE").ShouldBeEmpty();
        var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{welcome}/report", Ct);
        report.GetProperty("sent").GetInt32().ShouldBe(1);
        var held = report.GetProperty("heldByReason");
        held.GetProperty("no-consent").GetInt32().ShouldBe(1);
        held.GetProperty("frequency-cap").GetInt32().ShouldBe(1);

        // A's workflow sent and now waits for a click; D's waits for the quiet hours to end.
        var a = (await InstancesAsync(admin, A)).ShouldHaveSingleItem();
        var aDetail = await DetailAsync(admin, a);
        a.GetProperty("status").GetString().ShouldBe("suspended", aDetail.ToString());
        OutcomeOf(aDetail, "send").ShouldBe("sent");
        var d = (await InstancesAsync(admin, D)).ShouldHaveSingleItem();
        d.GetProperty("status").GetString().ShouldBe("suspended");
        WeChatTo("oWxD").ShouldBeEmpty();

        // D leaves before the quiet hours end: the send step follows 'left' and D never gets the message.
        await TagAsync(admin, D, "night", on: false);
        await SettleAsync(async () => !await IsMemberAsync(night, D));
        var dDone = await DetailAsync(admin, (await InstancesAsync(admin, D)).ShouldHaveSingleItem());
        dDone.GetProperty("instance").GetProperty("status").GetString().ShouldBe("finished");
        OutcomeOf(dDone, "send").ShouldBe("left");
        WeChatTo("oWxD").ShouldBeEmpty();
        var nightReport = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{nightly}/report", Ct);
        nightReport.GetProperty("sent").GetInt32().ShouldBe(0);

        // A leaves: the wait for a click ends. A comes back: a new run, but the campaign was sent once and is not sent again.
        await TagAsync(admin, A, "vip", on: false);
        await SettleAsync(async () => !await IsMemberAsync(vip, A));
        var aDone = await DetailAsync(admin, (await InstancesAsync(admin, A)).ShouldHaveSingleItem());
        aDone.GetProperty("instance").GetProperty("status").GetString().ShouldBe("finished");
        OutcomeOf(aDone, "engaged").ShouldBe("left");

        await TagAsync(admin, A, "vip", on: true);
        await SettleAsync(async () => await IsMemberAsync(vip, A));
        var runs = await InstancesAsync(admin, A);
        runs.Count.ShouldBe(2);
        runs.ShouldAllBe(r => r.GetProperty("status").GetString() == "finished");
        WeChatTo("oWxA").ShouldHaveSingleItem();
        (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{welcome}/report", Ct)).GetProperty("sent").GetInt32().ShouldBe(1);
    }
}

public sealed class SqliteSegmentEntryTests(PostgresServer postgres) : SegmentEntryTests(postgres, usePostgres: false);

public sealed class PostgresSegmentEntryTests(PostgresServer postgres) : SegmentEntryTests(postgres, usePostgres: true);
