using Scrm.Customers.Identity;
using Scrm.Customers.Model;

namespace Scrm.Customers.Merging;

/// <summary>One side of a merge as the planner sees it.</summary>
internal sealed record MergeSide(
    CustomerSnapshot Customer,
    IReadOnlyList<TagRef> Tags,
    IReadOnlyList<ConsentRef> Consents,
    IReadOnlyList<IdentityKey> Identities);

internal readonly record struct TagRef(long Id, string Tag);

internal readonly record struct ConsentRef(long Id, string Channel, long At);

/// <summary>Who owns the merged customer, and the owner who lost out when both had one.</summary>
internal sealed record OwnerDecision(string? Owner, long? OwnerSince, string? DroppedOwner, string Rule);

/// <summary>What a merge changes, decided before anything is written (the preview shows exactly this).</summary>
internal sealed record MergePlan(
    CustomerSnapshot SurvivorAfter,
    OwnerDecision Owner,
    IReadOnlyList<long> TagsToSurvivor,
    IReadOnlyList<long> ConsentsToSurvivor,
    IReadOnlyList<long> ConsentsToMerged,
    IReadOnlyList<string> Warnings);

/// <summary>Pure merge decisions.</summary>
internal static class MergePlanner
{
    /// <summary>
    /// The survivor keeps every known field; empty ones are filled from the merged customer. Tags are
    /// united (a tag both have stays once). For a consent channel both have, the later decision wins.
    /// Ownership follows <see cref="Ownership"/>.
    /// </summary>
    public static MergePlan Plan(MergeSide survivor, MergeSide merged, long now)
    {
        var s = survivor.Customer;
        var m = merged.Customer;
        var owner = Ownership(s, m);
        var fields = ProfileUpdate.ReadFields(s.CustomFields);
        foreach (var (key, value) in ProfileUpdate.ReadFields(m.CustomFields))
        {
            fields.TryAdd(key, value);
        }

        var nameFromMerged = string.IsNullOrWhiteSpace(s.Name) && !string.IsNullOrWhiteSpace(m.Name);
        var companyFromMerged = string.IsNullOrWhiteSpace(s.Company) && !string.IsNullOrWhiteSpace(m.Company);
        var (province, city, regionSource) = Region(s, m);
        var after = s with
        {
            Name = nameFromMerged ? m.Name : s.Name,
            NameKey = nameFromMerged ? m.NameKey : s.NameKey,
            Nickname = Pick(s.Nickname, m.Nickname),
            Company = companyFromMerged ? m.Company : s.Company,
            CompanyKey = companyFromMerged ? m.CompanyKey : s.CompanyKey,
            Title = Pick(s.Title, m.Title),
            Province = province,
            City = city,
            RegionSource = regionSource,
            Source = Pick(s.Source, m.Source),
            Industry = Pick(s.Industry, m.Industry),
            Phone = Pick(s.Phone, m.Phone),
            Email = Pick(s.Email, m.Email),
            CustomFields = ProfileUpdate.WriteFields(fields),
            OwnerId = owner.Owner,
            OwnerSince = owner.OwnerSince,
            CreatedAt = Math.Min(s.CreatedAt, m.CreatedAt),
            UpdatedAt = now,
            LastSalesActivityAt = Max(s.LastSalesActivityAt, m.LastSalesActivityAt),
        };

        var survivorTags = survivor.Tags.Select(t => t.Tag).ToHashSet(StringComparer.Ordinal);
        var tags = merged.Tags.Where(t => !survivorTags.Contains(t.Tag)).Select(t => t.Id).ToList();

        var toSurvivor = new List<long>();
        var toMerged = new List<long>();
        foreach (var consent in merged.Consents)
        {
            var mine = survivor.Consents.Where(c => c.Channel == consent.Channel).ToList();
            if (mine.Count == 0)
            {
                toSurvivor.Add(consent.Id);
            }
            else if (mine.TrueForAll(c => c.At < consent.At))
            {
                toSurvivor.Add(consent.Id);
                toMerged.AddRange(mine.Select(c => c.Id));
            }
        }

        var warnings = new List<string>();
        foreach (var key in merged.Identities.Where(k => IdentityTypes.IsSingleValued(k.Type)))
        {
            if (survivor.Identities.Any(k => k.Slot == key.Slot && k.Value != key.Value))
            {
                warnings.Add($"both have a {key.Type}{(key.Account.Length > 0 ? " on " + key.Account : "")}: they may be two people");
            }
        }

        if (owner.DroppedOwner is not null)
        {
            warnings.Add($"ownership conflict: {owner.Owner} keeps the customer, {owner.DroppedOwner} loses it ({owner.Rule})");
        }

        return new MergePlan(after, owner, tags, toSurvivor, toMerged, warnings);
    }

    /// <summary>
    /// Exactly one owner or none. When both have a different owner, the owner of the customer with
    /// the most recent sales activity keeps it (no activity counts as the oldest); on a tie, the
    /// survivor's owner keeps it. The other owner is reported, never silently kept.
    /// </summary>
    public static OwnerDecision Ownership(CustomerSnapshot survivor, CustomerSnapshot merged)
    {
        if (merged.OwnerId is null || merged.OwnerId == survivor.OwnerId)
        {
            return new OwnerDecision(survivor.OwnerId, survivor.OwnerSince, null, "survivor's owner");
        }

        if (survivor.OwnerId is null)
        {
            return new OwnerDecision(merged.OwnerId, merged.OwnerSince, null, "only the merged customer had an owner");
        }

        var mergedMoreRecent = (merged.LastSalesActivityAt ?? long.MinValue) > (survivor.LastSalesActivityAt ?? long.MinValue);
        const string rule = "the owner of the customer with the most recent sales activity keeps it";
        return mergedMoreRecent
            ? new OwnerDecision(merged.OwnerId, merged.OwnerSince, survivor.OwnerId, rule)
            : new OwnerDecision(survivor.OwnerId, survivor.OwnerSince, merged.OwnerId, rule);
    }

    /// <summary>A region someone stated beats one inferred from a phone; between two of a kind, the survivor's.</summary>
    private static (string? Province, string? City, string? Source) Region(CustomerSnapshot s, CustomerSnapshot m)
    {
        var sHas = !string.IsNullOrWhiteSpace(s.Province) || !string.IsNullOrWhiteSpace(s.City);
        var mHas = !string.IsNullOrWhiteSpace(m.Province) || !string.IsNullOrWhiteSpace(m.City);
        return !sHas && mHas || s.RegionSource == RegionSources.Inferred && mHas && m.RegionSource != RegionSources.Inferred
            ? (m.Province, m.City, m.RegionSource)
            : (s.Province, s.City, s.RegionSource);
    }

    private static string? Pick(string? kept, string? other) => string.IsNullOrWhiteSpace(kept) ? other : kept;

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}
