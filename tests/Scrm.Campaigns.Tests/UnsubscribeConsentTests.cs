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
}

public sealed class SqliteUnsubscribeConsentTests(PostgresServer postgres) : UnsubscribeConsentTests(postgres, usePostgres: false);

public sealed class PostgresUnsubscribeConsentTests(PostgresServer postgres) : UnsubscribeConsentTests(postgres, usePostgres: true);
