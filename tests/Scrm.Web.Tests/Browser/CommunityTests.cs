using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.FakeChannels;

namespace Scrm.Web.Tests.Browser;

/// <summary>The host with a WeChat Official Account whose API is the fake channel server, and one community team of one manager.</summary>
public sealed class CommunityHost : WebHost
{
    public const string Token = "webtest";
    public const string Manager = "community.mgr";

    public FakeChannelServer Channels { get; private set; } = null!;

    protected override async ValueTask<IReadOnlyDictionary<string, string?>> MoreSettingsAsync()
    {
        Channels = await FakeChannelServer.StartAsync();
        return new Dictionary<string, string?>
        {
            ["Scrm:Connectors:WeChat:Accounts:brand:AppId"] = "wx00000000000web01",
            ["Scrm:Connectors:WeChat:Accounts:brand:Token"] = Token,
            ["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret",
            ["Scrm:Connectors:WeChat:ApiBaseUrl"] = Channels.WeChat.ToString(),
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Community:Assignment:Teams:0:Name"] = "care",
            ["Scrm:Community:Assignment:Teams:0:Agents:0:Id"] = Manager,
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Channels is not null)
        {
            await Channels.DisposeAsync();
        }
    }

    /// <summary>A customer writes to the Official Account: a signed plain-mode callback, as the platform sends it.</summary>
    public async Task SendWeChatTextAsync(string from, long msgId, string text)
    {
        var now = DateTimeOffset.UtcNow;
        var xml = $"<xml><ToUserName><![CDATA[gh_web]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{now.ToUnixTimeSeconds()}</CreateTime>" +
                  $"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content><MsgId>{msgId}</MsgId></xml>";
        var ts = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Random.Shared.Next(100_000_000, 999_999_999).ToString(CultureInfo.InvariantCulture);
        using var client = App.CreateClient();
        var response = await client.PostAsync($"/connectors/wechat/brand?signature={CallbackSignature.Compute(Token, ts, nonce)}&timestamp={ts}&nonce={nonce}&openid={from}",
            new StringContent(xml, Encoding.UTF8, "text/xml"), TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>What the fake WeChat API received as customer-service messages to <paramref name="openId"/>.</summary>
    public IReadOnlyList<string?> TextsSentTo(string openId) =>
        [.. Channels.State.CallsTo("custom_send").Where(c => (string?)c.Body["touser"] == openId).Select(c => (string?)c.Body["text"]?["content"])];
}

/// <summary>The community workspace in a real browser: a WeChat message arrives live, is corrected, answered once through the channel and resolved.</summary>
public sealed class CommunityTests(CommunityHost host) : IClassFixture<CommunityHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 180_000)]
    public async Task A_community_manager_gets_a_wechat_message_live_corrects_its_intent_replies_once_through_the_channel_and_resolves_it()
    {
        var password = await host.PersonAsync(CommunityHost.Manager, "community");
        var page = await host.NewPageAsync();
        long id = 0;
        await WebHost.ScreenshotOnFailureAsync(page, nameof(A_community_manager_gets_a_wechat_message_live_corrects_its_intent_replies_once_through_the_channel_and_resolves_it), async () =>
        {
            await WebHost.SignInAsync(page, CommunityHost.Manager, password);
            await page.WaitForURLAsync("**/community");
            var inbox = page.GetByTestId("inbox");
            await Assertions.Expect(inbox).Not.ToContainTextAsync("会员价");

            // The customer writes while the page is open: the conversation appears without a reload, with its SLA timer.
            var navigations = 0;
            page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
            await host.SendWeChatTextAsync("oWebCustomer1", 7001, "请问你们的会员价怎么算？");
            var row = inbox.Locator("li[data-conversation]", new() { HasText = "会员价" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            await Assertions.Expect(row.GetByRole(AriaRole.Timer)).ToContainTextAsync("响应剩余");
            navigations.ShouldBe(0);
            id = long.Parse((await row.GetAttributeAsync("data-conversation"))!, CultureInfo.InvariantCulture);

            await row.GetByRole(AriaRole.Link).ClickAsync();
            var conversation = page.GetByTestId("conversation");
            await Assertions.Expect(conversation).ToHaveAttributeAsync("data-conversation", id.ToString(CultureInfo.InvariantCulture));
            await Assertions.Expect(page.GetByTestId("reply-window")).ToContainTextAsync("48 小时回复窗口");

            // One click corrects the intent: on the message, on the inbox row, and stored for the next retrain.
            var intents = conversation.GetByTestId("message-intent");
            var before = await intents.GetAttributeAsync("data-intent");
            var (target, shown) = before == "purchase" ? ("question", "咨询") : ("purchase", "购买意向");
            await intents.GetByRole(AriaRole.Button, new() { Name = shown }).ClickAsync();
            await Assertions.Expect(intents).ToHaveAttributeAsync("data-intent", target);
            await Assertions.Expect(intents.GetByRole(AriaRole.Button, new() { Name = shown })).ToHaveAttributeAsync("aria-pressed", "true");
            await Assertions.Expect(row.GetByTestId("row-intent")).ToHaveTextAsync(shown);

            // The reply goes through the channel once.
            await conversation.GetByLabel("回复内容").FillAsync("您好，会员价为原价的九折。");
            await conversation.GetByRole(AriaRole.Button, new() { Name = "发送回复" }).ClickAsync();
            await Assertions.Expect(conversation.Locator("li[data-direction=out]")).ToContainTextAsync("您好，会员价为原价的九折。");
            await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("待客户回复");

            // An internal note stays inside.
            await conversation.GetByLabel("备注内容（不会发送给客户）").FillAsync("老客户，可以再给优惠券");
            await conversation.GetByRole(AriaRole.Button, new() { Name = "添加内部备注" }).ClickAsync();
            await Assertions.Expect(conversation.Locator("li[data-direction=note]")).ToContainTextAsync("老客户，可以再给优惠券");

            await conversation.GetByRole(AriaRole.Button, new() { Name = "标记为已解决" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("已解决");
            await Assertions.Expect(conversation.GetByRole(AriaRole.Button, new() { Name = "重新打开" })).ToBeVisibleAsync();
        });
        await page.Context.CloseAsync();

        // The channel received the reply exactly once, and never the note (a resolution may be followed by its survey); the API agrees with the page.
        var sent = host.TextsSentTo("oWebCustomer1");
        sent.Count(t => t == "您好，会员价为原价的九折。").ShouldBe(1);
        sent.ShouldNotContain(t => t != null && t.Contains("优惠券", StringComparison.Ordinal));
        using var admin = host.App.ClientFor("admin");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}", Ct);
        detail.GetProperty("conversation").GetProperty("status").GetString().ShouldBe("resolved");
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        messages.Take(3).Select(m => m.GetProperty("direction").GetString()).ShouldBe(["in", "out", "note"]);
        var corrected = messages[0].GetProperty("intent").GetString();
        corrected.ShouldBeOneOf("purchase", "question");
        detail.GetProperty("conversation").GetProperty("intent").GetString().ShouldBe(corrected);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_intent_correction_is_the_apis_too_a_bad_intent_a_missing_message_or_a_stale_version_is_refused_and_changes_nothing()
    {
        await host.SendWeChatTextAsync("oWebCustomer2", 7002, "快递三天还没到，太慢了");
        using var admin = host.App.ClientFor("admin");
        JsonElement row = default;
        await WebHost.EventuallyAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations?channel=wechat", Ct);
            row = page.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("preview").GetString()!.Contains("快递三天", StringComparison.Ordinal));
        });
        var id = row.GetProperty("id").GetInt64();
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}", Ct);
        var message = detail.GetProperty("messages").EnumerateArray().Single();
        var messageId = message.GetProperty("id").GetInt64();
        var intent = message.GetProperty("intent").GetString();
        var version = detail.GetProperty("conversation").GetProperty("version").GetInt32();

        (await admin.PostAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}/intent", new { intent = "angry" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId + 1000}/intent", new { intent = "complaint" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PostAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}/intent", new { intent = "complaint", version = version + 7 }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}", Ct)).GetProperty("messages")[0].GetProperty("intent").GetString().ShouldBe(intent);

        var target = intent == "complaint" ? "question" : "complaint";
        var corrected = await admin.PostAsJsonAsync($"/api/v1/conversations/{id}/messages/{messageId}/intent", new { intent = target, version }, Ct);
        corrected.StatusCode.ShouldBe(HttpStatusCode.OK, await corrected.Content.ReadAsStringAsync(Ct));
        (await corrected.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("intent").GetString().ShouldBe(target);
        (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}", Ct)).GetProperty("messages")[0].GetProperty("intent").GetString().ShouldBe(target);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_main_actions_work_from_the_keyboard_search_next_conversation_reply_and_resolve()
    {
        await host.SendWeChatTextAsync("oWebCustomer3", 7003, "键盘用户：发票怎么开？");
        var password = await host.PersonAsync(CommunityHost.Manager, "community");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(The_main_actions_work_from_the_keyboard_search_next_conversation_reply_and_resolve), async () =>
        {
            await WebHost.SignInAsync(page, CommunityHost.Manager, password);
            await page.WaitForURLAsync("**/community");
            await Assertions.Expect(page.GetByTestId("inbox").Locator("li[data-conversation]", new() { HasText = "发票" })).ToBeVisibleAsync();

            await page.Keyboard.PressAsync("/");
            await Assertions.Expect(page.GetByRole(AriaRole.Searchbox)).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Escape");
            await page.Locator("h1").ClickAsync();

            // j opens the first (most urgent) conversation; r goes to the reply box; e resolves.
            await page.Keyboard.PressAsync("j");
            await page.WaitForURLAsync("**/community/conversations/*");
            var conversation = page.GetByTestId("conversation");
            await Assertions.Expect(conversation).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("r");
            await Assertions.Expect(conversation.GetByLabel("回复内容")).ToBeFocusedAsync();
            await page.Locator("h1").ClickAsync();
            await page.Keyboard.PressAsync("e");
            await Assertions.Expect(page.GetByTestId("conversation-status")).ToHaveTextAsync("已解决");
        });
        await page.Context.CloseAsync();
    }

    /// <summary>Visible buttons, links, fields and selects with no accessible name (by the usual sources: aria, label, title, text).</summary>
    private const string Unlabelled = """
        () => Array.from(document.querySelectorAll('button, a[href], input, select, textarea, [role=button], [role=checkbox], [role=combobox]'))
          .filter(e => e.type !== 'hidden' && e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
          .filter(e => {
            const byId = (e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)).filter(x => x && x.textContent.trim());
            const forLabel = e.id ? document.querySelector('label[for="' + CSS.escape(e.id) + '"]') : null;
            return !((e.getAttribute('aria-label') || '').trim() || byId.length || (forLabel && forLabel.textContent.trim())
              || (e.closest('label') && e.closest('label').textContent.trim()) || (e.getAttribute('title') || '').trim()
              || (!/^(INPUT|SELECT|TEXTAREA)$/.test(e.tagName) && e.textContent.trim()));
          })
          .map(e => e.outerHTML.slice(0, 160))
        """;

    [Fact(Timeout = 180_000)]
    public async Task Every_control_of_the_workspaces_and_the_admin_console_has_a_label()
    {
        await host.SendWeChatTextAsync("oLabelCustomer", 7101, "标签检查：在吗？");
        var password = await host.PersonAsync("label.admin", "admin");
        var page = await host.NewPageAsync();
        await WebHost.ScreenshotOnFailureAsync(page, nameof(Every_control_of_the_workspaces_and_the_admin_console_has_a_label), async () =>
        {
            await WebHost.SignInAsync(page, "label.admin", password);
            await page.GotoAsync("/community");
            var row = page.GetByTestId("inbox").Locator("li[data-conversation]", new() { HasText = "标签检查" });
            await Assertions.Expect(row).ToBeVisibleAsync();
            var conversation = await row.GetAttributeAsync("data-conversation");

            var missing = new List<string>();
            foreach (var path in new[] { "/sales", $"/community/conversations/{conversation}", "/admin", "/admin/keys", "/admin/audit", "/admin/journal", "/search?q=" + Uri.EscapeDataString("在吗") })
            {
                await page.GotoAsync(path);
                await WebHost.WaitInteractiveAsync(page);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                var found = await page.EvaluateAsync<string[]>(Unlabelled);
                missing.AddRange(found.Select(f => $"{path}: {f}"));
            }

            missing.ShouldBeEmpty();

            // The check sees an unlabelled control when there is one.
            await page.EvaluateAsync("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=probe><button id=probe-button></button>')");
            (await page.EvaluateAsync<string[]>(Unlabelled)).Length.ShouldBe(2);
        });
        await page.Context.CloseAsync();
    }
}
