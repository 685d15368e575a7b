using Scrm.Platform.Security;

namespace Scrm.Search;

/// <summary>
/// The caller's data scope as the index applies it: leads and the journal items that became part of
/// them (mentions, messages) carry the lead's owner and follow the scope of leads; customers carry
/// their owner and follow the scope of customers. A document nobody owns (the shared pool) is seen
/// by everyone who may search, as the lead and customer lists show it. The engines apply this inside
/// the query, so totals and facets count only what the caller may see.
/// </summary>
/// <param name="LeadOwners">Owners whose leads, mentions and messages are seen; null: every owner's.</param>
/// <param name="CustomerOwners">Owners whose customers are seen; null: every owner's.</param>
internal sealed record SearchScope(IReadOnlySet<string>? LeadOwners, IReadOnlySet<string>? CustomerOwners)
{
    public static SearchScope All { get; } = new(null, null);

    /// <summary>The document types that follow the scope of leads.</summary>
    public static IReadOnlyList<string> LeadTypes { get; } = [DocumentTypes.Mention, DocumentTypes.Message, DocumentTypes.Lead];

    /// <summary>The document types that follow the scope of customers.</summary>
    public static IReadOnlyList<string> CustomerTypes { get; } = [DocumentTypes.Customer];

    public bool IsAll => LeadOwners is null && CustomerOwners is null;

    /// <summary>The scope of a caller: the owners their leads and customers scopes reach.</summary>
    public static SearchScope Of(Caller caller) =>
        new(caller.Scope(DataResources.Leads).Owners, caller.Scope(DataResources.Customers).Owners);

    /// <summary>
    /// The limits to apply: for each group of types whose scope is not every owner, the owners it
    /// reaches. A document of those types is kept when it has no owner or one of those owners.
    /// </summary>
    public IEnumerable<(IReadOnlyList<string> Types, IReadOnlySet<string> Owners)> Limits()
    {
        if (LeadOwners is { } leads)
        {
            yield return (LeadTypes, leads);
        }

        if (CustomerOwners is { } customers)
        {
            yield return (CustomerTypes, customers);
        }
    }

    /// <summary>Whether the caller may see <paramref name="document"/>: the rule both engines' queries express.</summary>
    public bool Includes(SearchDocument document) =>
        document.Owner is not { } owner
        || Limits().All(l => !l.Types.Contains(document.Type, StringComparer.Ordinal) || l.Owners.Contains(owner));
}
