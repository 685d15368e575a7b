namespace Scrm.Campaigns.Segments.Rules;

/// <summary>
/// A segment's rule tree: nested and / or / not over conditions on customer facts. Parsed from the
/// JSON a marketer saves (<see cref="RuleParser"/>); evaluated by <see cref="RuleEvaluator"/> on one
/// customer and by the fact index on all of them at once.
/// </summary>
internal abstract record SegmentRule;

/// <summary>Every rule holds (an empty list holds for everyone).</summary>
internal sealed record AllOf(IReadOnlyList<SegmentRule> Rules) : SegmentRule;

/// <summary>At least one rule holds (an empty list holds for no one).</summary>
internal sealed record AnyOf(IReadOnlyList<SegmentRule> Rules) : SegmentRule;

internal sealed record NotRule(SegmentRule Rule) : SegmentRule;

/// <summary>A single-valued text fact (tier, province, city, first source, owner, owner's team).</summary>
internal sealed record TextCondition(TextFact Fact, TextOp Op, IReadOnlyList<string> Values) : SegmentRule;

/// <summary>A many-valued fact (tags, identities present, channels with consent).</summary>
internal sealed record SetCondition(SetFact Fact, SetOp Op, IReadOnlyList<string> Values) : SegmentRule;

/// <summary>A number fact within [<paramref name="Min"/>, <paramref name="Max"/>] (both inclusive); eq, gte and lte are ranges too.</summary>
internal sealed record NumberCondition(NumberFact Fact, long Min, long Max) : SegmentRule;

/// <summary>
/// A date fact: within the last <c>Days</c> days of now, more than <c>Days</c> days ago, before or
/// on/after a moment (<c>At</c>, Unix ms), set or never set. A customer without the date matches
/// only <see cref="DateOp.Missing"/>.
/// </summary>
internal sealed record DateCondition(DateFact Fact, DateOp Op, int Days, long At) : SegmentRule;

internal enum TextFact { Tier, Province, City, Source, Owner, Team }

internal enum TextOp { In, NotIn, Exists, Missing }

internal enum SetFact { Tags, Identities, Consent }

internal enum SetOp { HasAny, HasAll, HasNone }

internal enum NumberFact { OrderCount, OrderAmount, Recency, Frequency, Monetary }

internal enum DateFact { LastOrder, LastContact, LastInbound, Created }

internal enum DateOp { Within, NotWithin, Before, After, Exists, Missing }

/// <summary>The names the JSON uses for facts and operators, and which operators each kind of fact takes.</summary>
internal static class RuleVocabulary
{
    public static readonly IReadOnlyDictionary<string, TextFact> TextFacts = new Dictionary<string, TextFact>(StringComparer.Ordinal)
    {
        ["tier"] = TextFact.Tier,
        ["province"] = TextFact.Province,
        ["city"] = TextFact.City,
        ["source"] = TextFact.Source,
        ["owner"] = TextFact.Owner,
        ["team"] = TextFact.Team,
    };

    public static readonly IReadOnlyDictionary<string, SetFact> SetFacts = new Dictionary<string, SetFact>(StringComparer.Ordinal)
    {
        ["tags"] = SetFact.Tags,
        ["identities"] = SetFact.Identities,
        ["consent"] = SetFact.Consent,
    };

    public static readonly IReadOnlyDictionary<string, NumberFact> NumberFacts = new Dictionary<string, NumberFact>(StringComparer.Ordinal)
    {
        ["orderCount"] = NumberFact.OrderCount,
        ["orderAmount"] = NumberFact.OrderAmount,
        ["rfm.r"] = NumberFact.Recency,
        ["rfm.f"] = NumberFact.Frequency,
        ["rfm.m"] = NumberFact.Monetary,
    };

    public static readonly IReadOnlyDictionary<string, DateFact> DateFacts = new Dictionary<string, DateFact>(StringComparer.Ordinal)
    {
        ["lastOrderAt"] = DateFact.LastOrder,
        ["lastContactAt"] = DateFact.LastContact,
        ["lastInboundAt"] = DateFact.LastInbound,
        ["createdAt"] = DateFact.Created,
    };

    public static readonly IReadOnlyDictionary<string, TextOp> TextOps = new Dictionary<string, TextOp>(StringComparer.Ordinal)
    {
        ["in"] = TextOp.In, ["notIn"] = TextOp.NotIn, ["exists"] = TextOp.Exists, ["missing"] = TextOp.Missing,
    };

    public static readonly IReadOnlyDictionary<string, SetOp> SetOps = new Dictionary<string, SetOp>(StringComparer.Ordinal)
    {
        ["hasAny"] = SetOp.HasAny, ["hasAll"] = SetOp.HasAll, ["hasNone"] = SetOp.HasNone,
    };

    public static readonly IReadOnlyList<string> NumberOps = ["eq", "gte", "lte", "between"];

    public static readonly IReadOnlyDictionary<string, DateOp> DateOps = new Dictionary<string, DateOp>(StringComparer.Ordinal)
    {
        ["within"] = DateOp.Within, ["notWithin"] = DateOp.NotWithin, ["before"] = DateOp.Before, ["after"] = DateOp.After,
        ["exists"] = DateOp.Exists, ["missing"] = DateOp.Missing,
    };

    /// <summary>The identities a customer can have, as the rule names them.</summary>
    public static readonly IReadOnlyList<string> IdentityKinds = ["wechat", "wecom", "phone", "email", "weibo"];

    public static IEnumerable<string> AllFacts =>
        TextFacts.Keys.Concat(SetFacts.Keys).Concat(NumberFacts.Keys).Concat(DateFacts.Keys);
}
