using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Campaigns.Sending;
using Scrm.Customers.Model;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>The host as it runs in production (environment <c>Production</c>), with or without a public address for links.</summary>
internal sealed class ProductionApp(IReadOnlyDictionary<string, string?> settings) : ScrmApp(StorageUnderTest.Sqlite, settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
    }
}

public sealed class PublicLinksTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly ChannelPlan WeComText = new("wecom", "corp", Text: "{{ customer.name }}您好");

    public static TheoryData<string, ChannelPlan, bool> Plans => new()
    {
        { "wecom text", WeComText, false },
        { "wechat template without url", new ChannelPlan("wechat", "brand", TemplateId: "T", Values: new Dictionary<string, string> { ["first"] = "你好" }), false },
        { "wechat template with url", new ChannelPlan("wechat", "brand", TemplateId: "T", Url: "https://shop.example.com/"), true },
        { "e-mail always carries its unsubscribe link", new ChannelPlan("email", "news", Text: "你好", Subject: "促销"), true },
        { "sms with {{ link }}", new ChannelPlan("sms", "gateway", Text: "详情 {{ link }}"), true },
        { "sms with {{ unsubscribe_url }}", new ChannelPlan("sms", "gateway", Text: "退订 {{ unsubscribe_url }}"), true },
        { "template value with {{ link }}", new ChannelPlan("wechat", "brand", TemplateId: "T", Values: new Dictionary<string, string> { ["remark"] = "{{ link }}" }), true },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void A_plan_has_links_when_a_message_would_carry_one(string why, ChannelPlan channel, bool expected) =>
        PublicLinks.HasLinks(new CampaignPlan([WeComText, channel], null)).ShouldBe(expected, why);

    private static async Task<(ScrmApp App, Guid Segment)> StartAsync(string? publicBaseUrl)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
            ["Scrm:Campaigns:IndexPollInterval"] = "00:00:00.100",
            ["Scrm:Campaigns:QuietHoursStart"] = "00:00",
            ["Scrm:Campaigns:QuietHoursEnd"] = "00:00",
        };
        if (publicBaseUrl is not null)
        {
            settings["Scrm:Campaigns:PublicBaseUrl"] = publicBaseUrl;
        }

        var app = new ProductionApp(settings);
        var world = new CampaignWorld();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>().CreateDbContextAsync(Ct))
        {
            await world.SeedAsync(db, DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds());
        }

        using var marketer = app.ClientFor("marketer");
        return (app, await CampaignWorld.SegmentAsync(marketer, world.Gold.Count(), Ct));
    }

    [Fact]
    public async Task In_production_a_campaign_with_links_is_refused_until_the_public_address_is_set_and_one_without_links_may_start()
    {
        var (app, segment) = await StartAsync(publicBaseUrl: null);
        await using (app)
        {
            using var marketer = app.ClientFor("marketer");
            var withLinks = await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("国庆大促", segment), Ct);
            var id = (await withLinks.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

            foreach (var (path, body) in new[] { ($"/api/v1/campaigns/{id}/start", (object?)null), ($"/api/v1/campaigns/{id}/schedule", new { at = DateTimeOffset.UtcNow.AddDays(1) }) })
            {
                var refused = body is null ? await marketer.PostAsync(path, null, Ct) : await marketer.PostAsJsonAsync(path, body, Ct);
                refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
                refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
                problem.GetProperty("setting").GetString().ShouldBe("Scrm:Campaigns:PublicBaseUrl");
                problem.GetProperty("detail").GetString()!.ShouldContain("Scrm:Campaigns:PublicBaseUrl");
                problem.GetProperty("title").GetString()!.ShouldContain("公开地址");
            }

            // Nothing moved: still a draft, with no recipients.
            var campaign = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            campaign.GetProperty("status").GetString().ShouldBe("draft");

            var plain = new { name = "企微问候", segmentId = segment, channels = new object[] { new { channel = "wecom", account = CampaignWorld.WeComAccount, text = "{{ customer.name }}您好" } } };
            var plainId = (await (await marketer.PostAsJsonAsync("/api/v1/campaigns", plain, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            (await marketer.PostAsync($"/api/v1/campaigns/{plainId}/start", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task In_production_with_the_public_address_set_links_start_with_it_and_the_campaign_starts()
    {
        var (app, segment) = await StartAsync(publicBaseUrl: "https://crm.example.com/");
        await using (app)
        {
            using var marketer = app.ClientFor("marketer");
            var created = await marketer.PostAsJsonAsync("/api/v1/campaigns", CampaignWorld.Campaign("国庆大促", segment), Ct);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
            var smsCustomer = new CampaignWorld().People.First(p => p.Group == "sms");
            var preview = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/preview?customer={smsCustomer.Id}", Ct);
            preview.GetProperty("content").GetProperty("text").GetString()!.ShouldContain("https://crm.example.com/l/");
            (await marketer.PostAsync($"/api/v1/campaigns/{id}/start", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }
}
