using Scrm.Platform.Calendar;

namespace Scrm.Campaigns.Attribution;

/// <summary>A recipient as results count them: sent (when, on which channel, first click) or in the holdout.</summary>
internal sealed record ResultRecipient(Guid Customer, string? Variant, bool Holdout, string? Channel, long? SentAt, long? ClickedAt);

/// <summary>A cost a marketer entered for the campaign (fen), for one channel or (null) the campaign as a whole.</summary>
public sealed record EnteredCost(string? Channel, long Fen);

/// <summary>A value event: an order of the customer model, or (<paramref name="Lead"/>) a lead won by sales, at its win; amount in fen.</summary>
internal sealed record ResultOrder(Guid Customer, long At, long AmountCents, bool Lead = false);

/// <summary>
/// One group's conversions: recipients, those with an attributed order or won lead, the rate, and the
/// revenue (yuan) of both; <paramref name="LeadsWon"/> counts the attributed won leads.
/// </summary>
internal sealed record ConversionFigures(int Recipients, int Converted, double Rate, decimal Revenue, int LeadsWon = 0);

/// <summary>A variant's conversions and its uplift over the holdout (rate difference, null without a holdout).</summary>
internal sealed record VariantResult(ConversionFigures Figures, double? Uplift);

/// <summary>
/// What a campaign earned. <paramref name="Uplift"/> is the sent group's conversion rate minus the
/// holdout's; <paramref name="IncrementalConversions"/> that difference times the sent; cost is the
/// messages sent times each channel's per-message cost plus the costs entered for the campaign
/// (<paramref name="CostEntered"/>; those for no channel under <c>campaign</c> in the per-channel costs); ROI = (revenue − cost) / cost with revenue
/// from attributed orders placed by the end of day T+1 and T+2 (China time, T the start day).
/// </summary>
internal sealed record CampaignResultsReport(
    int AttributionDays,
    ConversionFigures Sent,
    ConversionFigures? Holdout,
    double? Uplift,
    double? IncrementalConversions,
    decimal Cost,
    IReadOnlyDictionary<string, decimal> CostByChannel,
    IReadOnlyDictionary<string, ConversionFigures> ByChannel,
    decimal RevenueT1,
    decimal RevenueT2,
    double? RoiT1,
    double? RoiT2,
    IReadOnlyDictionary<string, VariantResult> Variants,
    decimal CostEntered = 0);

/// <summary>
/// Attribution of orders and won leads to a campaign, as a pure function. An order (or a lead won) counts for a sent recipient
/// when it is placed after the message and within the window after the message or, when later,
/// their first click; for a holdout recipient, within the window after the campaign started.
/// A customer converts once however many orders they place or leads they win; revenue sums every attributed one.
/// </summary>
internal static class CampaignResults
{
    /// <summary>Costs entered for no channel in particular, in the per-channel costs.</summary>
    public const string WholeCampaign = "campaign";

    public static CampaignResultsReport Build(
        IReadOnlyList<ResultRecipient> recipients, IReadOnlyList<ResultOrder> orders, long startedAt, TimeSpan window,
        IReadOnlyDictionary<string, decimal> costPerMessage, IReadOnlyList<EnteredCost>? entered = null)
    {
        var byCustomer = orders.ToLookup(o => o.Customer);
        var windowMs = (long)window.TotalMilliseconds;
        var attributed = new Dictionary<Guid, List<ResultOrder>>();
        foreach (var r in recipients)
        {
            long from, to;
            if (r.Holdout)
            {
                (from, to) = (startedAt, startedAt + windowMs);
            }
            else if (r.SentAt is { } sent)
            {
                (from, to) = (sent, Math.Max(sent, r.ClickedAt ?? sent) + windowMs);
            }
            else
            {
                continue;
            }

            attributed[r.Customer] = [.. byCustomer[r.Customer].Where(o => o.At > from && o.At <= to)];
        }

        ConversionFigures Figures(IEnumerable<ResultRecipient> group)
        {
            var list = group.ToList();
            var converted = list.Count(r => attributed[r.Customer].Count > 0);
            var revenue = list.Sum(r => attributed[r.Customer].Sum(o => o.AmountCents));
            return new ConversionFigures(list.Count, converted, Rate(converted, list.Count), revenue / 100m, list.Sum(r => attributed[r.Customer].Count(o => o.Lead)));
        }

        var sentGroup = recipients.Where(r => !r.Holdout && r.SentAt is not null).ToList();
        var holdoutGroup = recipients.Where(r => r.Holdout).ToList();
        var sentFigures = Figures(sentGroup);
        var holdout = holdoutGroup.Count > 0 ? Figures(holdoutGroup) : null;
        double? Uplift(ConversionFigures f) => holdout is null ? null : Math.Round(f.Rate - holdout.Rate, 4);
        var uplift = Uplift(sentFigures);

        var costByChannel = sentGroup.GroupBy(r => r.Channel ?? "").OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count() * costPerMessage.GetValueOrDefault(g.Key), StringComparer.Ordinal);
        foreach (var e in entered ?? [])
        {
            var key = e.Channel ?? WholeCampaign;
            costByChannel[key] = costByChannel.GetValueOrDefault(key) + e.Fen / 100m;
        }

        costByChannel = costByChannel.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var cost = costByChannel.Values.Sum();

        var startDay = DateTimeOffset.FromUnixTimeMilliseconds(startedAt).ToOffset(ChinaTime.Offset).Date;
        long EndOfDay(int days) => new DateTimeOffset(startDay.AddDays(days + 1), ChinaTime.Offset).ToUnixTimeMilliseconds();
        decimal RevenueBy(long cutoff) => sentGroup.Sum(r => attributed[r.Customer].Where(o => o.At < cutoff).Sum(o => o.AmountCents)) / 100m;
        var revenueT1 = RevenueBy(EndOfDay(1));
        var revenueT2 = RevenueBy(EndOfDay(2));

        return new CampaignResultsReport(
            (int)Math.Round(window.TotalDays),
            sentFigures,
            holdout,
            uplift,
            uplift is { } u ? Math.Round(u * sentGroup.Count, 2) : null,
            cost,
            costByChannel,
            sentGroup.GroupBy(r => r.Channel ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Figures(g), StringComparer.Ordinal),
            revenueT1,
            revenueT2,
            Roi(revenueT1, cost),
            Roi(revenueT2, cost),
            sentGroup.Where(r => r.Variant is not null).GroupBy(r => r.Variant!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Figures(g) is var f ? new VariantResult(f, Uplift(f)) : null!, StringComparer.Ordinal),
            (entered ?? []).Sum(e => e.Fen) / 100m);
    }

    private static double Rate(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    private static double? Roi(decimal revenue, decimal cost) => cost <= 0 ? null : Math.Round((double)((revenue - cost) / cost), 4);
}
