using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Scrm.Access.Storage;
using Scrm.Platform.Security;

namespace Scrm.Access.People;

/// <summary>A person or service account as the request path sees them.</summary>
internal sealed record Person(string Id, string Kind, IReadOnlySet<string> Roles, string? Manager, bool Active);

/// <summary>An API key as the request path sees it; <see cref="LastUsed"/> is written in memory and flushed now and then.</summary>
internal sealed class KeyInfo(string id, string owner, IReadOnlyList<string> roles, long? lastUsed)
{
    private long _lastUsed = lastUsed ?? 0;

    public string Id { get; } = id;
    public string Owner { get; } = owner;
    public IReadOnlyList<string> Roles { get; } = roles;

    public long LastUsed => Volatile.Read(ref _lastUsed);

    public void Touch(long now) => Volatile.Write(ref _lastUsed, now);
}

/// <summary>
/// People, teams, keys and the reach table, read once into memory and replaced whole when anything
/// changes (here at once, on other replicas at the next refresh). Every request reads it, nobody
/// writes to it; a person's scope claims are computed once per snapshot.
/// </summary>
internal sealed class AccessDirectory(IDbContextFactory<AccessDbContext> contexts) : ITeamDirectory
{
    private Snapshot _current = Snapshot.Empty;

    private static readonly IReadOnlySet<string> NoRoles = new HashSet<string>();

    public IReadOnlyList<TeamInfo> Teams => _current.Teams;

    public IReadOnlySet<string> RolesOf(string id) => _current.People.TryGetValue(id, out var person) && person.Active ? person.Roles : NoRoles;

    internal Snapshot Current => _current;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        var roles = await db.UserRoles.AsNoTracking().Join(db.Roles.AsNoTracking(), ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var members = await db.TeamMembers.AsNoTracking().ToListAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null).ToListAsync(cancellationToken);
        var setAside = await db.ApiKeys.AsNoTracking().Where(k => k.RevokedBy == Seeding.SetAsideBy).Select(k => k.Digest).ToListAsync(cancellationToken);
        var reach = await db.RoleReach.AsNoTracking().ToListAsync(cancellationToken);

        var rolesOf = roles.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.Name!).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var people = users.ToDictionary(
            u => u.Id,
            u => new Person(u.Id, u.Kind, rolesOf.GetValueOrDefault(u.Id) ?? new HashSet<string>(), u.Manager, u.Active),
            StringComparer.Ordinal);
        var byId = users.ToDictionary(u => u.Id, StringComparer.Ordinal);
        var teamInfos = teams.Select(t => new TeamInfo(t.Name, t.Strategy, t.Lead, t.Parent,
            members.Where(m => m.Team == t.Name).OrderBy(m => m.UserId, StringComparer.Ordinal).Select(m => byId.TryGetValue(m.UserId, out var u)
                ? new MemberInfo(u.Id, m.Weight, m.Capacity, u.Active, u.OutOfOfficeUntil is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o) : null, u.WorkFrom, u.WorkTo, u.UtcOffsetHours)
                : new MemberInfo(m.UserId, m.Weight, m.Capacity, false, null, null, null, 8)).ToList())).ToList();
        var keyInfos = new Dictionary<string, KeyInfo>(StringComparer.Ordinal);
        foreach (var k in keys)
        {
            // Keep the in-memory last-used time of a key this replica has seen since the last flush.
            var previous = _current.Keys.GetValueOrDefault(k.Digest);
            var info = new KeyInfo(k.Id, k.Owner, k.Roles.Split(',', StringSplitOptions.RemoveEmptyEntries), Math.Max(k.LastUsedAt ?? 0, previous?.LastUsed ?? 0));
            keyInfos[k.Digest] = info;
        }

        var reachTable = reach.GroupBy(r => r.Role).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, Reach>)g.ToDictionary(r => r.Resource, r => r.Reach, StringComparer.Ordinal),
            StringComparer.Ordinal);
        Interlocked.Exchange(ref _current, new Snapshot(people, teamInfos, keyInfos, reachTable, setAside.ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>One immutable view of the directory.</summary>
    internal sealed class Snapshot(
        IReadOnlyDictionary<string, Person> people,
        IReadOnlyList<TeamInfo> teams,
        IReadOnlyDictionary<string, KeyInfo> keys,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, Reach>> reach,
        IReadOnlySet<string> setAsideKeys)
    {
        public static Snapshot Empty { get; } = new(
            new Dictionary<string, Person>(), [], new Dictionary<string, KeyInfo>(), new Dictionary<string, IReadOnlyDictionary<string, Reach>>(), new HashSet<string>());

        private readonly ConcurrentDictionary<string, Claim[]> _scopeClaims = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, Person> People { get; } = people;
        public IReadOnlyList<TeamInfo> Teams { get; } = teams;
        public IReadOnlyDictionary<string, KeyInfo> Keys { get; } = keys;
        public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Reach>> Reach { get; } = reach;

        /// <summary>Digests of generated admin keys that configured keys replaced: refused, and said so in the log.</summary>
        public IReadOnlySet<string> SetAsideKeys { get; } = setAsideKeys;

        /// <summary>The scope claims of a person acting with <paramref name="roles"/>, computed once per snapshot.</summary>
        public Claim[] ScopeClaims(string userId, IReadOnlyCollection<string> roles)
        {
            var cacheKey = userId + "|" + string.Join(',', roles.Order(StringComparer.Ordinal));
            return _scopeClaims.GetOrAdd(cacheKey, _ =>
            {
                var position = PositionOf(userId);
                return
                [
                    .. DataResources.All.Select(r => new Claim(ScrmClaims.Scope, DataScopes.Claim(r, DataScopes.Resolve(r, userId, roles, position, Reach)))),
                    new Claim(ScrmClaims.Changes, DataScopes.Claim(DataScopes.Changes(userId, roles, position))),
                ];
            });
        }

        /// <summary>
        /// Members of the person's own teams; below them, the members of the teams they lead, of
        /// every team under those, and everyone whose chain of managers leads to them; those teams.
        /// </summary>
        public Position PositionOf(string userId)
        {
            var team = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in Teams.Where(t => t.Members.Any(m => m.Id == userId)))
            {
                team.UnionWith(t.Members.Select(m => m.Id));
            }

            var below = new HashSet<string>(StringComparer.Ordinal);
            var led = new Queue<TeamInfo>(Teams.Where(t => t.Lead == userId));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (led.TryDequeue(out var t))
            {
                if (!seen.Add(t.Name))
                {
                    continue;
                }

                below.UnionWith(t.Members.Select(m => m.Id));
                if (t.Lead is { } lead)
                {
                    below.Add(lead);
                }

                foreach (var child in Teams.Where(c => c.Parent == t.Name))
                {
                    led.Enqueue(child);
                }
            }

            var reports = new Queue<string>([userId]);
            var visited = new HashSet<string>(StringComparer.Ordinal) { userId };
            while (reports.TryDequeue(out var manager))
            {
                foreach (var p in People.Values.Where(p => p.Manager == manager && visited.Add(p.Id)))
                {
                    below.Add(p.Id);
                    reports.Enqueue(p.Id);
                }
            }

            below.Remove(userId);
            return new Position(team, below, seen);
        }
    }
}
