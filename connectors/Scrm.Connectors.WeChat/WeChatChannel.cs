namespace Scrm.Connectors.WeChat;

internal static class WeChatChannel
{
    /// <summary>The channel name in the journal.</summary>
    public const string Name = "wechat";
}
