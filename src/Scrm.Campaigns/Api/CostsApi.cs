using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Platform.Http;
using Scrm.Platform.Security;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Api;

/// <summary><c>/api/v1/campaigns/{id}/costs</c>: what a campaign cost besides its messages (design, coupons, agency), entered by marketers; the report's ROI counts them.</summary>
internal static class CostsApi
{
    public const string Currency = "CNY";
    public const decimal MaxAmount = 100_000_000m;

    /// <summary>An amount in yuan (at most two decimals), CNY, optionally for one channel, with a note.</summary>
    public sealed record CostInput(decimal? Amount, string? Currency, string? Channel, string? Note);

    public sealed record CostView(long Id, decimal Amount, string Currency, string? Channel, string? Note, string CreatedBy, DateTimeOffset At);

    public sealed record CostList(decimal Total, string Currency, IReadOnlyList<CostView> Entries);

    private static class Texts
    {
        public static readonly UserText Invalid = new("成本有误", "The cost is not valid");
        public static readonly UserText Amount = new("金额必须大于 0、不超过 1 亿元，最多两位小数", "amount is more than 0 and at most 100000000 yuan, with at most two decimals");
        public static readonly UserText Currency = new("币种只能是 CNY", "currency must be CNY");
        public static readonly UserText Channel = new("渠道必须是 wechat、wecom、sms 或 email（整个活动的成本不填）", "channel must be wechat, wecom, sms or email (leave it out for the campaign as a whole)");
        public static readonly UserText Note = new("备注最多 {0} 个字符，不含控制字符", "note is at most {0} characters, no control characters");
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/campaigns/{id:guid}/costs").WithTags("Campaigns").RequireAuthorization(ScrmPolicies.Marketing);
        group.MapGet("", ListAsync).WithSummary("The costs entered for the campaign and their total (CNY).");
        group.MapPost("", AddAsync).WithMaxRequestBodySize(16 * 1024).WithSummary("Enters a cost (yuan, CNY, optionally one channel's, with a note); the report's cost and ROI include it.");
        group.MapDelete("/{costId:long}", DeleteAsync).WithSummary("Removes a cost entered by mistake.");
    }

    private static async Task<IResult> ListAsync(Guid id, CampaignsDbContext db, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var rows = await db.Costs.AsNoTracking().Where(c => c.CampaignId == id).OrderBy(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(new CostList(rows.Sum(r => r.Fen) / 100m, Currency, [.. rows.Select(View)]));
    }

    private static async Task<IResult> AddAsync(Guid id, CostInput input, CampaignsDbContext db, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input.Amount is not { } amount || amount <= 0 || amount > MaxAmount || decimal.Round(amount, 2) != amount)
        {
            errors["amount"] = [Texts.Amount.In(http)];
        }

        if (input.Currency is not (null or Currency))
        {
            errors["currency"] = [Texts.Currency.In(http)];
        }

        if (input.Channel is { } channel && !CampaignChannels.All.Contains(channel))
        {
            errors["channel"] = [Texts.Channel.In(http)];
        }

        var note = input.Note?.Trim();
        if (note is { Length: > CostRow.NoteLength } || note is not null && (note.Any(char.IsControl) || !UnsubscribeApi.IsWellFormed(note)))
        {
            errors["note"] = [Texts.Note.In(http, CostRow.NoteLength)];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status422UnprocessableEntity, Title = Texts.Invalid.In(http) });
        }

        var row = new CostRow
        {
            CampaignId = id,
            Fen = (long)(input.Amount!.Value * 100),
            Currency = Currency,
            Channel = input.Channel,
            Note = string.IsNullOrEmpty(note) ? null : note,
            CreatedBy = Caller.Of(http.User).Name,
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.Costs.Add(row);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/campaigns/{id}/costs/{row.Id.ToString(CultureInfo.InvariantCulture)}", View(row));
    }

    private static async Task<IResult> DeleteAsync(Guid id, long costId, CampaignsDbContext db, CancellationToken ct) =>
        await db.Costs.Where(c => c.CampaignId == id && c.Id == costId).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : TypedResults.NotFound();

    private static CostView View(CostRow row) =>
        new(row.Id, row.Fen / 100m, row.Currency, row.Channel, row.Note, row.CreatedBy, DateTimeOffset.FromUnixTimeMilliseconds(row.At));
}
