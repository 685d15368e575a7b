using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Platform.Calendar;

namespace Scrm.Community.Tests;

/// <summary>How a conversation's status, due time and inbox order move as messages arrive.</summary>
public sealed class ConversationRulesTests
{
    public static TheoryData<string, long?, long?, string, long?> Inbound() => new()
    {
        // status before, due before, due of the new message → status after, due after
        { ConversationStatus.Open, null, 5_000, ConversationStatus.Open, 5_000 },
        { ConversationStatus.Open, 3_000, 5_000, ConversationStatus.Open, 3_000 },     // the message waiting longest keeps the clock
        { ConversationStatus.Open, 9_000, 5_000, ConversationStatus.Open, 5_000 },     // a more urgent one (a complaint after praise) brings it forward
        { ConversationStatus.Open, 3_000, null, ConversationStatus.Open, 3_000 },      // spam owes nothing, and takes nothing away
        { ConversationStatus.Pending, 3_000, 5_000, ConversationStatus.Open, 5_000 },  // the customer answered: a new first response is owed
        { ConversationStatus.Resolved, null, 5_000, ConversationStatus.Open, 5_000 },  // reopened by a new message
        { ConversationStatus.Resolved, null, null, ConversationStatus.Open, null },
    };

    [Theory]
    [MemberData(nameof(Inbound))]
    public void A_customer_message_opens_the_conversation_and_sets_what_is_owed(string status, long? dueBefore, long? due, string statusAfter, long? dueAfter)
    {
        var c = new ConversationRow { Status = status, DueAt = dueBefore, LastMessageAt = 1_000, LastInboundAt = 1_000, Messages = 1 };

        ConversationRules.OnInbound(c, 2_000, "question", "neutral", "你好", due);

        c.Status.ShouldBe(statusAfter);
        c.DueAt.ShouldBe(dueAfter);
        c.Messages.ShouldBe(2);
        c.LastInboundAt.ShouldBe(2_000);
        c.Urgency.ShouldBe(dueAfter ?? ConversationRules.Urgency(c));
    }

    [Fact]
    public void Waiting_conversations_come_before_the_others_and_resolved_ones_last()
    {
        var waiting = new ConversationRow { Status = ConversationStatus.Open, DueAt = DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeMilliseconds(), LastMessageAt = 1 };
        var pendingRecent = new ConversationRow { Status = ConversationStatus.Pending, LastMessageAt = 2_000 };
        var pendingOld = new ConversationRow { Status = ConversationStatus.Pending, LastMessageAt = 1_000 };
        var resolved = new ConversationRow { Status = ConversationStatus.Resolved, LastMessageAt = 3_000 };

        long[] order = [.. new[] { resolved, pendingOld, waiting, pendingRecent }.Select(ConversationRules.Urgency)];

        order.Order().ShouldBe([ConversationRules.Urgency(waiting), ConversationRules.Urgency(pendingRecent), ConversationRules.Urgency(pendingOld), ConversationRules.Urgency(resolved)]);
    }

    public static TheoryData<string, string, string?> Targets() => new()
    {
        // intent, sent at (+08:00), first response due (+08:00)
        { "complaint", "2026-03-03T10:00:00+08:00", "2026-03-03T11:00:00+08:00" },
        { "complaint", "2026-03-06T17:30:00+08:00", "2026-03-09T09:30:00+08:00" },   // Friday evening: due Monday morning
        { "question", "2026-02-14T17:00:00+08:00", "2026-02-24T10:00:00+08:00" },    // the worked Saturday before Spring Festival 2026: after the holiday
        { "praise", "2026-03-03T09:00:00+08:00", "2026-03-03T17:00:00+08:00" },
        { "spam", "2026-03-03T10:00:00+08:00", null },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void First_responses_are_due_in_business_hours_by_intent(string intent, string sentAt, string? due)
    {
        var at = ServiceLevels.FirstResponseDue(ServiceTargetTable.Default.For(intent, null, "wechat"), DateTimeOffset.Parse(sentAt, System.Globalization.CultureInfo.InvariantCulture), WorkingCalendar.China);

        at.ShouldBe(due is null ? null : DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture));
    }
}
