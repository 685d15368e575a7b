using Scrm.Platform.Contacts;

namespace Scrm.Customers.Identity;

/// <summary>What resolution knows about customers while it decides: who holds a key, and who they are.</summary>
internal interface IResolutionState
{
    Guid? HolderOf(IdentityKey key);

    bool IsSharedNumber(string value);

    CustomerFacts Facts(Guid customer);
}

/// <summary>What the rules need to know about an existing customer.</summary>
/// <param name="NameKey">The matching form of the name the person gave (empty when only a nickname is known).</param>
/// <param name="SingleValued">Their identities of single-valued types, by (type, account).</param>
internal sealed record CustomerFacts(Guid Id, string NameKey, long CreatedAt, IReadOnlyDictionary<(string Type, string Account), string> SingleValued);

/// <summary>The decision for one observation.</summary>
/// <param name="Target">The customer it belongs to; null when a new customer is created.</param>
/// <param name="Merge">Other customers the deterministic keys prove to be the same person, merged into the target.</param>
/// <param name="Claim">Keys nobody holds yet, added to the target.</param>
/// <param name="Suggestions">Customers it might be, left for a person to decide (never merged automatically).</param>
/// <param name="SharedNumbers">Numbers now known to be used by different people, never to link anyone again.</param>
internal sealed record Resolution(
    Guid? Target,
    IReadOnlyList<Guid> Merge,
    IReadOnlyList<IdentityKey> Claim,
    IReadOnlyList<Suggestion> Suggestions,
    IReadOnlyList<string> SharedNumbers);

internal sealed record Suggestion(Guid Other, string Reason);

/// <summary>
/// Deterministic identity resolution. The rules, in order:
/// <list type="number">
/// <item>A phone number known to be shared (seen on two people) links nobody.</item>
/// <item>A phone number held by someone whose given name differs from the one this item gives is
/// a shared number (a family phone, a colleague's desk): it is marked shared, does not link, and the
/// holder is suggested.</item>
/// <item>A customer whose single-valued identity (UnionID, OpenID per account, external_userid per
/// corp, CRM id per system) differs from this item's is another person: suggested, not linked.</item>
/// <item>The holder of the strongest remaining key is the customer (UnionID, then CRM id, then channel
/// ids, e-mail, phone, web visitor; ties go to the oldest customer).</item>
/// <item>Other holders of remaining keys are the same person and are merged into it, unless the two
/// carry conflicting single-valued identities (then they are suggested).</item>
/// <item>Keys nobody holds are claimed, unless the customer already fills that single-valued slot.</item>
/// </list>
/// Landlines and 400/800 numbers never reach this point as keys (see <see cref="PhoneKeys"/>).
/// </summary>
internal static class Resolver
{
    public static Resolution Decide(Observation observation, IResolutionState state)
    {
        var suggestions = new List<Suggestion>();
        var shared = new List<string>();
        var nameKey = MatchText.Normalize(observation.Profile.Name);
        var own = SingleValued(observation.Keys);

        // Which keys still link, and to whom.
        var linking = new List<(IdentityKey Key, Guid? Holder)>();
        foreach (var key in observation.Keys.Distinct())
        {
            if (key.Type == IdentityTypes.Phone && state.IsSharedNumber(key.Value))
            {
                continue;
            }

            var holder = state.HolderOf(key);
            if (holder is { } h && key.Type == IdentityTypes.Phone && nameKey.Length > 0)
            {
                var holderName = state.Facts(h).NameKey;
                if (holderName.Length > 0 && holderName != nameKey)
                {
                    shared.Add(key.Value);
                    AddSuggestion(suggestions, h, "same phone number, different name");
                    continue;
                }
            }

            linking.Add((key, holder));
        }

        // Holders that are provably someone else.
        var holders = new List<(Guid Id, int Strength)>();
        foreach (var (key, holder) in linking)
        {
            if (holder is not { } h)
            {
                continue;
            }

            var index = holders.FindIndex(x => x.Id == h);
            var strength = IdentityTypes.Strength(key.Type);
            if (index >= 0)
            {
                holders[index] = (h, Math.Min(holders[index].Strength, strength));
            }
            else
            {
                holders.Add((h, strength));
            }
        }

        var candidates = new List<(CustomerFacts Facts, int Strength)>();
        foreach (var (id, strength) in holders)
        {
            var facts = state.Facts(id);
            if (Conflicts(own, facts.SingleValued))
            {
                AddSuggestion(suggestions, id, "shares an identity but has a different " + ConflictingType(own, facts.SingleValued));
            }
            else
            {
                candidates.Add((facts, strength));
            }
        }

        candidates.Sort((a, b) => a.Strength != b.Strength ? a.Strength.CompareTo(b.Strength)
            : a.Facts.CreatedAt != b.Facts.CreatedAt ? a.Facts.CreatedAt.CompareTo(b.Facts.CreatedAt)
            : a.Facts.Id.CompareTo(b.Facts.Id));

        var merge = new List<Guid>();
        Dictionary<(string, string), string> filled = new(own);
        if (candidates.Count > 0)
        {
            foreach (var (slot, value) in candidates[0].Facts.SingleValued)
            {
                filled[slot] = value;
            }

            foreach (var (facts, _) in candidates.Skip(1))
            {
                if (Conflicts(filled, facts.SingleValued))
                {
                    AddSuggestion(suggestions, facts.Id, "shares an identity but has a different " + ConflictingType(filled, facts.SingleValued));
                    continue;
                }

                merge.Add(facts.Id);
                foreach (var (slot, value) in facts.SingleValued)
                {
                    filled[slot] = value;
                }
            }
        }

        var target = candidates.Count > 0 ? candidates[0].Facts.Id : (Guid?)null;
        var targetSlots = candidates.Count > 0 ? candidates[0].Facts.SingleValued : new Dictionary<(string, string), string>();
        var claim = new List<IdentityKey>();
        foreach (var (key, holder) in linking)
        {
            if (holder is not null || claim.Contains(key))
            {
                continue;
            }

            if (IdentityTypes.IsSingleValued(key.Type)
                && (targetSlots.TryGetValue(key.Slot, out var existing) && existing != key.Value
                    || claim.Any(c => c.Slot == key.Slot)))
            {
                continue;
            }

            claim.Add(key);
        }

        return new Resolution(target, merge, claim, suggestions, shared);
    }

    private static Dictionary<(string, string), string> SingleValued(IEnumerable<IdentityKey> keys)
    {
        var result = new Dictionary<(string, string), string>();
        foreach (var key in keys)
        {
            if (IdentityTypes.IsSingleValued(key.Type))
            {
                result.TryAdd(key.Slot, key.Value);
            }
        }

        return result;
    }

    private static bool Conflicts(IReadOnlyDictionary<(string, string), string> a, IReadOnlyDictionary<(string, string), string> b) =>
        ConflictingType(a, b) is not null;

    private static string? ConflictingType(IReadOnlyDictionary<(string, string), string> a, IReadOnlyDictionary<(string, string), string> b)
    {
        foreach (var (slot, value) in a)
        {
            if (b.TryGetValue(slot, out var other) && other != value)
            {
                return slot.Item1;
            }
        }

        return null;
    }

    private static void AddSuggestion(List<Suggestion> suggestions, Guid other, string reason)
    {
        if (!suggestions.Exists(s => s.Other == other))
        {
            suggestions.Add(new Suggestion(other, reason));
        }
    }
}
