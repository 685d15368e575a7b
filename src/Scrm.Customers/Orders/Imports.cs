using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Platform.Contacts;

namespace Scrm.Customers.Orders;

/// <summary>An import's progress and its per-row errors.</summary>
public sealed record ImportStatus(Guid Id, string Kind, string Status, int Total, int Processed, int Failed, IReadOnlyList<RowError> Errors, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>Row numbers count the header as row 1, as a spreadsheet shows them.</summary>
public sealed record RowError(int Row, string Field, string Error);

internal static class ImportKinds
{
    public const string Customers = "customers";
    public const string Orders = "orders";

    public static readonly string[] CustomerColumns = ["name", "phone", "email", "company", "title", "province", "city", "source", "industry", "crm_id", "tags"];
    public static readonly string[] OrderColumns = ["order_id", "customer_id", "phone", "email", "crm_id", "name", "amount", "currency", "channel", "occurred_at", "product", "quantity"];
}

/// <summary>Queued CSV imports, processed in the background in chunks so progress shows while they run.</summary>
internal sealed class ImportQueue
{
    private readonly Channel<Guid> _jobs = Channel.CreateUnbounded<Guid>();

    public ChannelReader<Guid> Reader => _jobs.Reader;

    public void Enqueue(Guid job) => _jobs.Writer.TryWrite(job);
}

internal sealed class ImportService(CustomersDbContext db, ImportQueue queue, TimeProvider time)
{
    public const int MaxErrors = 1000;

    /// <summary>Checks the header and queues the import; the header problem is returned instead when it is wrong.</summary>
    public async Task<(ImportStatus? Status, string? Problem)> StartAsync(string kind, string content, string actor, CancellationToken cancellationToken)
    {
        using var reader = new StringReader(content);
        var header = Csv.Read(reader).FirstOrDefault();
        var allowed = kind == ImportKinds.Customers ? ImportKinds.CustomerColumns : ImportKinds.OrderColumns;
        if (header is null)
        {
            return (null, "The file is empty: the first row must name the columns.");
        }

        var unknown = header.Select(h => h.Trim().ToLowerInvariant()).Where(h => !allowed.Contains(h)).ToList();
        if (unknown.Count > 0)
        {
            return (null, $"Unknown column(s): {string.Join(", ", unknown.Take(10))}. Columns: {string.Join(", ", allowed)}.");
        }

        var job = new ImportJobRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Kind = kind,
            Status = "queued",
            Actor = actor,
            Content = content,
            CreatedAt = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        queue.Enqueue(job.Id);
        return (Status(job), null);
    }

    public async Task<ImportStatus?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken) is { } job ? Status(job) : null;

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
        var rows = Csv.Read(reader).ToList();
        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        var errors = JsonSerializer.Deserialize(job.Errors, CustomersJson.Default.ListRowError) ?? [];
        job.Status = "running";
        job.Total = rows.Count - 1;
        await db.SaveChangesAsync(cancellationToken);

        for (var start = 1 + job.Processed; start < rows.Count; start += Chunk)
        {
            var chunk = rows.Skip(start).Take(Chunk).Select((r, i) => (Row: start + i + 1, Cells: Cells(header, r))).ToList();
            var failed = job.Kind == ImportKinds.Customers
                ? await CustomersAsync(scope.ServiceProvider, job.Id, chunk, cancellationToken)
                : await OrdersAsync(scope.ServiceProvider, chunk, cancellationToken);
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

    private static Dictionary<string, string>? Cells(List<string> header, IReadOnlyList<string> row)
    {
        if (row.Count != header.Count)
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
                errors.Add(new RowError(row, "", "has a different number of cells than the header"));
                continue;
            }

            var keys = new List<IdentityKey>();
            string? phone = null;
            if (cells.TryGetValue("phone", out var rawPhone))
            {
                var (normalized, problem) = Phone.Check(rawPhone);
                if (problem is not null)
                {
                    errors.Add(new RowError(row, "phone", problem));
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
                    errors.Add(new RowError(row, "email", error));
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
                errors.Add(new RowError(row, "phone", "a customer row needs a mobile number, an e-mail address or a crm_id"));
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
                errors.Add(new RowError(row, "", "has a different number of cells than the header"));
                continue;
            }

            decimal? amount = cells.TryGetValue("amount", out var a) && decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            DateTimeOffset? at = cells.TryGetValue("occurred_at", out var t) && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
            Guid? customer = cells.TryGetValue("customer_id", out var c) && Guid.TryParse(c, out var g) ? g : null;
            int? quantity = cells.TryGetValue("quantity", out var q) && int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 1;
            var products = cells.TryGetValue("product", out var product) ? new[] { new OrderLineInput(product, quantity, amount) } : null;
            inputs.Add((row, new OrderInput(cells.GetValueOrDefault("order_id"), customer, cells.GetValueOrDefault("phone"), cells.GetValueOrDefault("email"),
                cells.GetValueOrDefault("crm_id"), cells.GetValueOrDefault("name"), amount, cells.GetValueOrDefault("currency"),
                cells.GetValueOrDefault("channel") ?? "import", at, products)));
        }

        var outcomes = await services.GetRequiredService<OrderService>().RecordAsync(inputs.Select(i => i.Order).ToList(), cancellationToken);
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i].Status is "invalid" or "conflict")
            {
                var detail = outcomes[i].Errors?.Select(e => new RowError(inputs[i].Row, e.Key, string.Join("; ", e.Value)))
                    ?? [new RowError(inputs[i].Row, "order_id", "was recorded before with other contents")];
                errors.AddRange(detail);
            }
        }

        return errors;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {Job} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid job);
}
