using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Channels.Tests.WeCom;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeChat;

/// <summary>
/// A person who follows the Official Account and is a rep's WeCom contact becomes one customer: the host
/// looks up the follower's UnionID (cgi-bin/user/info) and the contact's (cgi-bin/externalcontact/get) on
/// the fake channel server, and identity resolution joins the OpenID and the external_userid through it.
/// </summary>
public sealed class UnionIdTests : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ScrmApp _scrm = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        var settings = WeChatDeliveries.Account("brand", safeMode: false);
        settings["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret";
        settings["Scrm:Connectors:WeChat:ApiBaseUrl"] = _fake.WeChat.ToString();
        foreach (var (key, value) in WeComDeliveries.Account("corp", _fake.WeCom.ToString()))
        {
            settings[key] = value;
        }

        _scrm = new ScrmApp(settings: settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _scrm.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private async Task PostAsync(string path, Delivery delivery)
    {
        using var client = _scrm.CreateClient();
        var response = await client.PostAsync(path + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string Subscribe(string openId, DateTimeOffset at) =>
        $"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openId}]]></FromUserName><CreateTime>{at.ToUnixTimeSeconds()}</CreateTime>" +
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>";

    [Fact]
    public async Task A_follower_and_a_wecom_contact_with_one_unionid_become_one_customer_with_both_identities()
    {
        _fake.State.Followers["oFan0001"] = "uUnionFan0001";
        _fake.State.Followers["oOther0002"] = null; // an account not bound to an Open Platform account answers no unionid
        _fake.State.ExternalContacts["wmFan0001"] = "uUnionFan0001";
        var now = DateTimeOffset.UtcNow;

        await PostAsync("/connectors/wechat/brand", WeChatDeliveries.Plain(Subscribe("oFan0001", now), now.ToUnixTimeSeconds()));
        await PostAsync("/connectors/wechat/brand", WeChatDeliveries.Plain(WeChatDeliveries.Text(7001, now, "你好", from: "oFan0001"), now.ToUnixTimeSeconds()));
        await PostAsync("/connectors/wechat/brand", WeChatDeliveries.Plain(WeChatDeliveries.Text(7002, now, "在吗", from: "oOther0002"), now.ToUnixTimeSeconds()));
        await PostAsync("/connectors/wecom/corp", WeComDeliveries.Deliver(WeComDeliveries.Change("add_external_contact", now.ToUnixTimeSeconds(), "zhangsan", "wmFan0001"), now.ToUnixTimeSeconds()));

        using var admin = _scrm.ClientFor("admin");
        var joined = await InboxWaitFor(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/customers?limit=50", Ct);
            foreach (var row in page.GetProperty("items").EnumerateArray())
            {
                var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{row.GetProperty("id").GetGuid()}", Ct);
                var types = view.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ToHashSet();
                if (types.Contains("wechat_openid") && types.Contains("wecom_external_userid"))
                {
                    return (JsonElement?)view;
                }
            }

            return null;
        });

        var identities = joined.GetProperty("identities").EnumerateArray().Select(i => (i.GetProperty("type").GetString(), i.GetProperty("value").GetString())).ToList();
        identities.ShouldContain(("wechat_unionid", "uUnionFan0001"));
        identities.Count(i => i.Item1 == "wechat_openid").ShouldBe(1);
        identities.Count(i => i.Item1 == "wecom_external_userid").ShouldBe(1);

        // One lookup per person while the host runs (the subscribe and the message share it); none for a WeCom message or a kf pull.
        _fake.State.CallsTo("user_info").Select(c => (string?)c.Body["openid"]).ShouldBe(["oFan0001", "oOther0002"], ignoreOrder: true);
        _fake.State.CallsTo("externalcontact_get").Select(c => (string?)c.Body["external_userid"]).ShouldBe(["wmFan0001"]);
    }

    [Fact]
    public async Task A_customer_service_customer_with_the_followers_unionid_joins_the_follower_and_is_looked_up_once()
    {
        _fake.State.Followers["oFanKf01"] = "uUnionKf01";
        _fake.State.KfCustomers["wmKfFan01"] = "uUnionKf01";
        _fake.State.KfCustomers["wmKfUnbound"] = null; // a kf account not bound to a WeChat developer account answers no unionid
        var now = DateTimeOffset.UtcNow;
        JsonObject Kf(string id, string customer, string text) => new()
        {
            ["msgid"] = id, ["open_kfid"] = "wkKfJoin01", ["external_userid"] = customer, ["send_time"] = now.ToUnixTimeSeconds(),
            ["origin"] = 3, ["msgtype"] = "text", ["text"] = new JsonObject { ["content"] = text },
        };
        _fake.State.AddKfMessage(Kf("kf-join-1", "wmKfFan01", "请问有货吗"));
        _fake.State.AddKfMessage(Kf("kf-join-2", "wmKfUnbound", "在吗"));

        await PostAsync("/connectors/wechat/brand", WeChatDeliveries.Plain(Subscribe("oFanKf01", now), now.ToUnixTimeSeconds()));
        await PostAsync("/connectors/wecom/corp", WeComDeliveries.Deliver(KfCallback("kf-join-token-1", now), now.ToUnixTimeSeconds()));
        await PostAsync("/connectors/wecom/corp", WeComDeliveries.Deliver(KfCallback("kf-join-token-2", now), now.ToUnixTimeSeconds()));
        _fake.State.AddKfMessage(Kf("kf-join-3", "wmKfFan01", "多少钱"));
        await PostAsync("/connectors/wecom/corp", WeComDeliveries.Deliver(KfCallback("kf-join-token-3", now), now.ToUnixTimeSeconds()));

        using var admin = _scrm.ClientFor("admin");
        var joined = await InboxWaitFor(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/customers?limit=50", Ct);
            foreach (var row in page.GetProperty("items").EnumerateArray())
            {
                var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{row.GetProperty("id").GetGuid()}", Ct);
                var values = view.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("value").GetString()).ToHashSet();
                if (values.Contains("oFanKf01") && values.Contains("wmKfFan01"))
                {
                    return (JsonElement?)view;
                }
            }

            return null;
        });

        var identities = joined.GetProperty("identities").EnumerateArray().Select(i => (i.GetProperty("type").GetString(), i.GetProperty("value").GetString())).ToList();
        identities.ShouldContain(("wechat_unionid", "uUnionKf01"));
        identities.ShouldContain(("wechat_openid", "oFanKf01"));
        identities.ShouldContain(("wecom_external_userid", "wmKfFan01"));
        identities.ShouldNotContain(i => i.Item2 == "wmKfUnbound");

        // One batchget per kf customer while the host runs, however many messages and pulls; on WeCom's documented contract.
        await InboxWait.UntilAsync(() => _fake.State.KfSyncRequests.Count >= 3 && _fake.State.CallsTo("kf_customer_batchget").Count() >= 2 ? 1 : (int?)null);
        var lookups = _fake.State.CallsTo("kf_customer_batchget").Select(c => c.Body["external_userid_list"]!.AsArray().Select(i => (string?)i).Single()).ToList();
        lookups.ShouldBe(["wmKfFan01", "wmKfUnbound"], ignoreOrder: true);
        _fake.State.CallsTo("externalcontact_get").ShouldBeEmpty();
    }

    private static string KfCallback(string token, DateTimeOffset at) =>
        $"<xml><ToUserName><![CDATA[{WeComDeliveries.CorpId}]]></ToUserName><CreateTime>{at.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[event]]></MsgType>" +
        $"<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[wkKfJoin01]]></OpenKfId></xml>";

    private static async Task<JsonElement> InboxWaitFor(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the follower and the contact were not joined in time");
            await Task.Delay(100, Ct);
        }
    }
}
