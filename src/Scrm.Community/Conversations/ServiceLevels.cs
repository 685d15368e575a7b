using Scrm.Platform.Calendar;

namespace Scrm.Community.Conversations;

/// <summary>
/// Due times in business hours from the service-level target that decides for a conversation
/// (<see cref="ServiceTargetTable.For"/>). Pure: the calendar is passed in.
/// </summary>
internal static class ServiceLevels
{
    /// <summary>When a conversation opened at <paramref name="openedAt"/> is due to be resolved, or null when no resolution is owed.</summary>
    public static DateTimeOffset? ResolutionDue(ServiceTarget targets, DateTimeOffset openedAt, WorkingCalendar calendar) =>
        targets.Resolution is { } target ? BusinessHours.Add(calendar, WorkingHours.Office, openedAt, target) : null;

    /// <summary>When the first response to a message the customer sent at <paramref name="waitingSince"/> is due, or null when none is owed.</summary>
    public static DateTimeOffset? FirstResponseDue(ServiceTarget targets, DateTimeOffset waitingSince, WorkingCalendar calendar) =>
        targets.FirstResponse is { } target ? BusinessHours.Add(calendar, WorkingHours.Office, waitingSince, target) : null;

    /// <summary>
    /// The moments a wait that began at <paramref name="waitingSince"/> is warned about, breaches and
    /// goes to the manager: shares of the first-response target (0.8, 1 and 2 by default) counted in
    /// business hours. Null when no response is owed.
    /// </summary>
    public static SlaMoments? Moments(ServiceTarget targets, DateTimeOffset waitingSince, WorkingCalendar calendar, double warnShare = 0.8, double managerShare = 2)
    {
        if (targets.FirstResponse is not { } target)
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
