using Scrm.Customers.Value;

namespace Scrm.Leads.FollowUps;

/// <summary>Why a follow-up was planned.</summary>
internal enum FollowUpReason
{
    FirstContact,
    AfterOrder,
    PeriodicVisit,
    Repurchase,
    Holiday,
}

/// <summary>A follow-up to be done by a date.</summary>
internal sealed record PlannedFollowUp(DateTimeOffset Due, FollowUpReason Reason, string Note);

/// <summary>
/// Generates follow-up plans from rules and spaces them so no customer is contacted more than a
/// set number of times in any seven days. Pure: dates in, dates out.
/// </summary>
internal static class FollowUpPlanner
{
    /// <summary>First contact within the SLA: hot leads sooner.</summary>
    public static PlannedFollowUp FirstContact(DateTimeOffset createdAt, bool hot, TimeSpan normalSla, TimeSpan hotSla) =>
        new(createdAt + (hot ? hotSla : normalSla), FollowUpReason.FirstContact, hot ? "hot lead: first contact" : "first contact");

    /// <summary>After an order: day 5 (did it arrive, is it working) and day 15 (satisfaction, next need).</summary>
    public static IReadOnlyList<PlannedFollowUp> AfterOrder(DateTimeOffset orderedAt) =>
    [
        new(orderedAt.AddDays(5), FollowUpReason.AfterOrder, "day 5 after the order: delivery and first use"),
        new(orderedAt.AddDays(15), FollowUpReason.AfterOrder, "day 15 after the order: satisfaction and next need"),
    ];

    /// <summary>Regular visits by value tier: weekly, monthly, quarterly or half-yearly, until <paramref name="until"/>.</summary>
    public static IReadOnlyList<PlannedFollowUp> PeriodicVisits(DateTimeOffset from, DateTimeOffset until, string? valueTier)
    {
        Func<DateTimeOffset, DateTimeOffset> next = valueTier?.ToLowerInvariant() switch
        {
            Tiers.HighValue => d => d.AddDays(7),
            Tiers.HighContribution => d => d.AddMonths(1),
            Tiers.General => d => d.AddMonths(3),
            _ => d => d.AddMonths(6),
        };
        var plan = new List<PlannedFollowUp>();
        for (var due = next(from); due <= until && plan.Count < 100; due = next(due))
        {
            plan.Add(new PlannedFollowUp(due, FollowUpReason.PeriodicVisit, $"regular visit ({valueTier ?? "no tier"})"));
        }

        return plan;
    }

    /// <summary>A reminder a few days before the product is likely to run out.</summary>
    public static PlannedFollowUp Repurchase(DateTimeOffset lastPurchase, TimeSpan cycle, string product, TimeSpan lead) =>
        new(lastPurchase + cycle - lead, FollowUpReason.Repurchase, $"repurchase of {product} due around {(lastPurchase + cycle):yyyy-MM-dd}");

    /// <summary>Greetings before each holiday (Spring Festival, Mid-Autumn…) that falls inside the window.</summary>
    public static IReadOnlyList<PlannedFollowUp> Holidays(IEnumerable<(DateOnly Date, string Name)> calendar, DateTimeOffset from, DateTimeOffset until, TimeSpan before) =>
        calendar
            .Select(h => (Due: new DateTimeOffset(h.Date.ToDateTime(new TimeOnly(9, 0)), from.Offset) - before, h.Name))
            .Where(h => h.Due >= from && h.Due <= until)
            .Select(h => new PlannedFollowUp(h.Due, FollowUpReason.Holiday, $"{h.Name} greetings"))
            .ToList();

    /// <summary>
    /// Moves planned follow-ups later, a day at a time, until no seven-day window holds more than
    /// <paramref name="maxPerWeek"/> contacts (counting the ones already scheduled).
    /// </summary>
    public static IReadOnlyList<PlannedFollowUp> Space(IEnumerable<PlannedFollowUp> planned, IEnumerable<DateTimeOffset> scheduled, int maxPerWeek)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerWeek, 1);
        var taken = scheduled.ToList();
        var result = new List<PlannedFollowUp>();
        foreach (var item in planned.OrderBy(p => p.Due))
        {
            var due = item.Due;
            for (var guard = 0; guard < 366 && Crowded(taken, due, maxPerWeek); guard++)
            {
                due = due.AddDays(1);
            }

            taken.Add(due);
            result.Add(item with { Due = due });
        }

        return result;
    }

    private static bool Crowded(List<DateTimeOffset> taken, DateTimeOffset due, int maxPerWeek)
    {
        // Every 7-day window containing `due` must stay within the limit.
        for (var start = due.AddDays(-6); start <= due; start = start.AddDays(1))
        {
            var end = start.AddDays(7);
            if (taken.Count(t => t >= start && t < end) >= maxPerWeek)
            {
                return true;
            }
        }

        return false;
    }
}
