using Scrm.Platform.Text;
using System.Globalization;
using Fluid;
using Fluid.Values;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Storage;
using Scrm.Customers.Directory;
using Scrm.Platform.Calendar;
using Scrm.Platform.Security;

namespace Scrm.Community.Templates;

/// <summary>A reply template as agents see it.</summary>
internal sealed record ReplyTemplate(long Id, string Name, string Body, string? Channel, string By, DateTimeOffset UpdatedAt, int Version);

internal enum TemplateStatus
{
    Done,
    NotFound,
    Conflict,
    DuplicateName,
    BadLiquid,
}

/// <summary>What a template change did; for bad Liquid, the engine's error.</summary>
internal sealed record TemplateResult(TemplateStatus Status, ReplyTemplate? Template = null, UserText? Error = null);

/// <summary>
/// Reply templates in Liquid (Fluid). A template is checked when it is saved: it must parse, and
/// render against every variable with unknown variables and filters refused, so a typo is a 422 at
/// the desk and never a blank in a customer's message. Variables: <c>customer</c> (name, nickname,
/// company, tier, province, city), <c>conversation</c> (id, channel, intent, contact_name, status),
/// <c>order</c> (id, amount, currency, channel, date, products) and <c>rep</c> (id).
/// </summary>
internal sealed class ReplyTemplates(IDbContextFactory<CommunityDbContext> contexts, CustomerDirectory customers, TimeProvider time)
{
    public const int MaxName = 100;
    public const int MaxBody = 4_000;
    public const int MaxRendered = 2_000;

    private static readonly FluidParser Parser = new();

    private static readonly TemplateOptions Strict = new TemplateOptionsBuilder()
        .WithStrictVariables(true).WithStrictFilters(true).WithMaxSteps(10_000).WithMaxRecursion(10).WithMaxOutputSize(MaxRendered * 2).WithMaxCollectionSize(1_000).Build();

    private static readonly TemplateOptions Lenient = new TemplateOptionsBuilder()
        .WithStrictFilters(true).WithMaxSteps(10_000).WithMaxRecursion(10).WithMaxOutputSize(MaxRendered * 2).WithMaxCollectionSize(1_000).Build();

    /// <summary>What a template sees when it is checked: every variable, with a value of its kind.</summary>
    private static readonly TemplateModel Sample = new(
        new Dictionary<string, object?> { ["name"] = "王小明", ["nickname"] = "小明", ["company"] = "示例科技", ["tier"] = "gold", ["province"] = "上海市", ["city"] = "上海市" },
        new Dictionary<string, object?> { ["id"] = 1L, ["channel"] = "wechat", ["intent"] = "question", ["contact_name"] = "小明", ["status"] = "open" },
        new Dictionary<string, object?> { ["id"] = "SO-1", ["amount"] = 99.5m, ["currency"] = "CNY", ["channel"] = "tmall", ["date"] = "2026-12-01", ["products"] = new List<object?> { "面霜" } },
        new Dictionary<string, object?> { ["id"] = "agent" });

    /// <summary>Why the Liquid is refused (the English keeps the engine's words), or null when it parses and renders against every variable.</summary>
    public static UserText? Problem(string body)
    {
        if (!Parser.TryParse(body, out var template, out var error))
        {
            return LiquidTexts.Reason(error);
        }

        try
        {
            var rendered = template.Render(Sample.Context(Strict));
            return rendered.Length > MaxRendered ? LiquidTexts.TooLong.Filled(MaxRendered) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return LiquidTexts.Reason(e.Message);
        }
    }

    public async Task<IReadOnlyList<ReplyTemplate>> ListAsync(string? channel, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ReplyTemplates.AsNoTracking().Where(t => channel == null || t.Channel == null || t.Channel == channel)
            .OrderBy(t => t.Name).Take(500).ToListAsync(cancellationToken);
        return rows.ConvertAll(Of);
    }

    public async Task<ReplyTemplate?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplyTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken) is { } row ? Of(row) : null;
    }

    public async Task<TemplateResult> SaveAsync(long? id, string name, string body, string? channel, int? version, string by, CancellationToken cancellationToken)
    {
        if (Problem(body) is { } problem)
        {
            return new TemplateResult(TemplateStatus.BadLiquid, Error: problem);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        ReplyTemplateRow? row;
        if (id is { } existing)
        {
            row = await db.ReplyTemplates.SingleOrDefaultAsync(t => t.Id == existing, cancellationToken);
            if (row is null)
            {
                return new TemplateResult(TemplateStatus.NotFound);
            }

            if (version is { } seen && seen != row.Version)
            {
                return new TemplateResult(TemplateStatus.Conflict, Of(row));
            }
        }
        else
        {
            row = new ReplyTemplateRow();
            db.ReplyTemplates.Add(row);
        }

        if (await db.ReplyTemplates.AnyAsync(t => t.Name == name && t.Id != row.Id, cancellationToken))
        {
            return new TemplateResult(TemplateStatus.DuplicateName);
        }

        row.Name = name;
        row.Body = body;
        row.Channel = channel;
        row.By = by;
        row.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        row.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new TemplateResult(TemplateStatus.Conflict, await GetAsync(row.Id, cancellationToken));
        }
        catch (DbUpdateException)
        {
            // The same name saved at this moment by someone else.
            return new TemplateResult(TemplateStatus.DuplicateName);
        }

        return new TemplateResult(TemplateStatus.Done, Of(row));
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ReplyTemplates.Where(t => t.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// Renders <paramref name="body"/> (a saved template's or a draft) for a conversation the caller
    /// may see: the text, or null when the conversation is not theirs; bad Liquid in the error.
    /// </summary>
    public async Task<(string? Text, UserText? Error, bool Found)> RenderForAsync(long conversationId, string body, Caller caller, CancellationToken cancellationToken)
    {
        if (!Parser.TryParse(body, out var template, out var parseError))
        {
            return (null, LiquidTexts.Reason(parseError), true);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var c = await caller.Scope(DataResources.Conversations).Apply(db.Conversations.AsNoTracking(), x => x.Assignee)
            .SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken);
        if (c is null)
        {
            return (null, null, false);
        }

        var card = c.CustomerId is { } customerId ? await customers.CardAsync(customerId, cancellationToken) : null;
        var order = card is null ? null : await customers.LatestOrderAsync(card.Id, cancellationToken);
        var model = new TemplateModel(
            new Dictionary<string, object?>
            {
                ["name"] = card?.Name ?? card?.Nickname ?? c.ContactName ?? "顾客",
                ["nickname"] = card?.Nickname ?? c.ContactName ?? "",
                ["company"] = card?.Company ?? "",
                ["tier"] = card?.Tier ?? "",
                ["province"] = card?.Province ?? "",
                ["city"] = card?.City ?? "",
            },
            new Dictionary<string, object?>
            {
                ["id"] = c.Id, ["channel"] = c.Channel, ["intent"] = c.Intent ?? "", ["contact_name"] = c.ContactName ?? "", ["status"] = c.Status,
            },
            new Dictionary<string, object?>
            {
                ["id"] = order?.OrderId ?? "",
                ["amount"] = order?.Amount ?? 0m,
                ["currency"] = order?.Currency ?? "",
                ["channel"] = order?.Channel ?? "",
                ["date"] = order is null ? "" : order.OccurredAt.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["products"] = order?.Products.Cast<object?>().ToList() ?? [],
            },
            new Dictionary<string, object?> { ["id"] = caller.Id });
        try
        {
            var text = await template.RenderAsync(model.Context(Lenient));
            return text.Length > MaxRendered ? (null, LiquidTexts.TooLong.Filled(MaxRendered), true) : (text, null, true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, LiquidTexts.Reason(e.Message), true);
        }
    }

    private static ReplyTemplate Of(ReplyTemplateRow r) =>
        new(r.Id, r.Name, r.Body, r.Channel, r.By, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt), r.Version);

    private sealed record TemplateModel(
        Dictionary<string, object?> Customer, Dictionary<string, object?> Conversation, Dictionary<string, object?> Order, Dictionary<string, object?> Rep)
    {
        public TemplateContext Context(TemplateOptions options)
        {
            var context = new TemplateContext(options);
            context.SetValue("customer", FluidValue.Create(Customer, options));
            context.SetValue("conversation", FluidValue.Create(Conversation, options));
            context.SetValue("order", FluidValue.Create(Order, options));
            context.SetValue("rep", FluidValue.Create(Rep, options));
            return context;
        }
    }
}
