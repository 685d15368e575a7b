using System.ComponentModel.DataAnnotations;

namespace Scrm.Campaigns;

/// <summary><c>Scrm:Campaigns</c>: how the segment fact index follows the customer change feed, and how campaigns send.</summary>
internal sealed class CampaignsOptions
{
    public const string Section = "Scrm:Campaigns";

    /// <summary>How often the index asks for customer changes once it has caught up.</summary>
    public TimeSpan IndexPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Changes younger than this are read on a later poll, so that a transaction still committing with an earlier stamp is not skipped.</summary>
    public TimeSpan IndexSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    [Range(100, 50_000)]
    public int IndexBatchSize { get; set; } = 5_000;

    /// <summary>How long a segment request waits for the index's first load before answering 503.</summary>
    public TimeSpan IndexStartWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many marketing messages per customer in <see cref="FrequencyWindow"/>, across campaigns and channels.</summary>
    [Range(1, 1_000)]
    public int FrequencyCap { get; set; } = 2;

    public TimeSpan FrequencyWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Default quiet hours, China time (HH:mm); a campaign may set its own. Equal: none.</summary>
    public string QuietHoursStart { get; set; } = "21:00";

    public string QuietHoursEnd { get; set; } = "08:00";

    /// <summary>How often the sender looks for due and running campaigns when it has nothing to do.</summary>
    public TimeSpan SendPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Recipients claimed (and checked against the cap) per transaction.</summary>
    [Range(1, 5_000)]
    public int SendBatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once per campaign.</summary>
    [Range(1, 256)]
    public int SendParallelism { get; set; } = 8;

    /// <summary>Messages per second per channel (<c>wechat</c>, <c>wecom</c>, <c>sms</c>, <c>email</c>); channels not listed get <see cref="DefaultRate"/>.</summary>
    public Dictionary<string, int> Rates { get; set; } = new(StringComparer.Ordinal);

    [Range(1, 100_000)]
    public int DefaultRate { get; set; } = 50;

    /// <summary>A send the channel asked to retry later is tried this many times before it counts as failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// The address customers reach this host at (e.g. <c>https://crm.example.com/</c>): unsubscribe links
    /// (<c>/u/…</c>) and tracked links (<c>/l/…</c>) in messages start with it. Unset, links point at
    /// <see cref="LocalBaseUrl"/>, which no customer can open: in Production a campaign with links is refused.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Where links point while <see cref="PublicBaseUrl"/> is unset (development and tests).</summary>
    public static readonly Uri LocalBaseUrl = new("http://localhost:5000/");

    /// <summary>The configured public address, or null when unset (empty) or not an absolute http(s) address.</summary>
    public Uri? PublicBase => string.IsNullOrWhiteSpace(PublicBaseUrl) ? null
        : Uri.TryCreate(PublicBaseUrl.EndsWith('/') ? PublicBaseUrl : PublicBaseUrl + "/", UriKind.Absolute, out var url) && url.Scheme is "https" or "http" ? url : null;

    public Uri LinkBase => PublicBase ?? LocalBaseUrl;

    /// <summary>An order counts for a campaign when placed within this long after the message (or the recipient's first click, when later).</summary>
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>What one message costs per channel (<c>sms</c>, <c>email</c>, <c>wechat</c>, <c>wecom</c>), in yuan; channels not listed cost nothing.</summary>
    public Dictionary<string, decimal> MessageCosts { get; set; } = new(StringComparer.Ordinal);

    public SmsOptions Sms { get; set; } = new();

    public EmailOptions Email { get; set; } = new();
}

/// <summary><c>Scrm:Campaigns:Sms</c>: the HTTP SMS gateway.</summary>
internal sealed class SmsOptions
{
    public Uri? GatewayUrl { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The 【brand】 signature carriers require at the start of marketing SMS.</summary>
    public string Signature { get; set; } = "";

    /// <summary>Appended to every marketing SMS.</summary>
    public string OptOutHint { get; set; } = " 回T退订";

    public override string ToString() => $"SMS gateway {GatewayUrl}";
}

/// <summary><c>Scrm:Campaigns:Email</c>: the SMTP server campaign e-mail goes out through.</summary>
internal sealed class EmailOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    public bool StartTls { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>品牌 &lt;news@example.com&gt;</c>.</summary>
    public string? From { get; set; }

    public override string ToString() => $"SMTP {Host}:{Port}";
}
