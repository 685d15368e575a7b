using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Access.Keys;
using Scrm.Access.Storage;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;

namespace Scrm.Access.People;

/// <summary>The shape of <c>Scrm:Leads:Teams</c>, read here as seed data for teams and their people.</summary>
internal sealed class SeedTeam
{
    public string Name { get; set; } = "";
    public string Strategy { get; set; } = "RoundRobin";
    public string? TeamLead { get; set; }
    public List<SeedRep> Reps { get; set; } = [];
}

internal sealed class SeedRep
{
    public string Id { get; set; } = "";
    public int Weight { get; set; } = 1;
    public int Capacity { get; set; } = 1_000;
    public bool Active { get; set; } = true;
    public DateTimeOffset? OutOfOfficeUntil { get; set; }
    public TimeOnly? WorkFrom { get; set; }
    public TimeOnly? WorkTo { get; set; }
    public double UtcOffsetHours { get; set; } = 8;
}

/// <summary>
/// Runs on every start, after the schema: roles, the reach table, teams named in configuration
/// (with their reps as people), configured API keys (with their owners), and on the first start the
/// admin user with a one-time password and, when no key is configured, an admin key. Anything
/// already stored is left as the admin API made it.
/// </summary>
internal sealed partial class Seeding(
    IDbContextFactory<AccessDbContext> contexts,
    UserManager<AccessUser> users,
    RoleManager<IdentityRole> roles,
    IConfiguration configuration,
    IOptions<AuthOptions> auth,
    IOptions<AccessOptions> options,
    ScrmDatabase database,
    AccessDirectory directory,
    TimeProvider time,
    ILogger<Seeding> log)
{
    public const string AdminUser = "admin";

    /// <summary>The service account that holds the admin key generated on a first start without configured keys.</summary>
    public const string GeneratedAdmin = "generated-admin";

    /// <summary>Where a data directory from before keys were data keeps its generated admin key's digest.</summary>
    public const string GeneratedKeyFile = "admin-api-key.json";

    /// <summary>Who revoked a generated admin key when configured keys replaced it.</summary>
    internal const string SetAsideBy = "configured keys";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var role in ScrmRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)));
            }
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var known = (await db.RoleReach.Select(r => r.Role + "|" + r.Resource).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var (role, byResource) in options.Value.Reach)
            {
                foreach (var resource in DataResources.All)
                {
                    if (!known.Contains(role + "|" + resource))
                    {
                        db.RoleReach.Add(new RoleReachRow { Role = role, Resource = resource, Reach = byResource.GetValueOrDefault(resource, Reach.Own) });
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await SeedTeamsAsync(cancellationToken);
        await SeedKeysAsync(cancellationToken);
        await SeedAdminAsync();
        await directory.ReloadAsync(cancellationToken);
    }

    private async Task SeedTeamsAsync(CancellationToken cancellationToken)
    {
        var teams = configuration.GetSection("Scrm:Leads:Teams").Get<List<SeedTeam>>() ?? [];
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var existing = (await db.Teams.Select(t => t.Name).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var team in teams.Where(t => !string.IsNullOrWhiteSpace(t.Name) && !existing.Contains(t.Name)))
        {
            foreach (var rep in team.Reps)
            {
                await EnsureUserAsync(rep.Id, UserKinds.Person, [ScrmRoles.Sales], u =>
                {
                    u.Active = rep.Active;
                    u.OutOfOfficeUntil = rep.OutOfOfficeUntil?.ToUnixTimeMilliseconds();
                    u.WorkFrom = rep.WorkFrom;
                    u.WorkTo = rep.WorkTo;
                    u.UtcOffsetHours = rep.UtcOffsetHours;
                });
                db.TeamMembers.Add(new TeamMemberRow { Team = team.Name, UserId = rep.Id, Weight = rep.Weight, Capacity = rep.Capacity });
            }

            if (team.TeamLead is { Length: > 0 } lead)
            {
                await EnsureUserAsync(lead, UserKinds.Person, [ScrmRoles.Sales], null);
            }

            db.Teams.Add(new TeamRow { Name = team.Name, Strategy = team.Strategy, Lead = team.TeamLead });
            LogSeededTeam(log, team.Name, team.Reps.Count);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SeedKeysAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var digests = (await db.ApiKeys.Select(k => k.Digest).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var configured = auth.Value.ApiKeys;
        for (var i = 0; i < configured.Count; i++)
        {
            var entry = configured[i];
            var digest = ApiKeyAuthenticationHandler.Digest(entry.Key)!;
            if (digests.Add(digest))
            {
                var owner = entry.Name ?? $"key-{i}";
                await EnsureUserAsync(owner, UserKinds.Service, [entry.Role], null);
                var row = ApiKeys.NewRow(entry.Key, owner, entry.Name ?? $"key-{i}", [entry.Role], "configuration", now);
                db.ApiKeys.Add(row);
            }
        }

        // A data directory from before keys were data keeps its generated admin key's digest in a file.
        var saved = Path.Combine(database.DataDirectory, GeneratedKeyFile);
        var legacy = File.Exists(saved)
            ? JsonDocument.Parse(await File.ReadAllTextAsync(saved, cancellationToken)).RootElement.GetProperty("Sha256").GetString()!.ToLowerInvariant()
            : null;
        if (configured.Count > 0)
        {
            await SetAsideGeneratedKeysAsync(db, legacy, digests, now, cancellationToken);
        }
        else if (!await db.ApiKeys.AnyAsync(k => k.RevokedAt == null, cancellationToken))
        {
            await EnsureUserAsync(GeneratedAdmin, UserKinds.Service, [ScrmRoles.Admin], null);
            if (legacy is not null)
            {
                var row = ApiKeys.NewRow("", GeneratedAdmin, GeneratedAdmin, [ScrmRoles.Admin], "configuration", now);
                row.Digest = legacy;
                db.ApiKeys.Add(row);
            }
            else
            {
                var key = "scrm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
                db.ApiKeys.Add(ApiKeys.NewRow(key, GeneratedAdmin, GeneratedAdmin, [ScrmRoles.Admin], "first start", now));
                // Printed once, on the console only, never through the logging pipeline.
                Console.WriteLine();
                Console.WriteLine("  No API keys are configured, so an admin key was created. It is shown only this once:");
                Console.WriteLine($"    X-Api-Key: {key}");
                Console.WriteLine("  Only its digest is kept; revoke it and create others with the admin API (/api/v1/access/keys).");
                Console.WriteLine();
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var active = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).OrderBy(k => k.CreatedAt).ThenBy(k => k.Name)
            .Select(k => new { k.Name, k.Roles }).ToListAsync(cancellationToken);
        var keys = string.Join(", ", active.Select(k => $"{k.Name} ({k.Roles})"));
        LogKeys(log, active.Count, configured.Count > 0 ? AuthOptions.Section + ":ApiKeys" : "the key store", keys);
    }

    /// <summary>
    /// Configured keys replace the admin key generated on a first start without them: it is revoked
    /// (and a pre-data file's key stored as revoked), so a caller who still presents it is told why.
    /// </summary>
    private async Task SetAsideGeneratedKeysAsync(AccessDbContext db, string? legacy, HashSet<string> digests, long now, CancellationToken cancellationToken)
    {
        var setAside = await db.ApiKeys.Where(k => k.Owner == GeneratedAdmin && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now).SetProperty(k => k.RevokedBy, SetAsideBy), cancellationToken);
        if (legacy is not null && digests.Add(legacy))
        {
            await EnsureUserAsync(GeneratedAdmin, UserKinds.Service, [ScrmRoles.Admin], null);
            var row = ApiKeys.NewRow("", GeneratedAdmin, GeneratedAdmin, [ScrmRoles.Admin], "configuration", now);
            row.Digest = legacy;
            row.RevokedAt = now;
            row.RevokedBy = SetAsideBy;
            db.ApiKeys.Add(row);
            setAside++;
        }

        if (setAside > 0 || await db.ApiKeys.AnyAsync(k => k.Owner == GeneratedAdmin && k.RevokedBy == SetAsideBy, cancellationToken))
        {
            LogGeneratedKeySetAside(log, auth.Value.ApiKeys.Count);
        }
    }

    private async Task SeedAdminAsync()
    {
        if ((await users.GetUsersInRoleAsync(ScrmRoles.Admin)).Any(u => u.Kind == UserKinds.Person) || await users.FindByIdAsync(AdminUser) is not null)
        {
            return;
        }

        var password = OneTimePassword.Create(options.Value.PasswordMinLength);
        var admin = NewUser(AdminUser, UserKinds.Person);
        admin.DisplayName = "管理员";
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, ScrmRoles.Admin));
        Console.WriteLine();
        Console.WriteLine("  The first start created the admin user. Its password is shown only this once:");
        Console.WriteLine($"    user: {AdminUser}    password: {password}");
        Console.WriteLine("  Sign in and change it (POST /api/v1/me/password).");
        Console.WriteLine();
    }

    private async Task EnsureUserAsync(string id, string kind, IReadOnlyList<string> roleNames, Action<AccessUser>? configure)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            user = NewUser(id, kind);
            configure?.Invoke(user);
            Check(await users.CreateAsync(user));
        }

        foreach (var role in roleNames.Where(ScrmRoles.All.Contains))
        {
            if (!await users.IsInRoleAsync(user, role))
            {
                Check(await users.AddToRoleAsync(user, role));
            }
        }
    }

    internal AccessUser NewUser(string id, string kind) => new()
    {
        Id = id,
        UserName = id,
        DisplayName = id,
        Kind = kind,
        CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        LockoutEnabled = true,
    };

    internal static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Seeding people failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} API key(s) accepted, from {Source}: {Keys}")]
    private static partial void LogKeys(ILogger logger, int count, string source, string keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The generated admin key (" + GeneratedKeyFile + " or the first start's) is NOT accepted: Scrm:Auth:ApiKeys configures {Count} key(s), and configured keys replace it. Configure an admin key, or create one with the admin API")]
    private static partial void LogGeneratedKeySetAside(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created team {Team} with {Reps} rep(s) from configuration")]
    private static partial void LogSeededTeam(ILogger logger, string team, int reps);
}

/// <summary>Passwords handed out once (first start, admin reset): random, and within every password rule.</summary>
internal static class OneTimePassword
{
    public static string Create(int minLength)
    {
        const string letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var length = Math.Max(minLength, 16);
        var chars = new char[length];
        for (var i = 0; i < length - 4; i++)
        {
            chars[i] = letters[RandomNumberGenerator.GetInt32(letters.Length)];
        }

        // One of each class the rules ask for.
        chars[^4] = (char)('a' + RandomNumberGenerator.GetInt32(26));
        chars[^3] = (char)('A' + RandomNumberGenerator.GetInt32(26));
        chars[^2] = (char)('2' + RandomNumberGenerator.GetInt32(8));
        chars[^1] = "!#%+-=?@"[RandomNumberGenerator.GetInt32(8)];
        return new string(chars);
    }
}
