using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.WeChat.Outbound;

/// <summary>The Official Account API's error codes, mapped to what a caller should do about them.</summary>
internal static class WeChatErrors
{
    public static SendResult ToResult(TencentReply reply) => reply.ErrCode switch
    {
        0 => new SendResult(SendStatus.Sent, reply.MessageId),
        -1 => Result(SendStatus.Unavailable, reply, "WeChat is busy; send again shortly."),
        40001 or 40014 or 42001 => Result(SendStatus.Unavailable, reply, "WeChat refused a freshly refreshed access token; send again shortly."),
        40013 or 40125 or 40164 or 41002 or 41004 or 48001 or 50001 or 50002 or 61024 =>
            Result(SendStatus.NotConfigured, reply, "The account's AppId, AppSecret, IP whitelist or API permission needs an admin."),
        40003 or 43004 or 43019 or 43101 or 40036 => Result(SendStatus.RecipientUnavailable, reply, "The recipient does not follow the account or does not accept this message."),
        45015 => Result(SendStatus.OutsideWindow, reply, "More than 48 hours since the customer's last interaction."),
        45047 => Result(SendStatus.QuotaExceeded, reply, "Too many customer-service messages since the customer last wrote."),
        45009 => Result(SendStatus.QuotaExceeded, reply, "The account's daily API quota is used up."),
        45011 => Result(SendStatus.RateLimited, reply, "Too many calls this minute."),
        40037 or 40007 or 45002 or 44002 or 47001 or 40008 or 45027 => Result(SendStatus.Rejected, reply, "WeChat refused the message content."),
        _ => Result(SendStatus.Rejected, reply, "WeChat refused the message."),
    };

    private static SendResult Result(SendStatus status, TencentReply reply, string detail) =>
        new(status, null, $"{detail} (errcode {reply.ErrCode})", reply.ErrCode);
}
