using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Scrm.Access.Keys;
using Scrm.Access.People;
using Scrm.Platform.Audit;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Access.Api;

internal sealed record NewKeyRequest(string? Owner, string? Name, List<string>? Roles);

internal sealed record DeactivateRequest(string? Successor);

internal sealed record ReachRequest(Reach? Reach);

internal sealed record CreatedUser(UserView User, string? Password);

internal sealed record PasswordReset(string Password);

/// <summary>The admin console's API: people, teams, the reach of roles, API keys and the audit log.</summary>
internal static class AccessApi
{
    private const long JsonLimit = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/access").WithTags("Access").RequireAuthorization(ScrmPolicies.Admin).WithMaxRequestBodySize(JsonLimit);
        admin.MapGet("/users", ListUsersAsync).WithSummary("Every person and service account.");
        admin.MapGet("/users/{id}", GetUserAsync);
        admin.MapPost("/users", CreateUserAsync).WithSummary("Creates a person (with a one-time password, shown once) or a service account.");
        admin.MapPatch("/users/{id}", ChangeUserAsync).WithSummary("Changes name, contact, roles (ends their sessions), manager, out-of-office and working hours.");
        admin.MapPost("/users/{id}/deactivate", DeactivateAsync).WithSummary("Hands the user's open leads, customers and conversations to a successor and deactivates them, in one audited step.");
        admin.MapPost("/users/{id}/reactivate", ReactivateAsync);
        admin.MapPost("/users/{id}/password-reset", ResetPasswordAsync).WithSummary("A new one-time password (shown once); lifts a lockout and ends the person's sessions.");
        admin.MapGet("/teams", TeamsAsync).WithSummary("Teams with their lead, parent team, routing strategy and members.");
        admin.MapPut("/teams/{name}", PutTeamAsync).WithSummary("Creates or changes a team; routing uses it at once.");
        admin.MapDelete("/teams/{name}", DeleteTeamAsync);
        admin.MapGet("/reach", (PeopleAdmin people) => TypedResults.Ok(people.Reach)).WithSummary("How far each role reaches per kind of record: own, team or all.");
        admin.MapPut("/reach/{role}/{resource}", SetReachAsync).WithSummary("Sets a role's reach for one kind of record.");
        admin.MapGet("/keys", ListKeysAsync).WithSummary("API keys with owner, roles, creation and last use (never the key).");
        admin.MapPost("/keys", CreateKeyAsync).WithSummary("Creates a key for a user or service account; the key is shown only in this answer.");
        admin.MapDelete("/keys/{id}", RevokeKeyAsync).WithSummary("Revokes a key: refused from the next request on.");
        admin.MapGet("/audit", AuditAsync).WithSummary("The audit log, newest first: filter by actor, action, resource, resource id and time; page with before.");
    }

    private static string Me(ClaimsPrincipal user) => Caller.Of(user).Id;

    private static async Task<Ok<IReadOnlyList<UserView>>> ListUsersAsync(PeopleAdmin people, CancellationToken ct) => TypedResults.Ok(await people.ListAsync(ct));

    private static async Task<Results<Ok<UserView>, NotFound>> GetUserAsync(string id, PeopleAdmin people, CancellationToken ct) =>
        await people.GetAsync(id, ct) is { } user ? TypedResults.Ok(user) : TypedResults.NotFound();

    private static async Task<Results<Created<CreatedUser>, ValidationProblem>> CreateUserAsync(NewUserRequest request, PeopleAdmin people, HttpContext http, CancellationToken ct)
    {
        var (created, password, errors) = await people.CreateAsync(request, Me(http.User), ct);
        return created is null ? TypedResults.ValidationProblem(errors!.ToDictionary(http.Language())) : TypedResults.Created($"/api/v1/access/users/{Uri.EscapeDataString(created.Id)}", new CreatedUser(created, password));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ChangeUserAsync(string id, UserChange change, PeopleAdmin people, HttpContext http, CancellationToken ct)
    {
        var (found, errors) = await people.ChangeAsync(id, change, Me(http.User), ct);
        return !found ? TypedResults.NotFound() : errors is not null ? TypedResults.ValidationProblem(errors.ToDictionary(http.Language())) : TypedResults.NoContent();
    }

    /// <summary>200 when every record was handed over; 202 when the person is deactivated and the rest of the handover is finished in the background.</summary>
    private static async Task<Results<Ok<Deactivation>, Accepted<Deactivation>, NotFound, ValidationProblem>> DeactivateAsync(string id, DeactivateRequest request, PeopleAdmin people, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Successor))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["successor"] = [Texts.SuccessorRequired.In(http)] });
        }

        var (result, problem) = await people.DeactivateAsync(id, request.Successor, Me(http.User), ct);
        return result is { Complete: true } ? TypedResults.Ok(result)
            : result is not null ? TypedResults.Accepted((string?)null, result)
            : problem is not null ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["successor"] = [problem.In(http)] })
            : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, NotFound>> ReactivateAsync(string id, PeopleAdmin people, ClaimsPrincipal user, CancellationToken ct) =>
        await people.ReactivateAsync(id, Me(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<PasswordReset>, NotFound>> ResetPasswordAsync(string id, PeopleAdmin people, ClaimsPrincipal user, CancellationToken ct) =>
        await people.ResetPasswordAsync(id, Me(user), ct) is { } password ? TypedResults.Ok(new PasswordReset(password)) : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<TeamInfo>>> TeamsAsync(PeopleAdmin people, CancellationToken ct) => TypedResults.Ok(await people.TeamsAsync(ct));

    private static async Task<Results<NoContent, ValidationProblem>> PutTeamAsync(string name, TeamRequest request, PeopleAdmin people, HttpContext http, CancellationToken ct) =>
        await people.PutTeamAsync(name, request, Me(http.User), ct) is { } errors ? TypedResults.ValidationProblem(errors.ToDictionary(http.Language())) : TypedResults.NoContent();

    private static async Task<Results<NoContent, NotFound>> DeleteTeamAsync(string name, PeopleAdmin people, ClaimsPrincipal user, CancellationToken ct) =>
        await people.DeleteTeamAsync(name, Me(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<NoContent, ValidationProblem>> SetReachAsync(string role, string resource, ReachRequest request, PeopleAdmin people, HttpContext http, CancellationToken ct)
    {
        if (!ScrmRoles.All.Contains(role) || !DataResources.All.Contains(resource) || request.Reach is not { } reach || !Enum.IsDefined(reach))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reach"] = [Texts.Reach.In(http, string.Join(", ", ScrmRoles.All), string.Join(", ", DataResources.All))],
            });
        }

        await people.SetReachAsync(role, resource, reach, Me(http.User), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyView>>> ListKeysAsync(string? owner, ApiKeys keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(owner, ct));

    private static async Task<Results<Created<CreatedKey>, ValidationProblem>> CreateKeyAsync(NewKeyRequest request, ApiKeys keys, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Owner) || request.Roles is not { Count: > 0 } roles || !roles.TrueForAll(ScrmRoles.All.Contains) || request.Name?.Length > 128)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Texts.KeyBody.In(http, string.Join(", ", ScrmRoles.All))] });
        }

        return await keys.CreateAsync(request.Owner, request.Name ?? request.Owner, roles, Me(http.User), ct) is { } created
            ? TypedResults.Created($"/api/v1/access/keys/{created.Info.Id}", created)
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["owner"] = [Texts.NoOwner.In(http)] });
    }

    private static class Texts
    {
        public static readonly UserText SuccessorRequired = new("必填：由谁接手该用户的记录", "is required: who takes over the user's records");
        public static readonly UserText Reach = new("角色为 {0} 之一；资源为 {1} 之一；范围为 own（本人）、team（团队）或 all（全部）", "role one of {0}; resource one of {1}; reach own, team or all");
        public static readonly UserText KeyBody = new("owner 和 roles（每个为 {0} 之一）为必填；name 最多 128 个字符", "owner and roles (each one of {0}) are required; name at most 128 characters");
        public static readonly UserText Limit = new("必须是 1 到 {0} 的整数", "must be a whole number from 1 to {0}");
        public static readonly UserText NoOwner = new("没有这个用户或服务账号", "no such user or service account");
    }

    private static async Task<Results<NoContent, NotFound>> RevokeKeyAsync(string id, ApiKeys keys, ClaimsPrincipal user, CancellationToken ct) =>
        await keys.RevokeAsync(id, Me(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<Results<Ok<AuditLogPage>, ValidationProblem>> AuditAsync(
        string? actor, string? action, string? resource, string? resourceId, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit,
        AuditQuery audit, HttpContext http, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [Texts.Limit.In(http, 500)] });
        }

        return TypedResults.Ok(await audit.ReadAsync(new AuditFilter(actor, action, resource, resourceId, from, to, before, limit ?? 100), ct));
    }
}
