using Scrm.Platform.Text;

namespace Scrm.Customers.View;

/// <summary>One person in a decision map as submitted; <see cref="Key"/> names them within the request.</summary>
internal sealed record DecisionMapInput(string Key, string Name, string? Title, string Role, int Influence, string? ReportsTo, Guid? PersonId);

/// <summary>The decision map's rules.</summary>
internal static class DecisionMaps
{
    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal)
    {
        "decision_maker", "economic_buyer", "influencer", "champion", "technical_evaluator", "user", "gatekeeper", "blocker",
    };

    public const int MaxPeople = 200;

    /// <summary>Field errors (key → message): unknown roles, influence outside 1–5, unknown or circular reporting lines.</summary>
    public static FieldErrors Validate(IReadOnlyList<DecisionMapInput> people)
    {
        var errors = new FieldErrors();
        if (people.Count > MaxPeople)
        {
            errors.Add("people", CustomerTexts.MapTooLarge, MaxPeople);
            return errors;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < people.Count; i++)
        {
            var p = people[i];
            if (string.IsNullOrWhiteSpace(p.Key) || !keys.Add(p.Key))
            {
                errors.Add($"[{i}].key", CustomerTexts.MapKey);
            }

            if (string.IsNullOrWhiteSpace(p.Name) || p.Name.Length > 200)
            {
                errors.Add($"[{i}].name", CustomerTexts.MapName);
            }

            if (!Roles.Contains(p.Role))
            {
                errors.Add($"[{i}].role", CustomerTexts.MapRole, string.Join(", ", Roles));
            }

            if (p.Influence is < 1 or > 5)
            {
                errors.Add($"[{i}].influence", CustomerTexts.MapInfluence);
            }
        }

        var manager = people.Where(p => p.ReportsTo is not null).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().ReportsTo!, StringComparer.Ordinal);
        for (var i = 0; i < people.Count; i++)
        {
            if (people[i].ReportsTo is not { } boss)
            {
                continue;
            }

            if (!keys.Contains(boss))
            {
                errors.Add($"[{i}].reportsTo", CustomerTexts.MapNobody);
                continue;
            }

            // Walk up the line: coming back to the start is a cycle.
            var seen = new HashSet<string>(StringComparer.Ordinal) { people[i].Key };
            for (var next = boss; next is not null; next = manager.GetValueOrDefault(next))
            {
                if (!seen.Add(next))
                {
                    errors.Add($"[{i}].reportsTo", CustomerTexts.MapCycle);
                    break;
                }
            }
        }

        return errors;
    }
}
