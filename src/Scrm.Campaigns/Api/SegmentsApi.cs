using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Api;

/// <summary><c>/api/v1/segments</c>: saved segments, their rule schema, validation.</summary>
internal static partial class SegmentsApi
{
    public const long JsonLimit = 256 * 1024;

    private static class Texts
    {
        public static readonly UserText RuleInvalid = new("分群规则有误", "The segment rule is not valid");
        public static readonly UserText Name = new("名称必填，最多 {0} 个字符，不含控制字符", "name is required: at most {0} characters, no control characters");
        public static readonly UserText Description = new("说明最多 {0} 个字符", "description is at most {0} characters");
        public static readonly UserText Rule = new("必须提供分群规则", "a rule is required");
        public static readonly UserText Version = new("更新时必须提供所修改的 version", "an update must name the version it changes");
        public static readonly UserText Sample = new("sample 必须在 0–100 之间", "sample must be 0–100");
        public static readonly UserText Limit = new("limit 必须在 1–500 之间", "limit must be 1–500");
        public static readonly UserText NotReady = new("客户分群索引正在加载，请稍后重试", "The segment index is still loading: try again shortly");
        public static readonly UserText Conflict = new("该分群已被他人修改，请刷新后重试", "Someone changed this segment meanwhile: reload and try again");
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/segments").WithTags("Segments").RequireAuthorization(ScrmPolicies.Marketing);
        group.MapGet("/schema", Schema).WithSummary("The JSON schema of a segment rule tree.");
        group.MapGet("", ListAsync).WithSummary("Saved segments by name.");
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("", CreateAsync).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Saves a segment: name, description and rule tree; a bad rule answers 422 naming each bad node's path.");
        group.MapPut("/{id:guid}", UpdateAsync).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Changes a segment; the body names the version it changes (409 when someone saved in between).");
        group.MapDelete("/{id:guid}", DeleteAsync);
        group.MapPost("/preview", PreviewAsync).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("The live size of a rule tree (body) among the customers the caller may see, and a sample of members with protected fields masked per role.");
        group.MapGet("/{id:guid}/members", MembersAsync)
            .WithSummary("A saved segment's members a page at a time ('after' is the previous page's 'next'), masked per role.");
        group.MapGet("/{id:guid}/export", ExportAsync)
            .WithSummary("A saved segment's members as CSV, masked per role.");
        group.MapPost("/validate", Validate).WithMaxRequestBodySize(JsonLimit)
            .WithSummary("Checks a rule tree without saving it: 204, or 422 naming each bad node's path.");
    }

    private static FileStreamHttpResult Schema() =>
        TypedResults.Stream(typeof(SegmentsApi).Assembly.GetManifestResourceStream("Scrm.Campaigns.segment-rule.schema.json")!, "application/schema+json");

    private static async Task<Ok<IReadOnlyList<SegmentView>>> ListAsync(SegmentStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<SegmentView>, NotFound>> GetAsync(Guid id, SegmentStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } segment ? TypedResults.Ok(segment) : TypedResults.NotFound();

    private static async Task<IResult> CreateAsync(SegmentInput input, SegmentStore store, HttpContext http, ILogger<SegmentStore> log, CancellationToken ct)
    {
        if (Check(input, http, log, update: false) is { } problem)
        {
            return problem;
        }

        var segment = await store.CreateAsync(input.Name!.Trim(), Blank(input.Description), input.Rule!.Value, Caller.Of(http.User).Name, ct);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", segment);
    }

    private static async Task<IResult> UpdateAsync(Guid id, SegmentInput input, SegmentStore store, HttpContext http, ILogger<SegmentStore> log, CancellationToken ct)
    {
        if (Check(input, http, log, update: true) is { } problem)
        {
            return problem;
        }

        var (outcome, segment) = await store.UpdateAsync(id, input.Version!.Value, input.Name!.Trim(), Blank(input.Description), input.Rule!.Value, Caller.Of(http.User).Name, ct);
        return outcome switch
        {
            SaveOutcome.Saved => TypedResults.Ok(segment),
            SaveOutcome.NotFound => TypedResults.NotFound(),
            _ => TypedResults.Problem(Texts.Conflict.In(http), statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, SegmentStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static async Task<IResult> PreviewAsync(JsonElement rule, int? sample, SegmentMembers members, HttpContext http, ILogger<SegmentStore> log, CancellationToken ct)
    {
        if (sample is < 0 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["sample"] = [Texts.Sample.In(http)] });
        }

        if (Parse(rule, http, log, out var parsed) is { } problem)
        {
            return problem;
        }

        return !await members.WaitReadyAsync(ct)
            ? NotReady(http)
            : TypedResults.Ok(await members.PreviewAsync(parsed!, Caller.Of(http.User), sample ?? 10, ct));
    }

    private static async Task<IResult> MembersAsync(Guid id, Guid? after, int? limit, SegmentStore store, SegmentMembers members, HttpContext http, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [Texts.Limit.In(http)] });
        }

        if (await store.RuleAsync(id, ct) is not { } rule)
        {
            return TypedResults.NotFound();
        }

        return !await members.WaitReadyAsync(ct)
            ? NotReady(http)
            : TypedResults.Ok(await members.PageAsync(rule, Caller.Of(http.User), after, limit ?? 100, ct));
    }

    private static async Task<IResult> ExportAsync(Guid id, SegmentStore store, SegmentMembers members, HttpContext http, CancellationToken ct)
    {
        if (await store.RuleAsync(id, ct) is not { } rule)
        {
            return TypedResults.NotFound();
        }

        if (!await members.WaitReadyAsync(ct))
        {
            return NotReady(http);
        }

        var caller = Caller.Of(http.User);
        return TypedResults.Stream(output => members.WriteCsvAsync(rule, caller, output, ct), "text/csv; charset=utf-8", $"segment-{id:N}.csv");
    }

    internal static ProblemHttpResult NotReadyProblem(HttpContext http) => NotReady(http);

    private static ProblemHttpResult NotReady(HttpContext http) =>
        TypedResults.Problem(Texts.NotReady.In(http), statusCode: StatusCodes.Status503ServiceUnavailable);

    private static IResult Validate(JsonElement rule, HttpContext http, ILogger<SegmentStore> log) =>
        Parse(rule, http, log, out _) ?? TypedResults.NoContent();

    /// <summary>The rule parsed, or the 422 that names every bad node.</summary>
    internal static IResult? Parse(JsonElement rule, HttpContext http, ILogger log, out SegmentRule? parsed)
    {
        var parse = RuleParser.Parse(rule);
        parsed = parse.Rule;
        if (parse.Ok)
        {
            return null;
        }

        var language = http.Language();
        var errors = parse.Errors.GroupBy(e => e.Path, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.In(language)).ToArray(), StringComparer.Ordinal);
        LogRuleRefused(log, http.Request.Path.Value, parse.Errors.Count, parse.Errors[0].Path);
        return TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = Texts.RuleInvalid.In(language),
        });
    }

    private static IResult? Check(SegmentInput input, HttpContext http, ILogger log, bool update)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = input.Name?.Trim();
        if (name is not { Length: > 0 and <= Storage.SegmentRow.NameLength } || name.Any(char.IsControl))
        {
            errors["name"] = [Texts.Name.In(http, Storage.SegmentRow.NameLength)];
        }

        if (input.Description?.Length > Storage.SegmentRow.DescriptionLength)
        {
            errors["description"] = [Texts.Description.In(http, Storage.SegmentRow.DescriptionLength)];
        }

        if (input.Rule is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            errors["rule"] = [Texts.Rule.In(http)];
        }

        if (update && input.Version is null)
        {
            errors["version"] = [Texts.Version.In(http)];
        }

        if (errors.Count > 0)
        {
            var fields = string.Join(",", errors.Keys);
            LogBodyRefused(log, http.Request.Path.Value, fields);

            return TypedResults.ValidationProblem(errors);
        }

        return Parse(input.Rule!.Value, http, log, out _);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a segment rule at {Path}: {Count} error(s), first at {Node}")]
    private static partial void LogRuleRefused(ILogger logger, string? path, int count, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a segment body at {Path}: {Fields}")]
    private static partial void LogBodyRefused(ILogger logger, string? path, string fields);
}
