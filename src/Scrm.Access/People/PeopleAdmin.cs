using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Access.SignIn;
using Scrm.Access.Storage;
using Scrm.Platform.Audit;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Access.People;

/// <summary>A person or service account as the admin API shows it.</summary>
internal sealed record UserView(
    string Id, string Kind, string DisplayName, string? Email, string? Phone, IReadOnlyList<string> Roles, IReadOnlyList<string> Teams,
    string? Manager, bool Active, DateTimeOffset? OutOfOfficeUntil, TimeOnly? WorkFrom, TimeOnly? WorkTo, double UtcOffsetHours,
    bool TwoFactor, DateTimeOffset? LockedOutUntil);

/// <summary>Creating a user: the id is the login and the owner id on records, and never changes.</summary>
internal sealed record NewUserRequest(string? Id, string? DisplayName, string? Email, string? Phone, List<string>? Roles, string? Kind, string? Manager);

/// <summary>Changing a user; absent fields are left as they are.</summary>
internal sealed record UserChange(
    string? DisplayName, string? Email, string? Phone, List<string>? Roles, string? Manager,
    DateTimeOffset? OutOfOfficeUntil, bool? ClearOutOfOffice, TimeOnly? WorkFrom, TimeOnly? WorkTo, double? UtcOffsetHours);

/// <summary>A team: how leads are shared, who leads it, the team above it, its members with their share.</summary>
internal sealed record TeamRequest(string? Strategy, string? Lead, string? Parent, List<TeamMemberRequest>? Members);

internal sealed record TeamMemberRequest(string UserId, int? Weight, int? Capacity);

/// <summary>
/// What a deactivation moved to the successor, per kind of record; <paramref name="Complete"/> is
/// false when the handover failed part-way and is being finished in the background.
/// </summary>
internal sealed record Deactivation(string User, string Successor, IReadOnlyDictionary<string, int> HandedOver, bool Complete);

/// <summary>
/// The admin's side of people and teams; every change is seen by routing at once and audited in
/// its own transaction (a person's changes on <paramref name="store"/>, the context the user manager
/// saves through), so a change and its audit entry are stored together or not at all.
/// </summary>
internal sealed partial class PeopleAdmin(
    IDbContextFactory<AccessDbContext> contexts,
    UserManager<AccessUser> users,
    AccessDirectory directory,
    AccessDbContext store,
    Handovers handovers,
    AuditOutbox audit,
    TimeProvider time,
    ILogger<PeopleAdmin> log)
{
    public static readonly IReadOnlySet<string> Strategies = new HashSet<string>(StringComparer.Ordinal) { "RoundRobin", "Weighted", "LeastLoaded" };

    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var all = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(cancellationToken);
        return all.ConvertAll(u => View(u, directory.Current, time));
    }

    public async Task<UserView?> GetAsync(string id, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(id) is { } u ? View(u, directory.Current, time) : null;

    public async Task<(UserView? User, string? Password, FieldErrors? Errors)> CreateAsync(NewUserRequest request, string by, CancellationToken cancellationToken)
    {
        var kind = request.Kind ?? UserKinds.Person;
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > 128 || request.Id.Any(c => char.IsWhiteSpace(c) || c == ','))
        {
            errors.Add("id", Texts.Id);
        }

        if (kind is not (UserKinds.Person or UserKinds.Service))
        {
            errors.Add("kind", Texts.Kind);
        }

        RolesError(request.Roles, errors);
        if (errors.Any)
        {
            return (null, null, errors);
        }

        if (await users.FindByIdAsync(request.Id!) is not null)
        {
            errors.Add("id", Texts.Taken);
            return (null, null, errors);
        }

        var user = new AccessUser
        {
            Id = request.Id!,
            UserName = request.Id,
            DisplayName = request.DisplayName ?? request.Id!,
            Email = request.Email,
            PhoneNumber = request.Phone,
            Kind = kind,
            Manager = request.Manager,
            LockoutEnabled = true,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        var password = kind == UserKinds.Person ? OneTimePassword.Create(users.Options.Password.RequiredLength) : null;
        await using (var transaction = await store.Database.BeginTransactionAsync(cancellationToken))
        {
            var created = password is null ? await users.CreateAsync(user) : await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return (null, null, IdentityTexts.Errors(created, users.Options.Password));
            }

            await users.AddToRolesAsync(user, request.Roles ?? []);
            await audit.AddAsync(store.Database, new AuditEvent(by, "user.create", "user", user.Id, Json.Object(("roles", request.Roles ?? []), ("kind", kind))), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        return (View(user, directory.Current, time), password, null);
    }

    public async Task<(bool Found, FieldErrors? Errors)> ChangeAsync(string id, UserChange change, string by, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return (false, null);
        }

        var errors = new FieldErrors();
        RolesError(change.Roles, errors);
        if (change.UtcOffsetHours is < -14 or > 14)
        {
            errors.Add("utcOffsetHours", Texts.UtcOffset);
        }

        if (errors.Any)
        {
            return (true, errors);
        }

        user.DisplayName = change.DisplayName ?? user.DisplayName;
        user.Email = change.Email ?? user.Email;
        user.PhoneNumber = change.Phone ?? user.PhoneNumber;
        user.Manager = change.Manager ?? user.Manager;
        user.OutOfOfficeUntil = change.ClearOutOfOffice == true ? null : change.OutOfOfficeUntil?.ToUnixTimeMilliseconds() ?? user.OutOfOfficeUntil;
        user.WorkFrom = change.WorkFrom ?? user.WorkFrom;
        user.WorkTo = change.WorkTo ?? user.WorkTo;
        user.UtcOffsetHours = change.UtcOffsetHours ?? user.UtcOffsetHours;
        await using var transaction = await store.Database.BeginTransactionAsync(cancellationToken);
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            return (true, IdentityTexts.Errors(updated, users.Options.Password));
        }

        if (change.Roles is { } roles)
        {
            var current = await users.GetRolesAsync(user);
            var removed = current.Except(roles, StringComparer.Ordinal).ToList();
            var added = roles.Except(current, StringComparer.Ordinal).ToList();
            if (removed.Count > 0 || added.Count > 0)
            {
                await users.RemoveFromRolesAsync(user, removed);
                await users.AddToRolesAsync(user, added);
                // A changed role ends the person's sessions: the next request signs in anew with the new roles.
                await users.UpdateSecurityStampAsync(user);
                await audit.AddAsync(store.Database, new AuditEvent(by, "user.roles", "user", id, Json.Object(("added", added), ("removed", removed))), cancellationToken);
            }
        }

        await audit.AddAsync(store.Database, new AuditEvent(by, "user.update", "user", id), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        return (true, null);
    }

    /// <summary>
    /// Deactivates <paramref name="id"/> and hands their open leads, customers and conversations to
    /// the successor. The deactivation, the handover decision and its audit entry commit together
    /// first: from then on sessions end, keys stop working and routing skips them. Then every module
    /// moves its records in its own store (each with its own audit entry). When that pass fails
    /// part-way the result says so (<see cref="Deactivation.Complete"/> false) and the refresh loop
    /// finishes it; repeating the request is safe too.
    /// </summary>
    public async Task<(Deactivation? Result, UserText? Problem)> DeactivateAsync(string id, string successor, string by, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return (null, null);
        }

        if (id == successor || await users.FindByIdAsync(successor) is not { Active: true })
        {
            return (null, Texts.Successor);
        }

        await using (var transaction = await store.Database.BeginTransactionAsync(cancellationToken))
        {
            await store.Teams.Where(t => t.Lead == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Lead, successor), cancellationToken);
            await store.Users.Where(u => u.Manager == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Manager, successor), cancellationToken);
            await store.Handovers.Where(h => h.UserId == id).ExecuteDeleteAsync(cancellationToken);
            store.Handovers.Add(new HandoverRow { UserId = id, Successor = successor, By = by, RequestedAt = time.GetUtcNow().ToUnixTimeMilliseconds() });
            user.Active = false;
            Seeding.Check(await users.UpdateAsync(user));
            Seeding.Check(await users.UpdateSecurityStampAsync(user));
            await audit.AddAsync(store.Database, new AuditEvent(by, "user.deactivate", "user", id, Json.Object(("successor", successor))), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        var moved = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await handovers.PassAsync(id, successor, by, moved, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPassFailed(log, id, ex);
            return (new Deactivation(id, successor, moved, Complete: false), null);
        }

        return (new Deactivation(id, successor, moved, Complete: true), null);
    }

    public async Task<bool> ReactivateAsync(string id, string by, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return false;
        }

        await using (var transaction = await store.Database.BeginTransactionAsync(cancellationToken))
        {
            // Back at work: what has not been handed over yet stays theirs.
            await store.Handovers.Where(h => h.UserId == id).ExecuteDeleteAsync(cancellationToken);
            user.Active = true;
            Seeding.Check(await users.UpdateAsync(user));
            await audit.AddAsync(store.Database, new AuditEvent(by, "user.reactivate", "user", id), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        return true;
    }

    /// <summary>A new one-time password for a person, their lockout lifted and their sessions ended.</summary>
    public async Task<string?> ResetPasswordAsync(string id, string by, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(id);
        if (user is not { Kind: UserKinds.Person })
        {
            return null;
        }

        var password = OneTimePassword.Create(users.Options.Password.RequiredLength);
        var token = await users.GeneratePasswordResetTokenAsync(user);
        await using (var transaction = await store.Database.BeginTransactionAsync(cancellationToken))
        {
            Seeding.Check(await users.ResetPasswordAsync(user, token, password));
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await audit.AddAsync(store.Database, new AuditEvent(by, "user.password-reset", "user", id), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await audit.DeliverAsync(CancellationToken.None);
        return password;
    }

    public async Task<IReadOnlyList<TeamInfo>> TeamsAsync(CancellationToken cancellationToken)
    {
        await directory.ReloadAsync(cancellationToken);
        return directory.Teams;
    }

    public async Task<FieldErrors?> PutTeamAsync(string name, TeamRequest request, string by, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (name.Length > 128)
        {
            errors.Add("name", Texts.TeamName);
        }

        if (request.Strategy is { } s && !Strategies.Contains(s))
        {
            errors.Add("strategy", Texts.OneOf, string.Join(", ", Strategies));
        }

        if (request.Members?.Any(m => m.Weight is < 1 or > 1000 || m.Capacity is < 0) == true)
        {
            errors.Add("members", Texts.Members);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var named = (request.Members?.Select(m => m.UserId) ?? []).Concat(request.Lead is null ? [] : [request.Lead]).Distinct().ToList();
        var known = await db.Users.Where(u => named.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
        if (named.Except(known).ToList() is { Count: > 0 } unknown)
        {
            errors.Add("members", Texts.UnknownUsers, string.Join(", ", unknown));
        }

        if (request.Parent is { } parent && (parent == name || !await db.Teams.AnyAsync(t => t.Name == parent, cancellationToken)))
        {
            errors.Add("parent", Texts.Parent);
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var team = await db.Teams.FindAsync([name], cancellationToken);
        if (team is null)
        {
            team = new TeamRow { Name = name };
            db.Teams.Add(team);
        }

        team.Strategy = request.Strategy ?? team.Strategy;
        team.Lead = request.Lead ?? team.Lead;
        team.Parent = request.Parent ?? team.Parent;
        if (request.Members is { } members)
        {
            db.TeamMembers.RemoveRange(await db.TeamMembers.Where(m => m.Team == name).ToListAsync(cancellationToken));
            db.TeamMembers.AddRange(members.DistinctBy(m => m.UserId).Select(m => new TeamMemberRow { Team = name, UserId = m.UserId, Weight = m.Weight ?? 1, Capacity = m.Capacity ?? 1_000 }));
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.AddAsync(db.Database, new AuditEvent(by, "team.put", "team", name, Json.Object(("lead", team.Lead), ("members", request.Members?.Select(m => m.UserId)))), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
        return null;
    }

    public async Task<bool> DeleteTeamAsync(string name, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.TeamMembers.Where(m => m.Team == name).ExecuteDeleteAsync(cancellationToken);
        await db.Teams.Where(t => t.Parent == name).ExecuteUpdateAsync(s => s.SetProperty(t => t.Parent, (string?)null), cancellationToken);
        var deleted = await db.Teams.Where(t => t.Name == name).ExecuteDeleteAsync(cancellationToken) > 0;
        if (deleted)
        {
            await audit.AddAsync(db.Database, new AuditEvent(by, "team.delete", "team", name), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await audit.DeliverAsync(CancellationToken.None);
            await directory.ReloadAsync(cancellationToken);
        }

        return deleted;
    }

    /// <summary>The reach table: role → resource → reach.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Reach>> Reach => directory.Current.Reach;

    public async Task SetReachAsync(string role, string resource, Reach reach, string by, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.RoleReach.FindAsync([role, resource], cancellationToken);
        if (row is null)
        {
            db.RoleReach.Add(new RoleReachRow { Role = role, Resource = resource, Reach = reach });
        }
        else
        {
            row.Reach = reach;
        }

        await db.SaveChangesAsync(cancellationToken);
        await audit.AddAsync(db.Database, new AuditEvent(by, "reach.set", "role", role, Json.Object(("resource", resource), ("reach", reach.ToString()))), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await audit.DeliverAsync(CancellationToken.None);
        await directory.ReloadAsync(cancellationToken);
    }

    private static void RolesError(List<string>? roles, FieldErrors errors)
    {
        if (roles?.Any(r => !ScrmRoles.All.Contains(r)) == true)
        {
            errors.Add("roles", Texts.Roles, string.Join(", ", ScrmRoles.All));
        }
    }

    internal static class Texts
    {
        public static readonly UserText Id = new("1 到 128 个字符，不含空格和逗号", "1 to 128 characters, no spaces or commas");
        public static readonly UserText Kind = new("必须是 person（人员）或 service（服务账号）", "person or service");
        public static readonly UserText Taken = new("已被占用", "is taken");
        public static readonly UserText UtcOffset = new("必须在 -14 到 14 之间", "-14 to 14");
        public static readonly UserText Successor = new("接替者必须是另一位在职用户", "the successor must be another active user");
        public static readonly UserText TeamName = new("最多 128 个字符", "at most 128 characters");
        public static readonly UserText OneOf = new("必须是以下之一：{0}", "one of {0}");
        public static readonly UserText Members = new("权重为 1 到 1000，容量不能为负数", "weight 1 to 1000, capacity not negative");
        public static readonly UserText UnknownUsers = new("未知用户：{0}", "unknown user(s): {0}");
        public static readonly UserText Parent = new("必须是另一个已存在的团队", "must be another existing team");
        public static readonly UserText Roles = new("每个角色必须是以下之一：{0}", "each one of {0}");
    }

    private static UserView View(AccessUser u, AccessDirectory.Snapshot snapshot, TimeProvider time) => new(
        u.Id, u.Kind, u.DisplayName, u.Email, u.PhoneNumber,
        snapshot.People.TryGetValue(u.Id, out var p) ? [.. p.Roles.Order(StringComparer.Ordinal)] : [],
        [.. snapshot.Teams.Where(t => t.Members.Any(m => m.Id == u.Id)).Select(t => t.Name)],
        u.Manager, u.Active, u.OutOfOfficeUntil is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o) : null, u.WorkFrom, u.WorkTo, u.UtcOffsetHours,
        u.TwoFactorEnabled, u.LockoutEnd is { } end && end > time.GetUtcNow() ? end : null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {User} is deactivated; handing over their records failed part-way and is finished in the background")]
    private static partial void LogPassFailed(ILogger logger, string user, Exception exception);
}
