using System.Security.Claims;

namespace Scrm.Platform.Security;

/// <summary>
/// Who is asking and what they may reach: their id (the owner id on leads and customers, which is
/// the user name, or the name of a service account's key), their roles, and the owners whose
/// records they see per resource. Built from the principal the sign-in or the API key produced.
/// </summary>
public sealed record Caller(string Id, IReadOnlySet<string> Roles, IReadOnlyDictionary<string, OwnerScope> Scopes, ChangeScope Changes)
{
    /// <summary>A caller with one role and no scope claims (reaches and changes every record): tools and tests below HTTP.</summary>
    public Caller(string id, string? role)
        : this(id, role is null ? new HashSet<string>() : new HashSet<string>(StringComparer.Ordinal) { role }, EmptyScopes, ChangeScope.All)
    {
    }

    /// <summary>A caller that reaches everything (background work, tools): no filter is applied.</summary>
    public static Caller System { get; } = new("system", new HashSet<string>(StringComparer.Ordinal) { ScrmRoles.Admin }, new Dictionary<string, OwnerScope>(), ChangeScope.All);

    /// <summary>The owner id that "me" means, and the actor recorded on changes and in the audit log.</summary>
    public string Name => Id;

    public bool IsAdmin => Roles.Contains(ScrmRoles.Admin);

    public bool IsIn(string role) => Roles.Contains(role);

    /// <summary>
    /// Whose records of <paramref name="resource"/> the caller sees. A principal that carries no
    /// scope for it (no access module, or a resource it was not given) reaches every record: the
    /// reach is decided when the principal is made, not guessed here.
    /// </summary>
    public OwnerScope Scope(string resource) => Scopes.TryGetValue(resource, out var scope) ? scope : OwnerScope.All;

    /// <summary>The caller of an authenticated request. A principal without a change claim (not made by the access module) changes what it sees.</summary>
    public static Caller Of(ClaimsPrincipal user)
    {
        var id = user.FindFirst(ScrmClaims.UserId)?.Value ?? user.Identity?.Name ?? "anonymous";
        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.FindAll(ClaimTypes.Role))
        {
            roles.Add(claim.Value);
        }

        Dictionary<string, OwnerScope>? scopes = null;
        foreach (var claim in user.FindAll(ScrmClaims.Scope))
        {
            scopes ??= new Dictionary<string, OwnerScope>(StringComparer.Ordinal);
            var (resource, scope) = OwnerScope.Parse(claim.Value);
            scopes[resource] = scope;
        }

        var changes = user.FindFirst(ScrmClaims.Changes)?.Value is { } changeClaim ? ChangeScope.Parse(changeClaim) : ChangeScope.All;
        return new Caller(id, roles, scopes ?? (IReadOnlyDictionary<string, OwnerScope>)EmptyScopes, changes);
    }

    private static readonly Dictionary<string, OwnerScope> EmptyScopes = new(StringComparer.Ordinal);
}

/// <summary>The claims Scrm adds to a principal beside name and roles.</summary>
public static class ScrmClaims
{
    /// <summary>The user (or service account) id, which is also the owner id on records.</summary>
    public const string UserId = "scrm:user";

    /// <summary>The API key's id when the request came with a key.</summary>
    public const string KeyId = "scrm:key";

    /// <summary><c>resource=all</c> or <c>resource=owner1,owner2,...</c>: one per resource.</summary>
    public const string Scope = "scrm:scope";

    /// <summary>Whose records the principal may change: <c>*</c>, or <c>owner1,owner2|team1,team2</c>.</summary>
    public const string Changes = "scrm:changes";
}
