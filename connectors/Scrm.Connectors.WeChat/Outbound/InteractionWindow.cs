namespace Scrm.Connectors.WeChat.Outbound;

/// <summary>
/// WeChat allows customer-service messages only within 48 hours after the customer's last
/// interaction (a message, a follow, a scan, a menu click). Template messages are outside this rule.
/// </summary>
internal static class InteractionWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(48);

    /// <summary>Clock skew tolerated for an interaction stamped slightly in the future.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public static bool IsOpen(DateTimeOffset? lastInboundAt, DateTimeOffset now) =>
        lastInboundAt is { } last && last <= now + Skew && now - last < Length;
}
