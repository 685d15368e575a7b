using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Storage;
using Scrm.Customers.Model;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>An unsubscribe link withdraws the customer's consent on the channel, which every later campaign honours.</summary>
public abstract class UnsubscribeConsentTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
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

    private static async Task RunAsync(HttpClient client, Guid id)
    {
        await JsonAsync(await client.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct));
        await CampaignWorld.PollAsync(async () =>
        {
            var c = await client.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            return c.GetProperty("status").GetString() is "completed" ? c : null;
        });
    }

    private static Dictionary<string, int> Counts(JsonElement map) => map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public async Task An_unsubscribe_link_withdraws_consent_and_a_later_campaign_holds_the_customer_back_as_unsubscribed_on_that_channel_only()
    {
        using var marketer = _app.ClientFor("marketer");
        using var admin = _app.ClientFor("admin");
        var gold = _world.Gold.ToList();
        var segment = await CampaignWorld.SegmentAsync(marketer, gold.Count, Ct);
        var first = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("春节回馈", segment), Ct))).GetProperty("id").GetGuid();
        await RunAsync(marketer, first);

        // The first e-mail customer unsubscribes with the one-click link their e-mail carries (List-Unsubscribe-Post).
        var leaver = gold.First(p => p.Group == "email");
        var mail = _smtp.Messages.Single(m => m.To == leaver.Email);
        var header = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)), Ct).Headers["List-Unsubscribe"];
        var link = new Uri(header!.Trim('<', '>'));
        using var anonymous = _app.CreateClient();
        (await anonymous.PostAsync(link.PathAndQuery, null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.PostAsync(link.PathAndQuery, null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // It is the customer's own consent now: withdrawn for the whole channel, by the unsubscribe.
        var customer = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{leaver.Id}", Ct);
        var email = customer.GetProperty("consents").EnumerateArray().Where(c => c.GetProperty("channel").GetString() == "email").ToList();
        email.Count.ShouldBe(1);
        email[0].GetProperty("granted").GetBoolean().ShouldBeFalse();
        email[0].GetProperty("source").GetString().ShouldBe("unsubscribe");

        // The campaign's own record of it is gone (as if the campaigns store were new): the consent alone holds the customer back.
        await using (var campaigns = await _app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync(Ct))
        {
            (await campaigns.Unsubscribes.ExecuteDeleteAsync(Ct)).ShouldBe(1);
        }

        // The segment's consent fact follows: one e-mail consent fewer.
        var withEmailConsent = gold.Count(p => p.Consents.Contains("email"));
        await CampaignWorld.PollAsync(async () =>
        {
            var preview = await marketer.PostAsJsonAsync("/api/v1/segments/preview?sample=0", new { fact = "consent", op = "hasAny", values = new[] { "email" } }, Ct);
            var body = await preview.Content.ReadFromJsonAsync<JsonElement>(Ct);
            return preview.IsSuccessStatusCode && body.GetProperty("count").GetInt32() == withEmailConsent - 1 ? body : null;
        });

        var second = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("元宵节活动", segment), Ct))).GetProperty("id").GetGuid();
        var dry = await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{second}/dry-run", null, Ct));
        Counts(dry.GetProperty("held"))["unsubscribed"].ShouldBe(1);
        var preview = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{second}/preview?customer={leaver.Id}", Ct);
        preview.GetProperty("held").GetString().ShouldBe("unsubscribed");
        await RunAsync(marketer, second);

        var received = CampaignWorld.Received(_fake, _sms, _smtp).Where(r => r.Text.Contains("元宵节活动", StringComparison.Ordinal)).ToList();
        received.ShouldNotContain(r => r.Address == leaver.Email);
        received.Count.ShouldBe(gold.Count(p => p != leaver && CampaignWorld.ExpectedChannel(p) is not null));
        // WeCom customers who also have e-mail are untouched: the unsubscribe was for e-mail only.
        received.Count(r => r.Channel == "wecom").ShouldBe(gold.Count(p => p.Group == "wecom"));
        var report = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{second}/report", Ct);
        Counts(report.GetProperty("heldByReason"))["unsubscribed"].ShouldBe(1);
        report.GetProperty("sent").GetInt32().ShouldBe(received.Count);
    }

    [Fact]
    public async Task A_customer_who_unsubscribed_gets_marketing_again_only_after_an_explicit_audited_resubscribe()
    {
        using var marketer = _app.ClientFor("marketer");
        using var admin = _app.ClientFor("admin");
        var gold = _world.Gold.ToList();
        var segment = await CampaignWorld.SegmentAsync(marketer, gold.Count, Ct);
        var first = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("清明踏青", segment), Ct))).GetProperty("id").GetGuid();
        await RunAsync(marketer, first);
        var leaver = gold.First(p => p.Group == "email");
        var mail = _smtp.Messages.Single(m => m.To == leaver.Email);
        var header = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mail.Data)), Ct).Headers["List-Unsubscribe"];
        using var anonymous = _app.CreateClient();
        (await anonymous.PostAsync(new Uri(header!.Trim('<', '>')).PathAndQuery, null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A campaign does not re-subscribe anyone: the next one holds the customer back.
        var second = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("端午安康", segment), Ct))).GetProperty("id").GetGuid();
        Counts((await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{second}/dry-run", null, Ct))).GetProperty("held"))["unsubscribed"].ShouldBe(1);

        // Refused without a channel it can restore or without the customer's request written down; nothing changes.
        var url = $"/api/v1/customers/{leaver.Id}/resubscribe";
        foreach (var bad in new object[] { new { channel = "email" }, new { channel = "email", evidence = "好" }, new { channel = "fax", evidence = "客户来电要求恢复" },
            new { channel = "email", evidence = "客户\u0007来电" }, new { evidence = "客户来电要求恢复" } })
        {
            var refused = await marketer.PostAsJsonAsync(url, bad, Ct);
            refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, JsonSerializer.Serialize(bad));
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        (await marketer.PostAsJsonAsync(url, new { channel = "sms", evidence = "客户来电要求恢复短信" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await marketer.PostAsJsonAsync($"/api/v1/customers/{Guid.CreateVersion7()}/resubscribe", new { channel = "email", evidence = "客户来电要求恢复" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await marketer.PostAsJsonAsync(url, new { channel = "email", evidence = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var still = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{leaver.Id}", Ct);
        still.GetProperty("consents").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "email").GetProperty("granted").GetBoolean().ShouldBeFalse();

        var evidence = "2026-12-07 客户致电客服要求恢复接收邮件优惠（工单 4711）";
        var done = await JsonAsync(await marketer.PostAsJsonAsync(url, new { channel = "email", evidence }, Ct));
        done.GetProperty("granted").GetBoolean().ShouldBeTrue();
        (await marketer.PostAsJsonAsync(url, new { channel = "email", evidence }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var customer = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{leaver.Id}", Ct);
        var email = customer.GetProperty("consents").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "email");
        email.GetProperty("granted").GetBoolean().ShouldBeTrue();
        email.GetProperty("source").GetString().ShouldBe("resubscribe");
        // Audited: who, whom, which channel — and not the evidence text, which the customer's timeline keeps with who recorded it.
        string actor;
        await using (var connection = await _app.Services.GetRequiredService<Scrm.Platform.Storage.ScrmDatabase>().Store("audit").OpenConnectionAsync(Ct))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT actor, resource_id, detail FROM audit_log WHERE action = 'consent.resubscribe'";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            (await reader.ReadAsync(Ct)).ShouldBeTrue();
            actor = reader.GetString(0);
            actor.ShouldNotBeNullOrWhiteSpace();
            reader.GetString(1).ShouldBe(leaver.Id.ToString("D"));
            reader.GetString(2).ShouldContain("\"channel\":\"email\"");
            reader.GetString(2).ShouldNotContain("4711");
            (await reader.ReadAsync(Ct)).ShouldBeFalse();
        }

        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync(Ct))
        {
            var noted = await db.Timeline.AsNoTracking().SingleAsync(t => t.CustomerId == leaver.Id && t.Kind == "resubscribe", Ct);
            noted.Summary.ShouldNotBeNull().ShouldContain(evidence);
            noted.Summary.ShouldContain("recorded by " + actor);
        }

        // The campaign's own unsubscribe record is still there, but the later consent outranks it: the next campaign reaches them again.
        await using (var campaigns = await _app.Services.GetRequiredService<IDbContextFactory<CampaignsDbContext>>().CreateDbContextAsync(Ct))
        {
            (await campaigns.Unsubscribes.CountAsync(u => u.CustomerId == leaver.Id, Ct)).ShouldBe(1);
        }

        var third = (await JsonAsync(await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("中秋团圆", segment), Ct))).GetProperty("id").GetGuid();
        Counts((await JsonAsync(await marketer.PostAsync($"/api/v1/campaigns/{third}/dry-run", null, Ct))).GetProperty("held"))["unsubscribed"].ShouldBe(0);
        await RunAsync(marketer, third);
        CampaignWorld.Received(_fake, _sms, _smtp).ShouldContain(r => r.Channel == "email" && r.Address == leaver.Email && r.Text.Contains("中秋团圆", StringComparison.Ordinal));
    }
}

public sealed class SqliteUnsubscribeConsentTests(PostgresServer postgres) : UnsubscribeConsentTests(postgres, usePostgres: false);

public sealed class PostgresUnsubscribeConsentTests(PostgresServer postgres) : UnsubscribeConsentTests(postgres, usePostgres: true);
