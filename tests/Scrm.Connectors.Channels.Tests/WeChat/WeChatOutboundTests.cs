using Scrm.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.WeChat;
using Scrm.Connectors.WeChat.Outbound;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeChat;

internal static class WeChatOutbound
{
    public static Task<ModuleHost> StartAsync(FakeChannelServer fake, StorageUnderTest? storage = null, TimeProvider? time = null)
    {
        var settings = WeChatDeliveries.Account("brand", safeMode: true);
        settings["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret";
        settings["Scrm:Connectors:WeChat:ApiBaseUrl"] = fake.WeChat.ToString();
        return ModuleHost.StartAsync(storage ?? StorageUnderTest.Sqlite, (s, c) => s.AddScrmIngestion(c).AddScrmWeChatConnector(c), settings, time);
    }

    public static OutboundMessage Text(string key, string text = "您好，已为您登记。") =>
        new("wechat", "brand", "oUser1", key, new TextContent(text)) { LastInboundAt = DateTimeOffset.UtcNow.AddHours(-1) };
}

public sealed class SqliteWeChatOutboundCompliance(PostgresServer postgres) : WeChatOutboundCompliance(postgres, usePostgres: false);

public sealed class PostgresWeChatOutboundCompliance(PostgresServer postgres) : WeChatOutboundCompliance(postgres, usePostgres: true);

public abstract class WeChatOutboundCompliance(PostgresServer postgres, bool usePostgres) : OutboundConnectorCompliance(postgres, usePostgres)
{
    protected override string SendApi => "custom_send";

    protected override IOutboundChannel Channel => Host.Get<IEnumerable<IOutboundChannel>>().Single(c => c.Channel == "wechat");

    protected override Task<ModuleHost> StartHostAsync(FakeChannelServer fake, StorageUnderTest storage) => WeChatOutbound.StartAsync(fake, storage);

    protected override OutboundMessage Message(string key) => WeChatOutbound.Text(key);
}

public sealed class WeChatOutboundTests : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private ModuleHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IOutboundChannel Sender => _host.Get<IEnumerable<IOutboundChannel>>().Single(c => c.Channel == "wechat");

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _host = await WeChatOutbound.StartAsync(_fake);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task Text_image_and_news_go_out_as_customer_service_messages_in_the_documented_shape()
    {
        var window = DateTimeOffset.UtcNow.AddHours(-47);
        (await Sender.SendAsync(WeChatOutbound.Text("t"), Ct)).Status.ShouldBe(SendStatus.Sent);
        (await Sender.SendAsync(new OutboundMessage("wechat", "brand", "oUser1", "i", new ImageContent("MEDIA1")) { LastInboundAt = window }, Ct)).Status.ShouldBe(SendStatus.Sent);
        var news = new NewsContent([new NewsArticle("春季新品", "点击查看", new Uri("https://shop.example.com/spring"), new Uri("https://shop.example.com/p.jpg"))]);
        (await Sender.SendAsync(new OutboundMessage("wechat", "brand", "oUser1", "n", news) { LastInboundAt = window }, Ct)).Status.ShouldBe(SendStatus.Sent);

        var calls = _fake.State.CallsTo("custom_send").Select(c => c.Body).ToList();
        calls.Select(b => (string?)b["msgtype"]).ShouldBe(["text", "image", "news"]);
        calls.ShouldAllBe(b => (string?)b["touser"] == "oUser1");
        ((string?)calls[0]["text"]!["content"]).ShouldBe("您好，已为您登记。");
        ((string?)calls[1]["image"]!["media_id"]).ShouldBe("MEDIA1");
        ((string?)calls[2]["news"]!["articles"]![0]!["url"]).ShouldBe("https://shop.example.com/spring");
    }

    [Fact]
    public async Task Customer_service_messages_outside_the_48_hour_window_are_not_sent()
    {
        var stale = WeChatOutbound.Text("late") with { LastInboundAt = DateTimeOffset.UtcNow.AddHours(-49) };
        var never = WeChatOutbound.Text("never") with { LastInboundAt = null };

        (await Sender.SendAsync(stale, Ct)).Status.ShouldBe(SendStatus.OutsideWindow);
        (await Sender.SendAsync(never, Ct)).Status.ShouldBe(SendStatus.OutsideWindow);
        _fake.State.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Template_messages_go_out_outside_the_window_and_return_the_message_id()
    {
        var template = new TemplateContent("TPL_ORDER", new Dictionary<string, string> { ["first"] = "您的订单已发货", ["keyword1"] = "SO-1001" }, new Uri("https://shop.example.com/o/1001"));

        var result = await Sender.SendAsync(new OutboundMessage("wechat", "brand", "oUser1", "tpl-1", template), Ct);

        result.Status.ShouldBe(SendStatus.Sent);
        result.ChannelMessageId.ShouldNotBeNullOrEmpty();
        var body = _fake.State.CallsTo("template_send").ShouldHaveSingleItem().Body;
        ((string?)body["template_id"]).ShouldBe("TPL_ORDER");
        ((string?)body["data"]!["keyword1"]!["value"]).ShouldBe("SO-1001");
    }

    [Fact]
    public async Task An_expired_token_is_refreshed_once_and_the_send_goes_through()
    {
        (await Sender.SendAsync(WeChatOutbound.Text("before"), Ct)).Status.ShouldBe(SendStatus.Sent);
        _fake.State.ExpireTokens();

        (await Sender.SendAsync(WeChatOutbound.Text("after"), Ct)).Status.ShouldBe(SendStatus.Sent);

        _fake.State.TokenFetches.ShouldBe(2);
        _fake.State.CallsTo("custom_send").Count().ShouldBe(2);
    }

    [Fact]
    public async Task Concurrent_senders_share_one_token_refresh()
    {
        _fake.State.TokenDelay = TimeSpan.FromMilliseconds(300);

        var first = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Sender.SendAsync(WeChatOutbound.Text($"c{i}"), Ct))));
        _fake.State.ExpireTokens();
        var second = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => Sender.SendAsync(WeChatOutbound.Text($"d{i}"), Ct))));

        first.Concat(second).ShouldAllBe(r => r.Status == SendStatus.Sent);
        _fake.State.TokenFetches.ShouldBe(2);
    }

    [Theory]
    [InlineData(43004, SendStatus.RecipientUnavailable)]
    [InlineData(45015, SendStatus.OutsideWindow)]
    [InlineData(45047, SendStatus.QuotaExceeded)]
    [InlineData(45011, SendStatus.RateLimited)]
    [InlineData(45002, SendStatus.Rejected)]
    [InlineData(48001, SendStatus.NotConfigured)]
    public async Task Api_errors_become_clear_outcomes(int errcode, SendStatus status)
    {
        _fake.State.FailNext("custom_send", errcode);

        var result = await Sender.SendAsync(WeChatOutbound.Text($"e{errcode}"), Ct);

        (result.Status, result.ErrorCode).ShouldBe((status, errcode));
    }

    [Fact]
    public async Task A_permanent_refusal_is_remembered_for_the_key_and_not_retried()
    {
        _fake.State.FailNext("custom_send", 43004);

        var first = await Sender.SendAsync(WeChatOutbound.Text("gone"), Ct);
        var retry = await Sender.SendAsync(WeChatOutbound.Text("gone"), Ct);

        first.Status.ShouldBe(SendStatus.RecipientUnavailable);
        retry.Status.ShouldBe(SendStatus.RecipientUnavailable);
        _fake.State.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Content_wechat_cannot_send_is_rejected_before_any_call()
    {
        var tooLong = WeChatOutbound.Text("x", new string('长', WeChatSender.MaxTextLength + 1));
        var twoArticles = WeChatOutbound.Text("y") with
        {
            Content = new NewsContent([new NewsArticle("a", null, new Uri("https://e.com/a"), null), new NewsArticle("b", null, new Uri("https://e.com/b"), null)]),
        };

        (await Sender.SendAsync(tooLong, Ct)).Status.ShouldBe(SendStatus.Rejected);
        (await Sender.SendAsync(twoArticles, Ct)).Status.ShouldBe(SendStatus.Rejected);
        (await Sender.SendAsync(WeChatOutbound.Text("z") with { Account = "nobody" }, Ct)).Status.ShouldBe(SendStatus.NotConfigured);
        _fake.State.TokenFetches.ShouldBe(0);
    }
}

public sealed class InteractionWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, false)]
    [InlineData(0.0, true)]
    [InlineData(-47.99, true)]
    [InlineData(-48.0, false)]
    [InlineData(-72.0, false)]
    [InlineData(0.05, true)]
    [InlineData(1.0, false)]
    public void The_window_is_open_for_48_hours_after_the_last_interaction(double? hoursFromNow, bool open) =>
        InteractionWindow.IsOpen(hoursFromNow is { } h ? Now.AddHours(h) : null, Now).ShouldBe(open);
}
