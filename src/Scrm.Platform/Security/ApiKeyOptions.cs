namespace Scrm.Platform.Security;

/// <summary><c>Scrm:Auth</c>: the API keys that may call <c>/api/v1</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Scrm:Auth";

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

public sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";

    public string Role { get; set; } = "";

    /// <summary>Shown in audit entries instead of the key.</summary>
    public string? Name { get; set; }
}
