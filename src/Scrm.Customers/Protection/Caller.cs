using System.Security.Claims;

namespace Scrm.Customers.Protection;

/// <summary>Who is asking: their name (as owners are named) and role.</summary>
public sealed record Caller(string Name, string? Role)
{
    public static Caller Of(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "anonymous", user.FindFirst(ClaimTypes.Role)?.Value);
}
