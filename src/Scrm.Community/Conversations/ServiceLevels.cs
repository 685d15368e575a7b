using Scrm.Platform.Calendar;

namespace Scrm.Community.Conversations;

/// <summary>
/// First-response targets in business hours, by what the customer wants: a complaint or a buyer is
/// answered first, praise can wait, spam waits for no one. Pure: the calendar is passed in.
/// </summary>
internal static class ServiceLevels
{
    public static TimeSpan? FirstResponseTarget(string? intent) => intent switch
    {
        "complaint" => TimeSpan.FromHours(1),
        "purchase" => TimeSpan.FromHours(1),
        "question" => TimeSpan.FromHours(2),
        "praise" => TimeSpan.FromHours(8),
        "spam" => null,
        _ => TimeSpan.FromHours(4),
    };

    /// <summary>Resolution targets in business hours, from the conversation's opening: a complaint or a buyer within a working day, a question within two.</summary>
    public static TimeSpan? ResolutionTarget(string? intent) => intent switch
    {
        "complaint" => TimeSpan.FromHours(8),
        "purchase" => TimeSpan.FromHours(8),
        "question" => TimeSpan.FromHours(16),
        "praise" => TimeSpan.FromHours(40),
        "spam" => null,
        _ => TimeSpan.FromHours(24),
    };

    /// <summary>When a conversation opened at <paramref name="openedAt"/> is due to be resolved, or null when no resolution is owed.</summary>
    public static DateTimeOffset? ResolutionDue(string? intent, DateTimeOffset openedAt, WorkingCalendar calendar) =>
        ResolutionTarget(intent) is { } target ? BusinessHours.Add(calendar, WorkingHours.Office, openedAt, target) : null;

    /// <summary>When the first response to a message the customer sent at <paramref name="waitingSince"/> is due, or null when none is owed.</summary>
    public static DateTimeOffset? FirstResponseDue(string? intent, DateTimeOffset waitingSince, WorkingCalendar calendar) =>
        FirstResponseTarget(intent) is { } target ? BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target) : null;

    /// <summary>
    /// The moments a wait that began at <paramref name="waitingSince"/> is warned about, breaches and
    /// goes to the manager: shares of the first-response target (0.8, 1 and 2 by default) counted in
    /// business hours. Null when no response is owed.
    /// </summary>
    public static SlaMoments? Moments(string? intent, DateTimeOffset waitingSince, WorkingCalendar calendar, double warnShare = 0.8, double managerShare = 2)
    {
        if (FirstResponseTarget(intent) is not { } target)
        {
            return null;
        }

        return new SlaMoments(
            BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target * warnShare),
            BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target),
            BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target * managerShare),
            target);
    }
}

/// <summary>When a waiting customer's first response is warned about (80 %), late (100 %: the team lead hears) and very late (the manager hears).</summary>
internal sealed record SlaMoments(DateTimeOffset WarnAt, DateTimeOffset DueAt, DateTimeOffset ManagerAt, TimeSpan Target);
