using Scrm.Customers.Directory;

namespace Scrm.Campaigns.Segments.Rules;

/// <summary>What a rule is judged against besides the customer: now, and who is in which team.</summary>
internal sealed record RuleContext(long Now, IReadOnlyDictionary<string, IReadOnlySet<string>> TeamMembers)
{
    public const long Day = 86_400_000;

    public static RuleContext At(DateTimeOffset now) => new(now.ToUnixTimeMilliseconds(), new Dictionary<string, IReadOnlySet<string>>());

    /// <summary>The earliest moment that is still "within the last <paramref name="days"/> days".</summary>
    public long Since(int days) => Now - days * Day;

    public bool InTeams(string? owner, IReadOnlyList<string> teams) =>
        owner is not null && teams.Any(t => TeamMembers.TryGetValue(t, out var members) && members.Contains(owner));

    public bool InAnyTeam(string? owner) => owner is not null && TeamMembers.Values.Any(m => m.Contains(owner));
}

/// <summary>
/// Whether one customer is in a segment: the rule tree judged on the customer's facts. This is the
/// definition of a segment; the fact index must always agree with it. A customer without a value
/// is never <c>in</c> a list (so always <c>notIn</c> it); without a date, a customer matches
/// <c>missing</c> and <c>notWithin</c> (never is not within the last N days), nothing else.
/// </summary>
internal static class RuleEvaluator
{
    public static bool Matches(SegmentRule rule, CustomerFactSheet c, RuleContext context) => rule switch
    {
        AllOf all => all.Rules.All(r => Matches(r, c, context)),
        AnyOf any => any.Rules.Any(r => Matches(r, c, context)),
        NotRule not => !Matches(not.Rule, c, context),
        TextCondition t when t.Fact == TextFact.Team => t.Op switch
        {
            TextOp.In => context.InTeams(c.Owner, t.Values),
            TextOp.NotIn => !context.InTeams(c.Owner, t.Values),
            TextOp.Exists => context.InAnyTeam(c.Owner),
            _ => !context.InAnyTeam(c.Owner),
        },
        TextCondition t => Text(t.Op, t.Values, Value(t.Fact, c)),
        SetCondition s => Set(s.Op, s.Values, Values(s.Fact, c)),
        NumberCondition n => Number(n.Fact, c) is var v && v >= n.Min && v <= n.Max,
        DateCondition d => Date(d, Date(d.Fact, c), context),
        _ => throw new ArgumentOutOfRangeException(nameof(rule)),
    };

    public static string? Value(TextFact fact, CustomerFactSheet c) => fact switch
    {
        TextFact.Tier => c.Tier,
        TextFact.Province => c.Province,
        TextFact.City => c.City,
        TextFact.Source => c.Source,
        TextFact.Owner => c.Owner,
        _ => throw new ArgumentOutOfRangeException(nameof(fact)),
    };

    public static IReadOnlyList<string> Values(SetFact fact, CustomerFactSheet c) => fact switch
    {
        SetFact.Tags => c.Tags,
        SetFact.Identities => c.Identities,
        _ => c.Consent,
    };

    public static long Number(NumberFact fact, CustomerFactSheet c) => fact switch
    {
        NumberFact.OrderCount => c.OrderCount,
        NumberFact.OrderAmount => c.AmountCents,
        NumberFact.Recency => c.R,
        NumberFact.Frequency => c.F,
        _ => c.M,
    };

    public static long? Date(DateFact fact, CustomerFactSheet c) => fact switch
    {
        DateFact.LastOrder => c.LastOrderAt,
        DateFact.LastContact => c.LastContactAt,
        DateFact.LastInbound => c.LastInboundAt,
        _ => c.CreatedAt,
    };

    private static bool Text(TextOp op, IReadOnlyList<string> values, string? value) => op switch
    {
        TextOp.In => value is not null && values.Contains(value, StringComparer.Ordinal),
        TextOp.NotIn => value is null || !values.Contains(value, StringComparer.Ordinal),
        TextOp.Exists => value is not null,
        _ => value is null,
    };

    private static bool Set(SetOp op, IReadOnlyList<string> wanted, IReadOnlyList<string> has) => op switch
    {
        SetOp.HasAny => wanted.Any(w => has.Contains(w, StringComparer.Ordinal)),
        SetOp.HasAll => wanted.All(w => has.Contains(w, StringComparer.Ordinal)),
        _ => !wanted.Any(w => has.Contains(w, StringComparer.Ordinal)),
    };

    private static bool Date(DateCondition d, long? value, RuleContext context) => d.Op switch
    {
        DateOp.Within => value >= context.Since(d.Days),
        DateOp.NotWithin => !(value >= context.Since(d.Days)),
        DateOp.Before => value < d.At,
        DateOp.After => value >= d.At,
        DateOp.Exists => value is not null,
        _ => value is null,
    };
}
