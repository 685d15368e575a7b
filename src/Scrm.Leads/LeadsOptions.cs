using System.ComponentModel.DataAnnotations;
using Scrm.Leads.Funnel;
using Scrm.Leads.Routing;
using Scrm.Leads.Scoring;

namespace Scrm.Leads;

/// <summary><c>Scrm:Leads</c>: teams and routing rules, funnel reasons, SLAs and contact limits.</summary>
public sealed class LeadsOptions
{
    public const string Section = "Scrm:Leads";

    public List<TeamOptions> Teams { get; set; } = [];

    /// <summary>Evaluated in order; the first match picks the team.</summary>
    public List<RuleOptions> Rules { get; set; } = [];

    public string? DefaultTeam { get; set; }

    /// <summary>Why a lead is lost or disqualified; empty means <see cref="Terms.DefaultLossReasons"/> (Chinese names, English aliases).</summary>
    public List<TermOptions> LossReasons { get; set; } = [];

    /// <summary>How a rep contacted a customer; empty means <see cref="Terms.DefaultContactKinds"/>.</summary>
    public List<TermOptions> ContactKinds { get; set; } = [];

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan FirstContactSla { get; set; } = TimeSpan.FromHours(24);

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan HotFirstContactSla { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>An owned lead nobody contacted in this long goes back to the shared pool (公海).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan PoolAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>An overdue follow-up is escalated to the team lead after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan EscalateOverdueAfter { get; set; } = TimeSpan.FromHours(24);

    [Range(1, 50)]
    public int MaxContactsPerWeek { get; set; } = 3;

    /// <summary>Opportunities at or above this amount alert the team lead.</summary>
    [Range(0, double.MaxValue)]
    public decimal BigDealAmount { get; set; } = 500_000m;

    [Range(0, 100)]
    public int HotThreshold { get; set; } = 60;

    /// <summary>How long a rep's hand-entered lead waits to be created and routed before the entry answers 202 instead of 201 with the owner.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:02:00")]
    public TimeSpan EntryRoutedWithin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often reminders, escalations and the pool are swept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The language of notifications: <c>zh-CN</c> (default) or <c>en</c>.</summary>
    [RegularExpression("^(zh-CN|en)$")]
    public string Language { get; set; } = Scrm.Platform.Text.Languages.Chinese;

    /// <summary>
    /// A company's own wording of notifications, by kind (<c>new-lead</c>, <c>big-deal</c>, <c>handover</c>, <c>reminder</c>,
    /// <c>overdue</c>, <c>pooled</c>, <c>capacity</c>, <c>escalation</c>), with the kind's holes by name:
    /// <c>"new-lead": "您有新{hot}线索 #{lead}：{name}，请尽快联系"</c>. A kind not listed keeps the built-in text in <see cref="Language"/>.
    /// </summary>
    public Dictionary<string, string> NotificationTexts { get; set; } = [];

    /// <summary>An outbound webhook that receives every notification as well (a WeCom bot relay, a chat tool, a phone app).</summary>
    public NotificationHookOptions NotificationHook { get; set; } = new();

    /// <summary>The routing plan: the configured rules with <paramref name="teams"/>, or the configured teams.</summary>
    internal RoutingPlan ToPlan(IReadOnlyList<SalesTeam>? teams = null) => new(
        Rules.Select(r => new RoutingRule(r.Name, r.Team, r.Province, r.City, r.Product, r.Channel, r.ValueTier)).ToList(),
        teams ?? Teams.Select(t => new SalesTeam(t.Name, t.Strategy, t.Reps.Select(r => new SalesRep(
            r.Id, r.Weight, r.Capacity, r.Active, r.OutOfOfficeUntil,
            r.WorkFrom is { } from && r.WorkTo is { } to ? new WorkingHours(from, to) : null, r.UtcOffsetHours)).ToList(), t.TeamLead)).ToList(),
        DefaultTeam);

    internal ScoringWeights ToWeights() => new() { HotThreshold = HotThreshold };
}

public sealed class TeamOptions
{
    [Required]
    public string Name { get; set; } = "";

    public RoutingStrategy Strategy { get; set; } = RoutingStrategy.RoundRobin;

    /// <summary>Receives escalations and big-deal alerts.</summary>
    public string? TeamLead { get; set; }

    public List<RepOptions> Reps { get; set; } = [];
}

public sealed class RepOptions
{
    /// <summary>The rep's id: the <c>Name</c> of their API key, so "my leads" finds them.</summary>
    [Required]
    public string Id { get; set; } = "";

    public int Weight { get; set; } = 1;

    public int Capacity { get; set; } = 1_000;

    public bool Active { get; set; } = true;

    public DateTimeOffset? OutOfOfficeUntil { get; set; }

    public TimeOnly? WorkFrom { get; set; }

    public TimeOnly? WorkTo { get; set; }

    public double UtcOffsetHours { get; set; } = 8;
}

public sealed class RuleOptions
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Team { get; set; } = "";

    public string? Province { get; set; }
    public string? City { get; set; }
    public string? Product { get; set; }
    public string? Channel { get; set; }
    public string? ValueTier { get; set; }
}

/// <summary><c>Scrm:Leads:NotificationHook</c>: off until <see cref="Url"/> is set.</summary>
public sealed class NotificationHookOptions
{
    [Url]
    public string? Url { get; set; }

    /// <summary>Signs each body: <c>X-Scrm-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))</c>.</summary>
    public string? Secret { get; set; }

    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; it doubles with each failure, up to an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
