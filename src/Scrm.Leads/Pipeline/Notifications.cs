using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scrm.Leads.Storage;
using Scrm.Platform.Text;

namespace Scrm.Leads.Pipeline;

/// <summary>The reps' notification list. A dedup key makes a repeated sweep or retry notify once.</summary>
internal static class Notifications
{
    /// <summary>Adds a notification of <paramref name="kind"/>, its text filled with <paramref name="args"/> (in the order of the kind's holes).</summary>
    public static void Add(LeadsDbContext db, string recipient, NotificationKind kind, LeadsOptions settings, long? leadId, string dedupKey, long at, params object?[] args) =>
        db.Notifications.Add(new NotificationRow
        {
            Recipient = recipient, Kind = kind.Code, LeadId = leadId, DedupKey = dedupKey, Text = kind.Render(settings, args), CreatedAt = at,
        });
}

/// <summary>Refuses to start with configured notification texts that name an unknown kind or hole, saying which.</summary>
internal sealed class NotificationTextsCheck : IValidateOptions<LeadsOptions>
{
    public ValidateOptionsResult Validate(string? name, LeadsOptions options) =>
        NotificationKind.Problems(options.NotificationTexts) is { Count: > 0 } problems
            ? ValidateOptionsResult.Fail(problems.Select(p => $"Scrm:Leads:NotificationTexts: {p}"))
            : ValidateOptionsResult.Success;
}

/// <summary>
/// A kind of notification: its code, its text in both languages, and the names of its holes. A company
/// may word a kind its own way with <c>Scrm:Leads:NotificationTexts:{code}</c>, using the holes by name
/// (<c>您有新线索 #{lead}：{name}</c>); otherwise the text is in <see cref="LeadsOptions.Language"/>.
/// </summary>
internal sealed partial record NotificationKind(string Code, UserText Default, params string[] Holes)
{
    public const int MaxTextLength = 500;

    public static readonly NotificationKind NewLead = new("new-lead", LeadTexts.NewLead, "lead", "hot", "name");
    public static readonly NotificationKind BigDeal = new("big-deal", LeadTexts.BigDeal, "lead", "amount", "owner");
    public static readonly NotificationKind Handover = new("handover", LeadTexts.Handover, "count", "from");
    public static readonly NotificationKind Reminder = new("reminder", LeadTexts.Reminder, "lead", "note");
    public static readonly NotificationKind Overdue = new("overdue", LeadTexts.Overdue, "lead", "owner", "note");
    public static readonly NotificationKind Pooled = new("pooled", LeadTexts.Pooled, "lead");
    public static readonly NotificationKind AtCapacity = new("capacity", LeadTexts.AtCapacity, "lead", "team", "reps");
    public static readonly NotificationKind Escalation = new("escalation", LeadTexts.Escalation, "lead", "owner", "reason");

    public static readonly IReadOnlyList<NotificationKind> All = [NewLead, BigDeal, Handover, Reminder, Overdue, Pooled, AtCapacity, Escalation];

    public string Render(LeadsOptions settings, params object?[] args) =>
        settings.NotificationTexts.TryGetValue(Code, out var text)
            ? Hole().Replace(text, m => Convert.ToString(args[Array.IndexOf(Holes, m.Groups["name"].Value)], System.Globalization.CultureInfo.InvariantCulture) ?? "")
            : Default.In(settings.Language, args);

    /// <summary>What is wrong with configured texts (an unknown kind, a hole the kind does not have, an empty or overlong text); empty when nothing is.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> texts)
    {
        var problems = new List<string>();
        foreach (var (code, text) in texts)
        {
            if (All.FirstOrDefault(k => k.Code == code) is not { } kind)
            {
                problems.Add($"'{code}' is not a notification kind ({string.Join(", ", All.Select(k => k.Code))})");
            }
            else if (string.IsNullOrWhiteSpace(text) || text.Length > MaxTextLength)
            {
                problems.Add($"{code}: the text must have 1 to {MaxTextLength} characters");
            }
            else if (Hole().Matches(text).Select(m => m.Groups["name"].Value).FirstOrDefault(h => !kind.Holes.Contains(h)) is { } unknown)
            {
                problems.Add($"{code}: {{{unknown}}} is not one of its holes ({string.Join(" ", kind.Holes.Select(h => $"{{{h}}}"))})");
            }
        }

        return problems;
    }

    [GeneratedRegex(@"\{(?<name>[a-z]+)\}")]
    private static partial Regex Hole();
}
