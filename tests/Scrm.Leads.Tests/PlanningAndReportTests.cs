using Scrm.Leads.Attribution;
using Scrm.Leads.FollowUps;
using Scrm.Leads.Funnel;
using Scrm.Leads.Scoring;

namespace Scrm.Leads.Tests;

public sealed class PlanningAndReportTests
{
    private static readonly DateTimeOffset Order = new(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void After_an_order_follow_ups_come_on_day_5_and_day_15()
    {
        FollowUpPlanner.AfterOrder(Order).Select(f => f.Due).ShouldBe([Order.AddDays(5), Order.AddDays(15)]);
    }

    [Theory]
    [InlineData("high_value", 25)]
    [InlineData("high_contribution", 6)]
    [InlineData("general", 2)]
    [InlineData(null, 1)]
    public void Regular_visits_follow_the_value_tier(string? tier, int visitsInSixMonths) =>
        FollowUpPlanner.PeriodicVisits(Order, Order.AddMonths(6), tier).Count.ShouldBe(visitsInSixMonths);

    [Fact]
    public void Spacing_keeps_every_seven_day_window_within_the_limit()
    {
        var existing = new[] { Order, Order.AddDays(1) };
        var planned = Enumerable.Range(0, 5).Select(i => new PlannedFollowUp(Order.AddDays(2), FollowUpReason.Holiday, $"h{i}"));
        var spaced = FollowUpPlanner.Space(planned, existing, maxPerWeek: 3);

        var all = existing.Concat(spaced.Select(s => s.Due)).Order().ToList();
        foreach (var start in all)
        {
            all.Count(d => d >= start && d < start.AddDays(7)).ShouldBeLessThanOrEqualTo(3);
        }

        spaced[0].Due.ShouldBe(Order.AddDays(2));
        spaced.Select(s => s.Due).ShouldBeInOrder();
    }

    [Fact]
    public void Holiday_greetings_fall_before_holidays_inside_the_window()
    {
        var plan = FollowUpPlanner.Holidays([(new DateOnly(2027, 2, 6), "春节"), (new DateOnly(2027, 9, 15), "中秋节")], Order, Order.AddMonths(6), TimeSpan.FromDays(3));
        plan.ShouldHaveSingleItem().Note.ShouldBe("春节 greetings");
    }

    [Theory]
    [InlineData("web", true, true, true, "high_value", 3, true, 99, true)]
    [InlineData("weibo", false, false, false, null, 0, false, 5, false)]
    [InlineData("wechat", true, false, false, "general", 10, false, 40, false)]
    public void Lead_scores_add_up_their_explained_parts(string channel, bool phone, bool email, bool company, string? tier, int interactions, bool intent, int score, bool hot)
    {
        var (s, h, breakdown) = LeadScore.Compute(new LeadSignals(channel, phone, email, company, tier, interactions, intent), new ScoringWeights());
        s.ShouldBe(Math.Min(100, score));
        h.ShouldBe(hot);
        breakdown.Sum(b => int.Parse(b[(b.LastIndexOf('+') + 1)..])).ShouldBe(score);
    }

    [Fact]
    public void The_channel_report_matches_an_independent_count_on_generated_data()
    {
        var random = new Random(42);
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var to = from.AddDays(7);
        var channels = new[] { "web", "wechat", "weibo" };
        var stages = new[] { LeadStage.Lead, LeadStage.Prospect, LeadStage.Opportunity, LeadStage.Won, LeadStage.Lost };
        var leads = Enumerable.Range(0, 2_000).Select(_ =>
        {
            var created = from.AddDays(-2).AddMinutes(random.Next(0, 60 * 24 * 11));
            var reached = stages[random.Next(stages.Length)];
            var payments = reached == LeadStage.Won
                ? new List<(DateTimeOffset, decimal)> { (created.AddHours(random.Next(1, 24 * 12)), random.Next(1, 100) * 100m) }
                : [];
            return new ReportLead(channels[random.Next(channels.Length)], created, reached, payments);
        }).ToList();
        var costs = new Dictionary<string, decimal> { ["web"] = 10_000m, ["wechat"] = 5_000m, ["ads"] = 1_000m };

        var report = ChannelReport.Build(leads, costs, from, to);

        report.Select(r => r.Channel).ShouldBe(["ads", "web", "wechat", "weibo"]);
        foreach (var line in report)
        {
            var mine = leads.Where(l => l.Channel == line.Channel && l.CreatedAt >= from && l.CreatedAt < to).ToList();
            line.Leads.ShouldBe(mine.Count);
            line.Won.ShouldBe(mine.Count(l => l.Reached == LeadStage.Won));
            line.Opportunities.ShouldBe(mine.Count(l => l.Reached is LeadStage.Opportunity or LeadStage.Won));
            line.Prospects.ShouldBe(mine.Count(l => l.Reached is LeadStage.Prospect or LeadStage.Opportunity or LeadStage.Won));
            var revenueT1 = 0m;
            var revenueT2 = 0m;
            foreach (var lead in mine)
            {
                foreach (var (paidAt, amount) in lead.Payments)
                {
                    revenueT1 += paidAt < to.AddDays(1) ? amount : 0;
                    revenueT2 += paidAt < to.AddDays(2) ? amount : 0;
                }
            }

            line.RevenueT1.ShouldBe(revenueT1);
            line.RevenueT2.ShouldBe(revenueT2);
            var cost = costs.GetValueOrDefault(line.Channel);
            line.RoiT2.ShouldBe(cost == 0 ? null : Math.Round((double)((revenueT2 - cost) / cost), 4));
        }
    }
}
