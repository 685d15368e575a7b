using Scrm.Leads.Storage;

namespace Scrm.Leads.Pipeline;

/// <summary>The reps' notification list. A dedup key makes a repeated sweep or retry notify once.</summary>
internal static class Notifications
{
    public static void Add(LeadsDbContext db, string recipient, string kind, long? leadId, string dedupKey, string text, long at) =>
        db.Notifications.Add(new NotificationRow { Recipient = recipient, Kind = kind, LeadId = leadId, DedupKey = dedupKey, Text = text, CreatedAt = at });
}
