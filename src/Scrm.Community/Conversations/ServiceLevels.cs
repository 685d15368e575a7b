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

    /// <summary>When the first response to a message the customer sent at <paramref name="waitingSince"/> is due, or null when none is owed.</summary>
    public static DateTimeOffset? FirstResponseDue(string? intent, DateTimeOffset waitingSince, WorkingCalendar calendar) =>
        FirstResponseTarget(intent) is { } target ? BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target) : null;
}
