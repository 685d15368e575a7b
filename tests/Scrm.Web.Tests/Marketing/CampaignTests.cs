using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.FakeChannels;
using Scrm.Web.Tests.Browser;

namespace Scrm.Web.Tests.Marketing;

/// <summary>The marketing host with a WeChat Official Account whose API is the fake channel server; the sender polls often.</summary>
public sealed class CampaignHost : MarketingHost
{
    public const string Token = "campaignweb";

    public FakeChannelServer Channels { get; private set; } = null!;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>> MoreSettingsAsync()
    {
        Channels = await FakeChannelServer.StartAsync();
        var settings = new Dictionary<string, string?>(await base.MoreSettingsAsync())
        {
            ["Scrm:Connectors:WeChat:Accounts:brand:AppId"] = "wx00000000000web02",
            ["Scrm:Connectors:WeChat:Accounts:brand:Token"] = Token,
            ["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret",
            ["Scrm:Connectors:WeChat:ApiBaseUrl"] = Channels.WeChat.ToString(),
            ["Scrm:Campaigns:SendPollInterval"] = "00:00:00.100",
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Campaigns:MessageCosts:wechat"] = "0.05",
        };
        return settings;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Channels is not null)
        {
            await Channels.DisposeAsync();
        }
    }

    /// <summary>A signed plain-mode callback from the Official Account, as the platform sends it.</summary>
    public async Task WeChatAsync(string from, string body)
    {
        var now = DateTimeOffset.UtcNow;
        var xml = $"<xml><ToUserName><![CDATA[gh_web]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{now.ToUnixTimeSeconds()}</CreateTime>{body}</xml>";
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        using var client = App.CreateClient();
        var response = await client.PostAsync($"/connectors/wechat/brand?signature={CallbackSignature.Compute(Token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid={from}",
            new StringContent(xml, Encoding.UTF8, "text/xml"), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The customer-service texts the fake WeChat API received that name <paramref name="campaign"/>, by recipient.</summary>
    public IReadOnlyList<string?> CampaignTextsTo(string campaign) =>
        [.. Channels.State.CallsTo("custom_send").Where(c => ((string?)c.Body["text"]?["content"])?.Contains(campaign, StringComparison.Ordinal) == true).Select(c => (string?)c.Body["touser"])];
}

/// <summary>A campaign in a real browser: created in the editor, previewed for one recipient, dry-run, started, its progress and report shown.</summary>
public sealed class CampaignTests(CampaignHost host) : IClassFixture<CampaignHost>
{
    private const string Name = "双十二会员专享";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 240_000)]
    public async Task A_marketer_creates_a_campaign_dry_runs_it_starts_it_and_sees_its_progress_and_report()
    {
        // Four followers who wrote today (consent and an open 48-hour window); two web visitors who can only be phoned.
        for (var i = 0; i < 4; i++)
        {
            await host.WeChatAsync($"oCampaignFan{i}", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>");
            await host.WeChatAsync($"oCampaignFan{i}", $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[有优惠吗{i}]]></Content><MsgId>{9100 + i}</MsgId>");
        }

        await host.PostFormLeadAsync("活动访客甲", "+86 139 2000 0001", null);
        await host.PostFormLeadAsync("活动访客乙", "+86 139 2000 0002", null);
        const string reachable = """{"and":[{"fact":"consent","op":"hasAny","values":["wechat"]},{"fact":"lastInboundAt","op":"within","days":2}]}""";
        await WebHost.EventuallyAsync(async () => (await host.PreviewAsync("marketer", reachable)).GetProperty("count").GetInt32().ShouldBe(4));
        await host.WaitForCustomersAsync(6);

        using var marketer = host.App.ClientFor("marketer");
        var segment = await (await marketer.PostAsJsonAsync("/api/v1/segments", new
        {
            name = "微信粉丝与网站访客",
            rule = new { fact = "identities", op = "hasAny", values = new[] { "wechat", "phone" } },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var segmentId = segment.GetProperty("id").GetString()!;

        var password = await host.PersonAsync("mk.campaigns", "marketer");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_marketer_creates_a_campaign_dry_runs_it_starts_it_and_sees_its_progress_and_report), async () =>
        {
            await WebHost.SignInAsync(page, "mk.campaigns", password);
            await page.GotoAsync("/marketing/campaigns/new");
            await WebHost.WaitInteractiveAsync(page);
            var editor = page.GetByTestId("campaign-editor");

            // The variables hint shows Liquid's double braces as they are typed.
            await Assertions.Expect(editor.GetByText("可用变量")).ToContainTextAsync("{{ customer.name }}、{{ customer.tier }}");

            // A bad template is refused on its channel, nothing saved.
            await editor.GetByTestId("campaign-name").FillAsync(Name);
            await editor.GetByTestId("campaign-segment").SelectOptionAsync(segmentId);
            var wechat = editor.GetByTestId("campaign-channel").First;
            await wechat.GetByTestId("channel-account").FillAsync("brand");
            await wechat.GetByTestId("channel-text").FillAsync("{{ customer.name 您好");
            await editor.GetByTestId("quiet-start").FillAsync("00:00");
            await editor.GetByTestId("quiet-end").FillAsync("00:00");
            await editor.GetByTestId("save-campaign").ClickAsync();
            await Assertions.Expect(wechat.GetByRole(AriaRole.Alert)).ToContainTextAsync("Liquid");
            (await marketer.GetFromJsonAsync<JsonElement>("/api/v1/campaigns", Ct)).EnumerateArray().ShouldNotContain(c => c.GetProperty("name").GetString() == Name);

            await wechat.GetByTestId("channel-text").FillAsync("{{ customer.name }}您好：{{ campaign.name }}，会员价今晚截止");
            await editor.GetByTestId("save-campaign").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/marketing/campaigns/[0-9a-f-]{36}$"));
            var id = page.Url.Split('/')[^1];
            var saved = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct);
            saved.GetProperty("status").GetString().ShouldBe("draft");
            saved.GetProperty("plan").GetProperty("channels")[0].GetProperty("channel").GetString().ShouldBe("wechat");
            saved.GetProperty("plan").GetProperty("quietHours").GetProperty("start").GetString().ShouldBe("00:00");

            // One recipient's message, as it would go out.
            var recipients = page.GetByTestId("preview-recipient");
            await Assertions.Expect(recipients.Locator("option")).ToHaveCountAsync(6);

            // Recipients are named as the segment's sample names them (contacts masked), never by their customer id.
            var labels = await recipients.Locator("option").EvaluateAllAsync<string[][]>("os => os.map(o => [o.value, o.textContent.trim()])");
            foreach (var l in labels)
            {
                System.Text.RegularExpressions.Regex.IsMatch(l[1], "[0-9a-f]{8}-[0-9a-f]{4}-").ShouldBeFalse(l[1]);
            }

            labels.Select(l => l[1]).Distinct().Count().ShouldBe(6);
            var sample = (await host.PreviewAsync("marketer", """{"fact":"identities","op":"hasAny","values":["wechat","phone"]}""")).GetProperty("sample").EnumerateArray().ToList();
            foreach (var member in sample)
            {
                var label = labels.Single(l => l[0] == member.GetProperty("id").GetString())[1];
                if (member.GetProperty("name").GetString() is { } memberName)
                {
                    label.ShouldContain(memberName);
                }

                if (member.GetProperty("phone").GetString() is { } maskedPhone)
                {
                    maskedPhone.ShouldContain("*");
                    label.ShouldContain(maskedPhone);
                }
            }
            var result = page.GetByTestId("preview-result");
            foreach (var option in await recipients.Locator("option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"))
            {
                await recipients.SelectOptionAsync(option);
                await page.GetByTestId("preview-show").ClickAsync();
                var api = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/preview?customer={option}", Ct);
                await Assertions.Expect(result).ToHaveAttributeAsync(api.GetProperty("channel").GetString() is null ? "data-held" : "data-channel",
                    api.GetProperty("channel").GetString() ?? api.GetProperty("held").GetString()!);
                if (api.GetProperty("channel").GetString() == "wechat")
                {
                    await Assertions.Expect(result.GetByTestId("preview-text")).ToContainTextAsync($"您好：{Name}，会员价今晚截止");
                    break;
                }
            }

            // The dry run: what the API's dry run says, per channel and per reason.
            await page.GetByTestId("dry-run").ClickAsync();
            var dry = page.GetByTestId("dry-run-result");
            await Assertions.Expect(dry).ToHaveAttributeAsync("data-audience", "6");
            var apiDry = await (await marketer.PostAsync($"/api/v1/campaigns/{id}/dry-run", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
            apiDry.GetProperty("send").GetProperty("wechat").GetInt32().ShouldBe(4);
            apiDry.GetProperty("held").GetProperty("unreachable").GetInt32().ShouldBe(2);
            await Assertions.Expect(dry.GetByTestId("dry-run-send").Locator("tr[data-key=wechat]")).ToHaveAttributeAsync("data-count", "4");
            await Assertions.Expect(dry.GetByTestId("dry-run-held").Locator("tr[data-key=unreachable]")).ToHaveAttributeAsync("data-count", "2");
            await Assertions.Expect(dry.GetByTestId("dry-run-held")).ToContainTextAsync("无可用联系方式");
            host.CampaignTextsTo(Name).ShouldBeEmpty("a dry run sends nothing");

            // Start: progress, then the report, equal to the API's and to what the channel received.
            await page.GetByTestId("start-campaign").ClickAsync();
            await WebHost.EventuallyAsync(async () => (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}", Ct)).GetProperty("status").GetString().ShouldNotBe("draft"));
            await Assertions.Expect(page.GetByTestId("campaign-progress")).ToBeVisibleAsync();
            var report = page.GetByTestId("campaign-report");
            await Assertions.Expect(page.GetByTestId("campaign-run")).ToHaveAttributeAsync("data-status", "completed", new() { Timeout = 60_000 });
            await Assertions.Expect(report).ToHaveAttributeAsync("data-sent", "4");
            await Assertions.Expect(report).ToHaveAttributeAsync("data-held", "2");
            await Assertions.Expect(page.GetByTestId("campaign-progress")).ToHaveAttributeAsync("data-done", "6");
            var apiReport = await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct);
            apiReport.GetProperty("sent").GetInt32().ShouldBe(4);
            apiReport.GetProperty("heldByReason").GetProperty("unreachable").GetInt32().ShouldBe(2);
            await Assertions.Expect(report.GetByTestId("report-sent-by-channel").Locator("tr[data-key=wechat]")).ToHaveAttributeAsync("data-count", "4");
            host.CampaignTextsTo(Name).Order().ShouldBe(Enumerable.Range(0, 4).Select(i => $"oCampaignFan{i}").Order());

            // On the calendar, on the day it started; in the list, completed.
            await Assertions.Expect(page.GetByTestId("campaign-calendar").Locator($"a[data-campaign='{id}']")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("campaign-list").Locator($"li[data-campaign='{id}']")).ToHaveAttributeAsync("data-status", "completed");

            // The settings badge reads the same status as the list.
            await Assertions.Expect(editor.GetByTestId("campaign-status")).ToHaveTextAsync("已完成");

            // A follower orders after the message: the report shows the API's conversions, revenue, cost and ROI.
            var follower = sample.First(m => m.GetProperty("phone").ValueKind == JsonValueKind.Null).GetProperty("id").GetString();
            using (var sales = host.App.ClientFor("admin"))
            {
                var order = await sales.PostAsync("/api/v1/orders", new StringContent(
                    $$"""{"orderId":"CW-{{id[..8]}}","customerId":"{{follower}}","amount":1280.5,"channel":"tmall","occurredAt":"{{DateTimeOffset.UtcNow:O}}"}""",
                    Encoding.UTF8, "application/json"), Ct);
                order.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
            }

            JsonElement results = default;
            await WebHost.EventuallyAsync(async () =>
            {
                results = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report", Ct)).GetProperty("results");
                results.GetProperty("sent").GetProperty("converted").GetInt32().ShouldBe(1);
            });
            results.GetProperty("cost").GetDecimal().ShouldBe(0.20m);
            await page.ReloadAsync();
            await WebHost.WaitInteractiveAsync(page);
            var figures = page.GetByTestId("campaign-results");
            await Assertions.Expect(figures).ToHaveAttributeAsync("data-converted", "1");
            decimal.Parse((await figures.GetAttributeAsync("data-revenue"))!, CultureInfo.InvariantCulture).ShouldBe(results.GetProperty("sent").GetProperty("revenue").GetDecimal());
            decimal.Parse((await figures.GetAttributeAsync("data-cost"))!, CultureInfo.InvariantCulture).ShouldBe(0.20m);
            double.Parse((await figures.GetAttributeAsync("data-roi-t1"))!, CultureInfo.InvariantCulture).ShouldBe(results.GetProperty("roiT1").GetDouble(), 1e-9);
            await Assertions.Expect(figures.GetByTestId("results-revenue")).ToHaveTextAsync("¥1,280.50");
            await Assertions.Expect(figures.GetByTestId("results-roi-t1")).ToHaveTextAsync("640150.0%");
            await Assertions.Expect(figures.GetByTestId("results-by-channel").Locator("tr[data-key=wechat]")).ToHaveAttributeAsync("data-converted", "1");
            (await page.EvaluateAsync<string[]>(MarketingHost.Unlabelled)).ShouldBeEmpty();
            await MarketingHost.DocumentAsync(page, "campaign-report");
        });
        await page.Context.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_marketer_splits_a_campaign_into_two_variants_and_a_holdout_and_a_bad_weight_is_refused_at_its_place()
    {
        const string split = "会员日 A/B";
        using var marketer = host.App.ClientFor("marketer");
        var segment = await (await marketer.PostAsJsonAsync("/api/v1/segments", new
        {
            name = "A/B 测试人群",
            rule = new { fact = "identities", op = "hasAny", values = new[] { "wechat" } },
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var password = await host.PersonAsync("mk.split", "marketer");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_marketer_splits_a_campaign_into_two_variants_and_a_holdout_and_a_bad_weight_is_refused_at_its_place), async () =>
        {
            await WebHost.SignInAsync(page, "mk.split", password);
            await page.GotoAsync("/marketing/campaigns/new");
            await WebHost.WaitInteractiveAsync(page);
            var editor = page.GetByTestId("campaign-editor");
            await editor.GetByTestId("campaign-name").FillAsync(split);
            await editor.GetByTestId("campaign-segment").SelectOptionAsync(segment.GetProperty("id").GetString()!);
            await editor.GetByTestId("campaign-channel").First.GetByTestId("channel-account").FillAsync("brand");
            await editor.GetByTestId("campaign-channel").First.GetByTestId("channel-text").FillAsync("{{ customer.name }}您好，会员日八折");
            await editor.GetByTestId("campaign-holdout").FillAsync("10");
            await editor.GetByTestId("add-variant").ClickAsync();
            var variants = editor.GetByTestId("campaign-variant");
            await Assertions.Expect(variants).ToHaveCountAsync(2);
            await variants.Nth(0).GetByTestId("variant-weight").FillAsync("0");
            await variants.Nth(1).GetByTestId("variant-text").FillAsync("{{ customer.name }}您好，会员日满减");

            // Weight 0 is refused on its variant by the module's plan rules; nothing is saved.
            await editor.GetByTestId("save-campaign").ClickAsync();
            await Assertions.Expect(variants.Nth(0).Locator("[data-path='variants[0].weight']")).ToContainTextAsync("权重为 1–100");
            (await marketer.GetFromJsonAsync<JsonElement>("/api/v1/campaigns", Ct)).EnumerateArray().ShouldNotContain(c => c.GetProperty("name").GetString() == split);

            await variants.Nth(0).GetByTestId("variant-weight").FillAsync("30");
            await editor.GetByTestId("save-campaign").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/marketing/campaigns/[0-9a-f-]{36}$"));
            var plan = (await marketer.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{page.Url.Split('/')[^1]}", Ct)).GetProperty("plan");
            plan.GetProperty("holdout").GetInt32().ShouldBe(10);
            var saved = plan.GetProperty("variants").EnumerateArray().ToList();
            saved.Select(v => (v.GetProperty("name").GetString(), v.GetProperty("weight").GetInt32())).ShouldBe([("A", 30), ("B", 50)]);
            (!saved[0].TryGetProperty("channels", out var own) || own.ValueKind == JsonValueKind.Null).ShouldBeTrue("variant A sends the campaign's own content");
            saved[1].GetProperty("channels")[0].GetProperty("text").GetString().ShouldBe("{{ customer.name }}您好，会员日满减");
            saved[1].GetProperty("channels")[0].GetProperty("account").GetString().ShouldBe("brand");

            // Opened again, the editor shows the split as saved.
            await page.ReloadAsync();
            await WebHost.WaitInteractiveAsync(page);
            await Assertions.Expect(page.GetByTestId("campaign-holdout")).ToHaveValueAsync("10");
            await Assertions.Expect(page.GetByTestId("variant-weight").First).ToHaveValueAsync("30");
            await Assertions.Expect(page.GetByTestId("variant-text").Nth(1)).ToHaveValueAsync("{{ customer.name }}您好，会员日满减");
            (await page.EvaluateAsync<string[]>(MarketingHost.Unlabelled)).ShouldBeEmpty();
        });
        await page.Context.CloseAsync();
    }
}
