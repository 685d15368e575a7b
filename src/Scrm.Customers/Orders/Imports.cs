using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Platform.Calendar;
using Scrm.Platform.Contacts;
using Scrm.Platform.Tables;
using Scrm.Platform.Text;

namespace Scrm.Customers.Orders;

/// <summary>An import's progress and its per-row errors.</summary>
public sealed record ImportStatus(Guid Id, string Kind, string Status, int Total, int Processed, int Failed, IReadOnlyList<RowError> Errors, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// One refused row (row numbers count the header as row 1, as a spreadsheet shows them): <see cref="Error"/> in Chinese, and <see cref="English"/> where it was given, so
/// the report answers in the reader's language (<see cref="In"/>); runs have no request language.
/// </summary>
public sealed record RowError(int Row, string Field, string Error,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? English = null)
{
    private static readonly UserText CellCountText = new("单元格数量与表头不一致", "has a different number of cells than the header");

    public static RowError Of(int row, string field, UserText error, params object?[] args) =>
        new(row, field, error.In(Languages.Chinese, args), error.In(Languages.English, args));

    /// <summary>A row whose cells do not line up with the header (the chunk gives it no cells).</summary>
    public static RowError CellCount(int row) => Of(row, "", CellCountText);

    public RowError In(string language) => this with { Error = language == Languages.English && English is not null ? English : Error, English = null };
}

internal static class ImportKinds
{
    public const string Customers = "customers";
    public const string Orders = "orders";

    /// <summary>The column that carries each row's number in the source file through the stored, normalised copy.</summary>
    public const string RowColumn = "#row";

    private static readonly ImportField Name = new("name", "姓名", "名字", "客户名称", "客户姓名", "联系人", "客户");
    private static readonly ImportField Phone = new("phone", "手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "mobile", "tel", "telephone");
    private static readonly ImportField Email = new("email", "邮箱", "电子邮箱", "电子邮件", "邮件", "e-mail", "mail");
    private static readonly ImportField CrmId = new("crm_id", "客户编号", "crmid", "客户代码");

    public static readonly ImportField[] CustomerFields =
    [
        Name, Phone, Email,
        new("company", "公司", "公司名称", "单位", "企业", "企业名称"),
        new("title", "职位", "职务", "头衔"),
        new("province", "省份", "省", "所在省份"),
        new("city", "城市", "市", "所在城市"),
        new("source", "来源", "客户来源"),
        new("industry", "行业", "所属行业"),
        CrmId,
        new("tags", "标签"),
    ];

    public static readonly ImportField[] OrderFields =
    [
        new("order_id", "订单号", "订单编号", "单号", "order no", "order number"),
        new("customer_id", "客户ID"),
        Phone, Email, CrmId,
        Name with { Aliases = [.. Name.Aliases, "收货人", "买家"] },
        new("amount", "金额", "订单金额", "实付金额", "付款金额", "总金额", "total"),
        new("currency", "币种", "货币"),
        new("channel", "渠道", "销售渠道", "平台", "店铺"),
        new("occurred_at", "下单时间", "订单时间", "付款时间", "成交时间", "日期", "时间", "ordered at", "date", "time"),
        new("product", "商品", "产品", "商品名称", "产品名称"),
        new("quantity", "数量", "购买数量", "qty"),
    ];

    public static IReadOnlyList<ImportField> Fields(string kind) => kind == Customers ? CustomerFields : OrderFields;
}

/// <summary>
/// Rows of a kind another module imports through this pipeline (leads): the columns it understands
/// and what it does with each chunk of rows. The pipeline reads the file, previews it, stores the job,
/// runs it in chunks and reports progress and per-row errors the same way for every kind.
/// </summary>
public interface IImportRows
{
    string Kind { get; }

    IReadOnlyList<ImportField> Fields { get; }

    /// <summary>Imports one chunk; the answer lists the rows refused (the rest were imported). Rows with null cells had another number of cells than the header.</summary>
    Task<IReadOnlyList<RowError>> ImportAsync(ImportChunk chunk, CancellationToken cancellationToken);
}

/// <summary>A chunk of an import job's rows: who started the job, and each row's number with its cells by field.</summary>
public sealed record ImportChunk(Guid Job, string Actor, IReadOnlyList<(int Row, IReadOnlyDictionary<string, string>? Cells)> Rows);

/// <summary>What an import would do, shown before anything is written: each column's field, the first rows as read, and what stops it.</summary>
public sealed record ImportPreview(string Kind, string Format, string? Encoding, int Rows, IReadOnlyList<ColumnMapping> Columns, IReadOnlyList<PreviewRow> Sample, IReadOnlyList<string> Problems)
{
    public bool Ready => Problems.Count == 0;
}

/// <summary>One row as the import would read it: the source row number and its cells by field.</summary>
public sealed record PreviewRow(int Row, IReadOnlyDictionary<string, string> Cells);

/// <summary>Queued CSV imports, processed in the background in chunks so progress shows while they run.</summary>
internal sealed class ImportQueue
{
    private readonly Channel<Guid> _jobs = Channel.CreateUnbounded<Guid>();

    public ChannelReader<Guid> Reader => _jobs.Reader;

    public void Enqueue(Guid job) => _jobs.Writer.TryWrite(job);
}

/// <summary>Starts imports (after a preview that writes nothing) and answers their progress; other modules' kinds come as <see cref="IImportRows"/>.</summary>
public sealed class ImportService
{
    private readonly CustomersDbContext _db;
    private readonly ImportQueue _queue;
    private readonly TimeProvider _time;
    private readonly IEnumerable<IImportRows> _kinds;

    internal ImportService(CustomersDbContext db, ImportQueue queue, TimeProvider time, IEnumerable<IImportRows> kinds)
    {
        _db = db;
        _queue = queue;
        _time = time;
        _kinds = kinds;
    }

    /// <summary>The columns an import of <paramref name="kind"/> understands.</summary>
    public IReadOnlyList<ImportField> FieldsOf(string kind) =>
        kind is ImportKinds.Customers or ImportKinds.Orders ? ImportKinds.Fields(kind) : _kinds.First(k => k.Kind == kind).Fields;

    /// <summary>The preview of an import of <paramref name="kind"/>; nothing is written.</summary>
    public ImportPreview PreviewOf(string kind, Sheet sheet, string language) => Preview(kind, FieldsOf(kind), sheet, language);

    public const int MaxErrors = 1000;

    /// <summary>The most rows one file may carry.</summary>
    public const int MaxRows = 200_000;

    public const int PreviewRows = 10;

    /// <summary>The mapping and the first rows, and what would refuse the import; nothing is written.</summary>
    public static ImportPreview Preview(string kind, Sheet sheet, string language) => Preview(kind, ImportKinds.Fields(kind), sheet, language);

    private static ImportPreview Preview(string kind, IReadOnlyList<ImportField> fields, Sheet sheet, string language)
    {
        var mapping = Columns.Map(sheet.Header, fields);
        var sample = sheet.Rows.Take(PreviewRows).Select(r => new PreviewRow(r.Row, Cells(mapping, r.Cells))).ToList();
        return new ImportPreview(kind, sheet.Format, sheet.Encoding, sheet.Rows.Count, mapping.Columns, sample, HeaderProblems(fields, mapping, language));
    }

    internal static IReadOnlyList<string> HeaderProblems(IReadOnlyList<ImportField> fields, HeaderMapping mapping, string language)
    {
        var problems = new List<string>();
        if (mapping.Unknown.Count > 0)
        {
            problems.Add(Texts.UnknownColumns.In(language, string.Join("、", mapping.Unknown.Take(10)), Columns.Describe(fields)));
        }

        if (mapping.Repeated.Count > 0)
        {
            problems.Add(Texts.RepeatedColumns.In(language, string.Join("、", mapping.Repeated.Distinct())));
        }

        return problems;
    }

    private static Dictionary<string, string> Cells(HeaderMapping mapping, IReadOnlyList<string> row)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in mapping.Columns)
        {
            if (column.Field is { } field && column.Index < row.Count && !string.IsNullOrWhiteSpace(row[column.Index]))
            {
                cells.TryAdd(field, row[column.Index].Trim());
            }
        }

        return cells;
    }

    /// <summary>
    /// Checks the header and queues the import; the header's problems are returned instead when it is
    /// wrong. The rows are stored normalised (fields by canonical name, each with its source row number)
    /// so the background run reads a CSV, an .xlsx and a GB18030 file the same way.
    /// </summary>
    public async Task<(ImportStatus? Status, IReadOnlyList<string> Problems)> StartAsync(string kind, Sheet sheet, string actor, string language, CancellationToken cancellationToken)
    {
        var kindFields = FieldsOf(kind);
        var mapping = Columns.Map(sheet.Header, kindFields);
        var problems = HeaderProblems(kindFields, mapping, language);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var fields = mapping.Columns.Where(c => c.Field is not null).ToList();
        using var content = new StringWriter(CultureInfo.InvariantCulture);
        // A CSV row with another number of cells than the header is kept as its number alone: the run reports it.
        Csv.WriteRaw(content, sheet.Rows.Select(r => (sheet.Format == SheetFormats.Csv && r.Cells.Count != sheet.Header.Count
                ? []
                : fields.Select(f => f.Index < r.Cells.Count ? r.Cells[f.Index] : ""))
            .Prepend(r.Row.ToString(CultureInfo.InvariantCulture)))
            .Prepend(fields.Select(f => f.Field).Prepend(ImportKinds.RowColumn)));

        var job = new ImportJobRow
        {
            Id = Guid.CreateVersion7(_time.GetUtcNow()),
            Kind = kind,
            Status = "queued",
            Actor = actor,
            Content = content.ToString(),
            CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        _db.ImportJobs.Add(job);
        await _db.SaveChangesAsync(cancellationToken);
        _queue.Enqueue(job.Id);
        return (Status(job), []);
    }

    /// <summary>The import's progress, its row errors in <paramref name="language"/>.</summary>
    public async Task<ImportStatus?> GetAsync(Guid id, string language, CancellationToken cancellationToken)
    {
        if (await _db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken) is not { } job)
        {
            return null;
        }

        var status = Status(job);
        return status with { Errors = [.. status.Errors.Select(e => e.In(language))] };
    }

    internal static ImportStatus Status(ImportJobRow j) => new(j.Id, j.Kind, j.Status, j.Total, j.Processed, j.Failed,
        JsonSerializer.Deserialize(j.Errors, CustomersJson.Default.ListRowError) ?? [],
        DateTimeOffset.FromUnixTimeMilliseconds(j.CreatedAt), j.FinishedAt is { } f ? DateTimeOffset.FromUnixTimeMilliseconds(f) : null);
}

/// <summary>Runs queued imports one at a time, 500 rows per transaction, saving progress after each chunk.</summary>
internal sealed partial class ImportWorker(IServiceScopeFactory scopes, ImportQueue queue, TimeProvider time, ILogger<ImportWorker> log) : BackgroundService
{
    public const int Chunk = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Imports queued before a restart are picked up again (rows already done are idempotent).
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CustomersDbContext>();
            foreach (var id in await db.ImportJobs.Where(j => j.Status == "queued" || j.Status == "running").Select(j => j.Id).ToListAsync(stoppingToken))
            {
                queue.Enqueue(id);
            }
        }

        await foreach (var id in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RunAsync(id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(log, ex, id);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CustomersDbContext>();
        var job = await db.ImportJobs.FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job?.Content is null || job.Status is "done" or "failed")
        {
            return;
        }

        using var reader = new StringReader(job.Content);
        var rows = Csv.ReadRows(reader).ToList();
        var header = rows[0].Cells.Select(h => h.Trim().ToLowerInvariant()).ToList();
        // A job stored before rows carried their numbers counts them from the header as row 1.
        var numbered = header.Count > 0 && header[0] == ImportKinds.RowColumn;
        var errors = JsonSerializer.Deserialize(job.Errors, CustomersJson.Default.ListRowError) ?? [];
        job.Status = "running";
        job.Total = rows.Count - 1;
        await db.SaveChangesAsync(cancellationToken);

        for (var start = 1 + job.Processed; start < rows.Count; start += Chunk)
        {
            var chunk = rows.Skip(start).Take(Chunk).Select((r, i) => numbered
                ? (Row: int.Parse(r.Cells[0], CultureInfo.InvariantCulture), Cells: Cells(header, r.Cells))
                : (Row: start + i + 1, Cells: Cells(header, r.Cells))).ToList();
            var failed = job.Kind switch
            {
                ImportKinds.Customers => await CustomersAsync(scope.ServiceProvider, job.Id, chunk, cancellationToken),
                ImportKinds.Orders => await OrdersAsync(scope.ServiceProvider, chunk, cancellationToken),
                var kind => [.. await scope.ServiceProvider.GetServices<IImportRows>().First(k => k.Kind == kind)
                    .ImportAsync(new ImportChunk(job.Id, job.Actor, [.. chunk.Select(r => (r.Row, (IReadOnlyDictionary<string, string>?)r.Cells))]), cancellationToken)],
            };
            errors.AddRange(failed.Take(Math.Max(0, ImportService.MaxErrors - errors.Count)));
            job.Processed += chunk.Count;
            job.Failed += failed.Select(f => f.Row).Distinct().Count();
            job.Errors = JsonSerializer.Serialize(errors, CustomersJson.Default.ListRowError);
            // Resolution clears the shared context: mark the job changed again.
            db.ImportJobs.Update(job);
            await db.SaveChangesAsync(cancellationToken);
        }

        job.Status = "done";
        job.Content = null;
        job.FinishedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        db.ImportJobs.Update(job);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static Dictionary<string, string>? Cells(List<string> header, string[] row)
    {
        if (row.Length != header.Count)
        {
            return null;
        }

        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(row[i]))
            {
                cells[header[i]] = row[i].Trim();
            }
        }

        return cells;
    }

    private static async Task<List<RowError>> CustomersAsync(IServiceProvider services, Guid job, List<(int Row, Dictionary<string, string>? Cells)> chunk, CancellationToken cancellationToken)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var importedAt = time.GetUtcNow();
        var errors = new List<RowError>();
        var observations = new List<Observation>();
        var tags = new List<(int Index, string[] Tags)>();
        foreach (var (row, cells) in chunk)
        {
            if (cells is null)
            {
                errors.Add(RowError.CellCount(row));
                continue;
            }

            var keys = new List<IdentityKey>();
            string? phone = null;
            if (cells.TryGetValue("phone", out var rawPhone))
            {
                var (normalized, problem) = Phone.Check(rawPhone);
                if (problem is not null)
                {
                    errors.Add(RowError.Of(row, "phone", Phone.Refused, problem));
                    continue;
                }

                phone = normalized!.E164 ?? normalized.Raw;
                if (PhoneKeys.FromE164(normalized.E164) is { } key)
                {
                    keys.Add(key);
                }
            }

            string? email = null;
            if (cells.TryGetValue("email", out var rawEmail))
            {
                (email, var error) = Email.Normalize(rawEmail);
                if (error is not null)
                {
                    errors.Add(RowError.Of(row, "email", Email.Refused, error));
                    continue;
                }

                keys.Add(IdentityKey.Global(IdentityTypes.Email, email!));
            }

            if (cells.TryGetValue("crm_id", out var crm))
            {
                keys.Add(new IdentityKey(IdentityTypes.CrmId, OrderService.CrmSystem, crm));
            }

            if (keys.Count == 0)
            {
                errors.Add(RowError.Of(row, "phone", CustomerTexts.RowNeedsKey));
                continue;
            }

            observations.Add(new Observation
            {
                EventKey = $"import:{job:N}:{row.ToString(CultureInfo.InvariantCulture)}",
                Kind = "import",
                Channel = "import",
                OccurredAt = importedAt,
                Keys = keys,
                Profile = new ProfileHints
                {
                    Name = cells.GetValueOrDefault("name"),
                    Company = cells.GetValueOrDefault("company"),
                    Title = cells.GetValueOrDefault("title"),
                    Province = cells.GetValueOrDefault("province"),
                    City = cells.GetValueOrDefault("city"),
                    Source = cells.GetValueOrDefault("source") ?? "import",
                    Industry = cells.GetValueOrDefault("industry"),
                    Phone = phone,
                    Email = email,
                },
                Summary = "imported",
            });
            if (cells.TryGetValue("tags", out var tagList))
            {
                tags.Add((observations.Count - 1, tagList.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }
        }

        var engine = services.GetRequiredService<ResolutionEngine>();
        var customers = await engine.ApplyAsync(observations, cancellationToken);
        if (tags.Count > 0)
        {
            var db = services.GetRequiredService<CustomersDbContext>();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var ids = customers.Where(c => c is not null).Select(c => c!.Value).Distinct().ToList();
            var existing = (await db.Tags.Where(t => ids.Contains(t.CustomerId)).Select(t => new { t.CustomerId, t.Tag }).ToListAsync(cancellationToken))
                .Select(t => (t.CustomerId, t.Tag)).ToHashSet();
            foreach (var (index, names) in tags)
            {
                if (customers[index] is not { } customer)
                {
                    continue;
                }

                foreach (var tag in names.Where(t => t.Length is > 0 and <= 64))
                {
                    if (existing.Add((customer, tag)))
                    {
                        db.Tags.Add(new TagRow { CustomerId = customer, Tag = tag, Kind = TagKinds.Manual, CreatedAt = now });
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken);

            // Stamped after the tags are saved, so CustomerChanges readers (the search index) read them again.
            await db.Customers.Where(c => ids.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        }

        return errors;
    }

    private static async Task<List<RowError>> OrdersAsync(IServiceProvider services, List<(int Row, Dictionary<string, string>? Cells)> chunk, CancellationToken cancellationToken)
    {
        var errors = new List<RowError>();
        var inputs = new List<(int Row, OrderInput Order)>();
        foreach (var (row, cells) in chunk)
        {
            if (cells is null)
            {
                errors.Add(RowError.CellCount(row));
                continue;
            }

            var amount = CellValues.Amount(cells.GetValueOrDefault("amount"));
            var at = CellValues.Time(cells.GetValueOrDefault("occurred_at"), ChinaTime.Offset);
            Guid? customer = cells.TryGetValue("customer_id", out var c) && Guid.TryParse(c, out var g) ? g : null;
            int? quantity = cells.TryGetValue("quantity", out var q) && int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
            var products = cells.TryGetValue("product", out var product) ? new[] { new OrderLineInput(product, quantity, amount) } : null;
            inputs.Add((row, new OrderInput(cells.GetValueOrDefault("order_id"), customer, cells.GetValueOrDefault("phone"), cells.GetValueOrDefault("email"),
                cells.GetValueOrDefault("crm_id"), cells.GetValueOrDefault("name"), amount, cells.GetValueOrDefault("currency"),
                cells.GetValueOrDefault("channel") ?? "import", at, products)));
        }

        var outcomes = await services.GetRequiredService<OrderService>().RecordAsync(inputs.Select(i => i.Order).ToList(), Languages.Chinese, cancellationToken);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Status is "invalid" or "conflict")
            {
                var detail = outcomes[i].Problems is { } problems
                    ? problems.ToDictionary(Languages.Chinese).Zip(problems.ToDictionary(Languages.English),
                        (zh, en) => new RowError(inputs[i].Row, zh.Key, string.Join("；", zh.Value), string.Join("; ", en.Value)))
                    : [RowError.Of(inputs[i].Row, "order_id", CustomerTexts.OrderRecordedBefore)];
                errors.AddRange(detail);
            }
        }

        return errors;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {Job} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid job);
}

internal static class Texts
{
    public static readonly UserText UnknownColumns = new("无法识别的列：{0}。可用的列：{1}。", "Unknown column(s): {0}. Columns: {1}.");
    public static readonly UserText RepeatedColumns = new("多个列对应同一字段：{0}。", "Several columns mean the same field: {0}.");
}
