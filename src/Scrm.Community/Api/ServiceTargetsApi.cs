using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Scrm.Community.Conversations;
using Scrm.Platform.Text;

namespace Scrm.Community.Api;

/// <summary>A replacement of the service-level table: the version it replaces (as last read) and every row.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record ServiceTargetsRequest(int? Version, IReadOnlyList<ServiceTarget?>? Targets);

internal sealed record ServiceTargetsResponse(int Version, IReadOnlyList<ServiceTarget> Targets);

/// <summary>The service-level targets per intent × customer value tier × channel: read them, and replace the table.</summary>
internal static class ServiceTargetsApi
{
    private static class Texts
    {
        public static readonly UserText Version = new("version 必须是当前表的版本号（先 GET 读取）", "version must be the current table's version (GET it first)");
        public static readonly UserText Stale = new("服务级别目标已被他人更改（当前版本 {0}），请刷新后重试", "The service-level targets changed meanwhile (now version {0}); reload and try again");
    }

    /// <summary>The stored table as it is now (an admin's screen reads past this replica's copy).</summary>
    public static async Task<Ok<ServiceTargetsResponse>> GetAsync(ServiceTargets targets, CancellationToken ct)
    {
        var table = await targets.FreshAsync(ct, TimeSpan.Zero);
        return TypedResults.Ok(new ServiceTargetsResponse(table.Version, table.Targets));
    }

    public static async Task<IResult> SetAsync(ServiceTargetsRequest? request, ServiceTargets targets, HttpContext http, CancellationToken ct)
    {
        if (request?.Version is not { } version || version < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = [Texts.Version.In(http)] });
        }

        var rows = request.Targets ?? [];
        var table = new ServiceTargetTable(version, [.. rows.Select(r => r!)]);
        if (table.Problems(TemplatesApi.Channels) is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["targets"] = [.. problems.Take(20).Select(p => p.In(http))] });
        }

        if (!await targets.SetAsync(version, table.Targets, http.User.Identity?.Name ?? "unknown", ct))
        {
            return TypedResults.Problem(Texts.Stale.In(http, targets.Current.Version), statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["current"] = new ServiceTargetsResponse(targets.Current.Version, targets.Current.Targets) });
        }

        return await GetAsync(targets, ct);
    }
}
