using System.Globalization;
using Scrm.Community.Conversations;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Tests;

/// <summary>The service-level report's figures from conversation facts, on the shipped calendar (09:00–18:00, UTC+8).</summary>
public sealed class SlaFiguresTests
{
    private static DateTimeOffset At(string local) => DateTimeOffset.Parse(local + "+08:00", CultureInfo.InvariantCulture);

    private static SlaFacts Facts(string intent, string opened, string? replied = null, string? resolved = null, string status = "pending", string? due = null,
        string agent = "agent-a", string channel = "wechat", int escalations = 0, bool inPeriod = true) =>
        new("care", agent, channel, intent, status, At(opened), replied is null ? null : At(replied), resolved is null ? null : At(resolved),
            due is null ? null : At(due), escalations, inPeriod);

    [Theory]
    // A question (2 working hours to respond, 16 to resolve) answered in 30 minutes and resolved the same day: nothing breached.
    [InlineData("question", "2027-03-01T10:00", "2027-03-01T10:30", "2027-03-01T16:00", "resolved", 30.0, false, false)]
    // A complaint (1 hour, 8 hours) answered after 90 minutes: the first response is late.
    [InlineData("complaint", "2027-03-01T10:00", "2027-03-01T11:30", "2027-03-01T12:00", "resolved", 90.0, true, false)]
    // Friday 17:30 to Monday 09:20 is 50 working minutes: on time across the weekend.
    [InlineData("complaint", "2027-03-05T17:30", "2027-03-08T09:20", null, "pending", 50.0, false, false)]
    // A complaint answered at once but not resolved within its working day (the clock reads Tuesday noon).
    [InlineData("complaint", "2027-03-01T10:00", "2027-03-01T10:05", null, "pending", 5.0, false, true)]
    // A question nobody answered and nobody resolved: both late, no response time.
    [InlineData("question", "2027-03-01T10:00", null, null, "open", null, true, false)]
    // Resolved without a reply: the wait ended with the resolution, in time.
    [InlineData("question", "2027-03-01T10:00", null, "2027-03-01T11:00", "resolved", null, false, false)]
    // Spam owes nothing.
    [InlineData("spam", "2027-02-01T10:00", null, null, "open", null, false, false)]
    public void One_conversation_is_measured_against_its_targets_in_working_time(
        string intent, string opened, string? replied, string? resolved, string status, double? minutes, bool firstLate, bool resolutionLate)
    {
        var view = SlaFigures.Build([Facts(intent, opened, replied, resolved, status)], At("2027-01-01T00:00"), At("2027-04-01T00:00"), At("2027-03-02T12:00"), WorkingCalendar.China);

        view.Overall.Conversations.ShouldBe(1);
        view.Overall.FirstResponseMinutesP50.ShouldBe(minutes);
        view.Overall.FirstResponseBreaches.ShouldBe(firstLate ? 1 : 0);
        view.Overall.ResolutionBreaches.ShouldBe(resolutionLate ? 1 : 0);
    }

    [Fact]
    public void Groups_count_their_own_conversations_percentiles_are_nearest_rank_and_overdue_ones_from_before_the_period_count_only_as_open_now()
    {
        var now = At("2027-03-01T15:00");
        SlaFacts[] facts =
        [
            .. Enumerable.Range(1, 10).Select(i => Facts("question", "2027-03-01T10:00", $"2027-03-01T10:{i * 5:00}", agent: "agent-a")),
            Facts("complaint", "2027-03-01T10:00", null, status: "open", due: "2027-03-01T11:00", agent: "agent-b", channel: "weibo", escalations: 2),
            Facts("complaint", "2027-02-01T10:00", null, status: "open", due: "2027-02-01T11:00", agent: "agent-b", channel: "weibo", inPeriod: false),
        ];

        var view = SlaFigures.Build(facts, At("2027-03-01T00:00"), At("2027-03-02T00:00"), now, WorkingCalendar.China);

        view.Overall.ShouldBe(new SlaRow("all", 11, 10, 25.0, 45.0, 1, 0, 2, 2));
        view.ByAgent.Select(r => r.Key).ShouldBe(["agent-a", "agent-b"]);
        view.ByAgent[0].ShouldBe(new SlaRow("agent-a", 10, 10, 25.0, 45.0, 0, 0, 0, 0));
        view.ByAgent[1].ShouldBe(new SlaRow("agent-b", 1, 0, null, null, 1, 0, 2, 2));
        view.ByChannel.Single(r => r.Key == "weibo").OpenBreachingNow.ShouldBe(2);
        view.ByIntent.Single(r => r.Key == "question").Conversations.ShouldBe(10);
        view.ByTeam.Single().Key.ShouldBe("care");
    }

    [Theory]
    [InlineData(new double[] { }, 0.5, null)]
    [InlineData(new double[] { 7 }, 0.9, 7.0)]
    [InlineData(new double[] { 1, 2 }, 0.5, 1.0)]
    [InlineData(new double[] { 1, 2 }, 0.9, 2.0)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9.0)]
    public void Percentiles_are_nearest_rank(double[] sorted, double share, double? expected) =>
        SlaFigures.Percentile(sorted, share).ShouldBe(expected);
}
