using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Scrm.Access.People;
using Scrm.Access.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;

namespace Scrm.Access.Keys;

/// <summary>An API key as the admin API lists it (never the key itself).</summary>
internal sealed record ApiKeyView(string Id, string Name, string Owner, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created: <see cref="Key"/> is shown this once.</summary>
internal sealed record CreatedKey(ApiKeyView Info, string Key);

/// <summary>Creates, lists and revokes API keys; a revoked key is refused by this replica at once.</summary>
internal sealed class ApiKeys(IDbContextFactory<AccessDbContext> contexts, AccessDirectory directory, AuditOutbox audit, TimeProvider time)
{
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string? owner, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.ApiKeys.AsNoTracking();
        if (owner is not null)
        {
            query = query.Where(k => k.Owner == owner);
        }

        var rows = await query.OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        var snapshot = directory.Current;
        return rows.ConvertAll(r => View(r, snapshot.Keys.GetValueOrDefault(r.Digest)?.LastUsed));
    }

    /// <summary>A new key for <paramref name="owner"/> acting with <paramref name="roles"/>; null when the owner does not exist.</summary>
    public async Task<CreatedKey?> CreateAsync(string owner, string name, IReadOnlyList<string> roles, string by, CancellationToken cancellationToken)
    {
        var key = "scrm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var row = await AddAsync(key, owner, name, roles, by, cancellationToken);
        return row is null ? null : new CreatedKey(View(row, null), key);
    }

    internal async Task<ApiKeyRow?> AddAsync(string key, string owner, string name, IReadOnlyList<string> roles, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == owner, cancellationToken))
        {
            return null;
        }

        var row = NewRow(key, owner, name, roles, by, time.GetUtcNow().ToUnixTimeMilliseconds());
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.ApiKeys.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            await audit.AddAsync(db.Database, new AuditEvent(by, "key.create", "api-key", row.Id, Json.Object(("owner", owner), ("name", name), ("roles", row.Roles))), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        return row;
    }

    internal static ApiKeyRow NewRow(string key, string owner, string name, IEnumerable<string> roles, string by, long now) => new()
    {
        Id = "k_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
        Digest = ApiKeyAuthenticationHandler.Digest(key)!,
        Name = name,
        Owner = owner,
        Roles = string.Join(',', roles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        CreatedAt = now,
        CreatedBy = by,
    };

    public async Task<bool> RevokeAsync(string id, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var revoked = await db.ApiKeys.Where(k => k.Id == id && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now).SetProperty(k => k.RevokedBy, by), cancellationToken);
            if (revoked == 0)
            {
                return false;
            }

            await audit.AddAsync(db.Database, new AuditEvent(by, "key.revoke", "api-key", id), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await directory.ReloadAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        return true;
    }

    /// <summary>Writes the last-used times seen in memory since the previous flush, one statement per key used.</summary>
    public async Task<int> FlushLastUsedAsync(IDictionary<string, long> flushed, CancellationToken cancellationToken)
    {
        var changed = directory.Current.Keys.Values.Where(k => k.LastUsed > (flushed.TryGetValue(k.Id, out var f) ? f : 0)).ToList();
        if (changed.Count == 0)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        foreach (var key in changed)
        {
            var at = key.LastUsed;
            await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < at))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at), cancellationToken);
            flushed[key.Id] = at;
        }

        return changed.Count;
    }

    private static ApiKeyView View(ApiKeyRow r, long? lastUsed)
    {
        var used = Math.Max(r.LastUsedAt ?? 0, lastUsed ?? 0);
        return new ApiKeyView(r.Id, r.Name, r.Owner, r.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.CreatedBy,
            used > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(used) : null, r.RevokedAt is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null);
    }
}
