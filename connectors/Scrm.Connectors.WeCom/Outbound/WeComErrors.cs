using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeCom.Outbound;

/// <summary>The WeCom API's error codes, mapped to what a caller should do about them.</summary>
internal static class WeComErrors
{
    public static SendResult ToResult(TencentReply reply, string? messageId = null) => reply.ErrCode switch
    {
        0 => new SendResult(SendStatus.Sent, messageId),
        -1 => Result(SendStatus.Unavailable, reply, "WeCom is busy; send again shortly."),
        40001 or 40014 or 42001 => Result(SendStatus.Unavailable, reply, "WeCom refused a freshly refreshed access token; send again shortly."),
        40013 or 41004 or 48002 or 60011 or 60020 or 301002 =>
            Result(SendStatus.NotConfigured, reply, "The corporation's CorpId, secret, IP allowlist or API permission needs an admin."),
        40096 or 84061 or 41051 => Result(SendStatus.RecipientUnavailable, reply, "The customer is not this rep's contact or cannot receive this message."),
        95001 => Result(SendStatus.OutsideWindow, reply, "WeChat customer service takes at most 5 messages within 48 hours of the customer's last message."),
        45009 or 45033 => Result(SendStatus.RateLimited, reply, "Too many calls now."),
        41048 or 44004 or 45002 or 47001 or 40058 => Result(SendStatus.Rejected, reply, "WeCom refused the message content."),
        _ => Result(SendStatus.Rejected, reply, "WeCom refused the message."),
    };

    private static SendResult Result(SendStatus status, TencentReply reply, string detail) =>
        new(status, null, $"{detail} (errcode {reply.ErrCode})", reply.ErrCode);
}
