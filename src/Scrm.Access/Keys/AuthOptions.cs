namespace Scrm.Access.Keys;

/// <summary>
/// <c>Scrm:Auth</c>: API keys given in configuration. They seed the key store on start (a key
/// already there, even revoked, is left as it is); each acts for the user or service account named
/// <see cref="ApiKeyEntry.Name"/> (<c>key-N</c> when unnamed), created when missing.
/// </summary>
internal sealed class AuthOptions
{
    public const string Section = "Scrm:Auth";

    public const int MinimumKeyLength = 24;

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

internal sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>The owner: a rep's user id (so "my leads" finds them) or a service account's name.</summary>
    public string? Name { get; set; }
}
