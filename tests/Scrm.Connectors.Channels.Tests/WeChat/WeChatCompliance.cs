using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeChat;

public sealed class WeChatSafeModeCompliance(WeChatSafeModeCompliance.App app)
    : CallbackConnectorCompliance(app), IClassFixture<WeChatSafeModeCompliance.App>
{
    public sealed class App() : ScrmApp(settings: WeChatDeliveries.Account("brand", safeMode: true));

    protected override string Path => "/connectors/wechat/brand";

    protected override string Token => WeChatDeliveries.Token;

    protected override string Message(long id, DateTimeOffset at) => WeChatDeliveries.Text(id, at, "你好，我想了解一下会员价格 🙂");

    protected override Delivery Deliver(string plaintext, long timestamp, string token) => WeChatDeliveries.Safe(plaintext, timestamp, token);

    protected override string KeyFor(long id, DateTimeOffset at) => $"wechat:brand:{id}";
}

public sealed class WeChatPlainModeCompliance(WeChatPlainModeCompliance.App app)
    : CallbackConnectorCompliance(app), IClassFixture<WeChatPlainModeCompliance.App>
{
    public sealed class App() : ScrmApp(settings: WeChatDeliveries.Account("plain", safeMode: false));

    protected override string Path => "/connectors/wechat/plain";

    protected override string Token => WeChatDeliveries.Token;

    protected override string Message(long id, DateTimeOffset at) => WeChatDeliveries.Text(id, at, "产品坏了，三天没人回复！");

    protected override Delivery Deliver(string plaintext, long timestamp, string token) => WeChatDeliveries.Plain(plaintext, timestamp, token);

    protected override string KeyFor(long id, DateTimeOffset at) => $"wechat:plain:{id}";
}
