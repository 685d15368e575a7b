namespace Scrm.Platform.Security;

/// <summary>The roles an API key can carry.</summary>
public static class ScrmRoles
{
    public const string Admin = "admin";
    public const string Marketer = "marketer";
    public const string Community = "community";
    public const string Sales = "sales";
    public const string Ingest = "ingest";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Admin, Marketer, Community, Sales, Ingest,
    };
}

/// <summary>Authorization policies the modules put on their endpoint groups. Admin passes every one.</summary>
public static class ScrmPolicies
{
    public const string Ingest = "scrm:ingest";
    public const string Admin = "scrm:admin";
    public const string Marketing = "scrm:marketing";
    public const string Community = "scrm:community";
    public const string Sales = "scrm:sales";
    /// <summary>Any authenticated key.</summary>
    public const string Staff = "scrm:staff";

    /// <summary>The roles each policy admits.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>
    {
        [Ingest] = [ScrmRoles.Ingest, ScrmRoles.Admin],
        [Admin] = [ScrmRoles.Admin],
        [Marketing] = [ScrmRoles.Marketer, ScrmRoles.Admin],
        [Community] = [ScrmRoles.Community, ScrmRoles.Admin],
        [Sales] = [ScrmRoles.Sales, ScrmRoles.Admin],
        [Staff] = [.. ScrmRoles.All],
    };
}
