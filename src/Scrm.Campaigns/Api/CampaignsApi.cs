using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Campaigns.Segments;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Api;

/// <summary><c>/api/v1/campaigns</c>: campaigns for marketers — save, dry run, preview, schedule, start, pause, resume, cancel, report.</summary>
internal static partial class CampaignsApi
{
    private static class Texts
    {
        public static readonly UserText Invalid = new("营销活动有误", "The campaign is not valid");
        public static readonly UserText Name = new("名称必填，最多 {0} 个字符，不含控制字符", "name is required: at most {0} characters, no control characters");
        public static readonly UserText Segment = new("必须指定一个已保存的分群", "segmentId must name a saved segment");
        public static readonly UserText Version = new("更新时必须提供所修改的 version", "an update must name the version it changes");
        public static readonly UserText Conflict = new("该活动已被他人修改，请刷新后重试", "Someone changed this campaign meanwhile: reload and try again");
        public static readonly UserText WrongState = new("活动当前状态为 {0}，不能执行此操作", "The campaign is {0}: this is not possible now");
        public static readonly UserText At = new("at 必须是带时区的将来时间", "at must be a future time with its offset");
        public static readonly UserText PublicUrl = new("未设置公开地址，含链接的活动不能发送", "No public address is set: a campaign with links cannot be sent");
        public static readonly UserText PublicUrlDetail = new(
            "此活动的消息含链接（退订、落地页），但未设置 Scrm:Campaigns:PublicBaseUrl（客户访问本系统的地址，如 https://crm.example.com/），客户将无法打开。请管理员设置后重试。",
            "This campaign's messages carry links (unsubscribe, landing page), but Scrm:Campaigns:PublicBaseUrl (the address customers reach this host at, e.g. https://crm.example.com/) is not set, so no customer could open them. Ask an administrator to set it, then try again.");
        public static readonly UserText Customer = new("customer 必须是客户 id", "customer must be a customer id");
        public static readonly UserText NoTest = new("此活动没有择优测试", "This campaign has no winner test");
        public static readonly UserText NotStarted = new("活动尚未开始，还没有测试数据", "The campaign has not started: there are no test figures yet");
        public static readonly UserText Decided = new("已选出胜出版本", "The winner was already picked");
        public static readonly UserText UnknownVariant = new("没有这个版本", "There is no such variant");
        public static readonly UserText NoWinner = new("目前还没有显著胜出的版本", "No variant wins significantly yet");
        public static readonly UserText NoWinnerDetail = new(
            "每个版本至少需要 {0} 条发送，且领先版本须在所设置信度下显著优于其他版本；可等测试期结束（届时发送领先版本），或指定 variant。",
            "Each variant needs at least {0} sent and the leader must beat every other variant at the confidence set; wait for the test period to end (the leader is sent then) or name a variant.");

        public static readonly Dictionary<string, UserText> Problems = new(StringComparer.Ordinal)
        {
            ["required"] = new("必填", "required"),
            ["too-many"] = new("最多 4 个渠道", "at most 4 channels"),
            ["unknown-channel"] = new("渠道必须是 wechat、wecom、sms 或 email", "channel must be wechat, wecom, sms or email"),
            ["duplicate-channel"] = new("每个渠道只能出现一次", "each channel at most once"),
            ["account"] = new("账号必填：字母、数字、- 或 _，最多 64 个字符", "account is required: letters, digits, '-' or '_', at most 64"),
            ["template-id"] = new("模板 id 为 1–128 个字符", "templateId is 1–128 characters"),
            ["text"] = new("内容必填，不能超长", "text is required and within its length"),
            ["liquid"] = new("模板语法有误（Liquid）", "the Liquid template does not parse"),
            ["url"] = new("链接必须是 http(s) 绝对地址", "url must be an absolute http(s) address"),
            ["time"] = new("时间格式为 HH:mm（北京时间）", "times are HH:mm (China time)"),
            ["holdout"] = new("对照组比例为 0–50（百分比）", "holdout is a percentage from 0 to 50"),
            ["variant-count"] = new("A/B 测试需要 2–5 个版本", "an A/B test has 2 to 5 variants"),
            ["variant-name"] = new("版本名必填且唯一：字母、数字、- 或 _，最多 32 个字符，不能为 holdout 或 rest", "a variant name is required and unique: letters, digits, '-' or '_', at most 32, not 'holdout' or 'rest'"),
            ["weight"] = new("权重为 1–100", "weight is 1 to 100"),
            ["test-variants"] = new("择优测试需要 A/B 版本", "a winner test needs variants"),
            ["test-entry"] = new("入群即发的活动不能做择优测试", "a campaign sent on entry cannot have a winner test"),
            ["test-share"] = new("测试比例为 5–90（百分比）", "share is a percentage from 5 to 90"),
            ["test-metric"] = new("指标必须是 click 或 conversion", "metric must be click or conversion"),
            ["test-hours"] = new("测试时长为 1–720 小时", "hours is 1 to 720"),
            ["test-sample"] = new("最小样本为 1–1000000", "minSample is 1 to 1000000"),
            ["test-confidence"] = new("置信度为 0.8–0.999", "confidence is 0.8 to 0.999"),
        };
    }

    public sealed record ScheduleInput(DateTimeOffset? At);

    /// <summary>A marketer's pick; without a variant the rule decides.</summary>
    public sealed record WinnerInput(string? Variant);

    /// <summary>An A/B test's state: the plan, when the period ends, the decision once made, and the figures now.</summary>
    public sealed record WinnerView(AbTestPlan Test, DateTimeOffset? DecideAt, StoredDecision? Decision, WinnerDecision? Now);

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization(ScrmPolicies.Marketing);
        group.MapGet("", ListAsync).WithSummary("Campaigns, newest first.");
        group.MapGet("/{id:guid}", GetAsync);
        group.MapPost("", CreateAsync).WithMaxRequestBodySize(SegmentsApi.JsonLimit)
            .WithSummary("Saves a draft: name, segment, channels in the order to try them (each with Liquid content), quiet hours; bad fields answer 422 naming their path.");
        group.MapPut("/{id:guid}", UpdateAsync).WithMaxRequestBodySize(SegmentsApi.JsonLimit).WithSummary("Changes a draft or scheduled campaign; the body names the version it changes.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a draft or scheduled campaign.");
        group.MapPost("/{id:guid}/dry-run", DryRunAsync).WithSummary("How many would be sent per channel now (or at the scheduled time) and how many held back by which rule; sends nothing.");
        group.MapGet("/{id:guid}/preview", PreviewAsync).WithSummary("One customer's message as it would be sent, or why they would get none.");
        group.MapPost("/{id:guid}/schedule", ScheduleAsync).WithMaxRequestBodySize(4096).WithSummary("Sends once at the given time.");
        group.MapPost("/{id:guid}/start", StartAsync)
            .WithSummary("Sends now: the segment's members become the recipients.");
        group.MapPost("/{id:guid}/pause", (Guid id, CampaignStore s, HttpContext h, CancellationToken ct) => MoveAsync(s.PauseAsync(id, Caller.Of(h.User).Name, ct), h));
        group.MapPost("/{id:guid}/resume", (Guid id, CampaignStore s, HttpContext h, CancellationToken ct) => MoveAsync(s.ResumeAsync(id, Caller.Of(h.User).Name, ct), h));
        group.MapPost("/{id:guid}/cancel", (Guid id, CampaignStore s, HttpContext h, CancellationToken ct) => MoveAsync(s.CancelAsync(id, Caller.Of(h.User).Name, ct), h))
            .WithSummary("Stops for good: recipients not yet claimed are never sent.");
        group.MapGet("/{id:guid}/winner", WinnerAsync).WithSummary("The A/B test's figures for its metric, the rule's verdict now (z-test per variant) and the decision once made.");
        group.MapPost("/{id:guid}/winner", PickAsync).WithMaxRequestBodySize(4096)
            .WithSummary("Picks the winner now — the one named, or the rule's (409 with the figures when none wins significantly) — and sends it to the rest.");
        group.MapGet("/{id:guid}/report", ReportAsync).WithSummary("Sent per channel, failed per channel and reason, held back per rule, unsubscribes.");
    }

    private static async Task<Ok<IReadOnlyList<CampaignView>>> ListAsync(CampaignStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct));

    private static async Task<Results<Ok<CampaignView>, NotFound>> GetAsync(Guid id, CampaignStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } c ? TypedResults.Ok(c) : TypedResults.NotFound();

    private static async Task<IResult> CreateAsync(CampaignInput input, CampaignStore store, SegmentStore segments, HttpContext http, ILogger<CampaignStore> log, CancellationToken ct)
    {
        if (await CheckAsync(input, segments, http, log, update: false, ct) is { } problem)
        {
            return problem;
        }

        var campaign = await store.CreateAsync(input.Name!.Trim(), input.SegmentId!.Value, input.Plan!, Caller.Of(http.User).Name, ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", campaign);
    }

    private static async Task<IResult> UpdateAsync(Guid id, CampaignInput input, CampaignStore store, SegmentStore segments, HttpContext http, ILogger<CampaignStore> log, CancellationToken ct)
    {
        if (await CheckAsync(input, segments, http, log, update: true, ct) is { } problem)
        {
            return problem;
        }

        return await MoveAsync(store.UpdateAsync(id, input.Version!.Value, input.Name!.Trim(), input.SegmentId!.Value, input.Plan!,
            Caller.Of(http.User).Name, ct), http);
    }

    private static async Task<IResult> DeleteAsync(Guid id, CampaignStore store, HttpContext http, CancellationToken ct) => await store.DeleteAsync(id, ct) switch
    {
        CampaignChange.Done => TypedResults.NoContent(),
        CampaignChange.NotFound => TypedResults.NotFound(),
        CampaignChange.Conflict => TypedResults.Problem(Texts.Conflict.In(http), statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Problem(Texts.WrongState.In(http, "running"), statusCode: StatusCodes.Status409Conflict),
    };

    private static async Task<IResult> ScheduleAsync(Guid id, ScheduleInput input, CampaignStore store, CampaignsDbContext db, PublicLinks links, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (input.At is not { } at || at <= time.GetUtcNow())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["at"] = [Texts.At.In(http)] });
        }

        return await LinksProblemAsync(id, db, links, http, ct) ?? await MoveAsync(store.ScheduleAsync(id, at, Caller.Of(http.User).Name, ct), http);
    }

    private static async Task<IResult> StartAsync(Guid id, CampaignStore store, CampaignsDbContext db, PublicLinks links, HttpContext http, CancellationToken ct) =>
        await LinksProblemAsync(id, db, links, http, ct) ?? await MoveAsync(store.StartAsync(id, Caller.Of(http.User).Name, ct), http);

    /// <summary>409 naming the setting when the campaign's links would point at no public address.</summary>
    private static async Task<IResult?> LinksProblemAsync(Guid id, CampaignsDbContext db, PublicLinks links, HttpContext http, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } row && links.Missing(CampaignStore.PlanOf(row))
            ? TypedResults.Problem(Texts.PublicUrlDetail.In(http), title: Texts.PublicUrl.In(http), statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["setting"] = PublicLinks.Setting })
            : null;

    private static async Task<IResult> MoveAsync(Task<(CampaignChange, CampaignView?)> change, HttpContext http) => await change switch
    {
        (CampaignChange.Done, var view) => TypedResults.Ok(view),
        (CampaignChange.NotFound, _) => TypedResults.NotFound(),
        (CampaignChange.Conflict, _) => TypedResults.Problem(Texts.Conflict.In(http), statusCode: StatusCodes.Status409Conflict),
        (_, var view) => TypedResults.Problem(Texts.WrongState.In(http, view?.Status), statusCode: StatusCodes.Status409Conflict),
    };

    private static async Task<IResult> DryRunAsync(Guid id, CampaignsDbContext db, CampaignInsight insight, SegmentMembers members, HttpContext http, CancellationToken ct)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is not { } campaign)
        {
            return TypedResults.NotFound();
        }

        return !await members.WaitReadyAsync(ct) ? SegmentsApi.NotReadyProblem(http) : TypedResults.Ok(await insight.DryRunAsync(campaign, ct));
    }

    private static async Task<IResult> PreviewAsync(Guid id, string? customer, CampaignsDbContext db, CampaignInsight insight, HttpContext http, CancellationToken ct)
    {
        if (!Guid.TryParse(customer, out var customerId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["customer"] = [Texts.Customer.In(http)] });
        }

        return await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } campaign
            ? TypedResults.Ok(await insight.PreviewAsync(campaign, customerId, ct))
            : TypedResults.NotFound();
    }

    private static async Task<IResult> WinnerAsync(Guid id, CampaignsDbContext db, WinnerPicker picker, HttpContext http, CancellationToken ct)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is not { } campaign)
        {
            return TypedResults.NotFound();
        }

        if (CampaignStore.PlanOf(campaign).Test is not { } test)
        {
            return TypedResults.Problem(Texts.NoTest.In(http), statusCode: StatusCodes.Status409Conflict);
        }

        var now = campaign.StartedAt is null ? null : await picker.FiguresAsync(campaign, ct);
        return TypedResults.Ok(new WinnerView(test, WinnerPicker.DecideAt(campaign), WinnerPicker.DecisionOf(campaign), now));
    }

    private static async Task<IResult> PickAsync(Guid id, WinnerInput? input, CampaignsDbContext db, WinnerPicker picker, HttpContext http, CancellationToken ct)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is not { } campaign)
        {
            return TypedResults.NotFound();
        }

        var chosen = input?.Variant;
        var (outcome, decision, figures) = await picker.PickAsync(campaign, chosen, periodEnded: false, Caller.Of(http.User).Name, ct);
        var extensions = new Dictionary<string, object?> { ["figures"] = figures };
        return outcome switch
        {
            PickOutcome.Picked => TypedResults.Ok(decision),
            PickOutcome.UnknownVariant => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["variant"] = [Texts.UnknownVariant.In(http)] }),
            PickOutcome.NoTest => TypedResults.Problem(Texts.NoTest.In(http), statusCode: StatusCodes.Status409Conflict),
            PickOutcome.NotStarted => TypedResults.Problem(Texts.NotStarted.In(http), statusCode: StatusCodes.Status409Conflict),
            PickOutcome.AlreadyDecided => TypedResults.Problem(title: Texts.Decided.In(http), statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["decision"] = decision }),
            _ => TypedResults.Problem(Texts.NoWinnerDetail.In(http, figures?.MinSample), title: Texts.NoWinner.In(http), statusCode: StatusCodes.Status409Conflict, extensions: extensions),
        };
    }

    private static async Task<IResult> ReportAsync(Guid id, CampaignsDbContext db, CampaignInsight insight, CancellationToken ct) =>
        await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } campaign
            ? TypedResults.Ok(await insight.ReportAsync(campaign, ct))
            : TypedResults.NotFound();

    private static async Task<IResult?> CheckAsync(CampaignInput input, SegmentStore segments, HttpContext http, ILogger log, bool update, CancellationToken ct)
    {
        var language = http.Language();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string path, string text)
        {
            if (!errors.TryGetValue(path, out var list))
            {
                errors[path] = list = [];
            }

            list.Add(text);
        }

        var name = input.Name?.Trim();
        if (name is not { Length: > 0 and <= CampaignRow.NameLength } || name.Any(char.IsControl))
        {
            Add("name", Texts.Name.In(language, CampaignRow.NameLength));
        }

        if (input.SegmentId is not { } segment || await segments.GetAsync(segment, ct) is null)
        {
            Add("segmentId", Texts.Segment.In(language));
        }

        if (update && input.Version is null)
        {
            Add("version", Texts.Version.In(language));
        }

        foreach (var (path, problem) in PlanRules.Check(input.Plan))
        {
            Add(path, Texts.Problems[problem].In(language));
        }

        if (errors.Count == 0)
        {
            return null;
        }

        var fields = string.Join(",", errors.Keys);
        LogRefused(log, http.Request.Path.Value, fields);

        return TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = Texts.Invalid.In(language),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a campaign body at {Path}: {Fields}")]
    private static partial void LogRefused(ILogger logger, string? path, string fields);
}
