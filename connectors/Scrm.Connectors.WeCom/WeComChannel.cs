namespace Scrm.Connectors.WeCom;

internal static class WeComChannel
{
    /// <summary>The channel name in the journal.</summary>
    public const string Name = "wecom";
}
