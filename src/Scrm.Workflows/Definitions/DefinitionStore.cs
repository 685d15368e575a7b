using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Platform.Text;
using Scrm.Workflows.Activities;
using Scrm.Workflows.Runtime;
using Scrm.Workflows.Storage;

namespace Scrm.Workflows.Definitions;

/// <summary>
/// Drafts and published versions. A definition has at most one draft (the version after the
/// newest published one); publishing freezes it, retires the previous published version (whose
/// instances go on running on it) and re-indexes the definition's triggers.
/// </summary>
internal sealed class DefinitionStore
{
    private readonly IDbContextFactory<WorkflowsDbContext> _contexts;
    private readonly DefinitionValidator _validator;
    private readonly ActivityRegistry _registry;
    private readonly WorkflowsOptions _options;
    private readonly TimeProvider _time;
    private readonly IWorkflowTimers _timers;
    private readonly ConcurrentDictionary<string, (WorkflowDefinition? Definition, long LoadedAt)> _published = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, int), WorkflowDefinition> _versions = new();

    internal DefinitionStore(IDbContextFactory<WorkflowsDbContext> contexts, DefinitionValidator validator, ActivityRegistry registry,
        IOptions<WorkflowsOptions> options, TimeProvider time, IWorkflowTimers timers)
    {
        _contexts = contexts;
        _validator = validator;
        _registry = registry;
        _options = options.Value;
        _time = time;
        _timers = timers;
    }

    /// <summary>How long a replica trusts its cached "newest published version" before asking again.</summary>
    private static readonly TimeSpan PublishedCacheTime = TimeSpan.FromSeconds(2);

    public IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition) => _validator.Validate(definition, _options.MaxActivities);

    public async Task<SaveResult> CreateAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Definitions.AnyAsync(d => d.Id == definition.Id, cancellationToken))
        {
            return SaveResult.Exists;
        }

        var saved = definition with { Version = 1 };
        db.Definitions.Add(Row(saved, DefinitionStates.Draft));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return SaveResult.Exists;
        }

        return SaveResult.Saved(saved, DefinitionStates.Draft);
    }

    /// <summary>
    /// Replaces the draft, or starts a new draft after the newest published version. With
    /// <paramref name="basedOn"/> (the newest version as the editor loaded it) the save is a conflict
    /// when someone saved or published another version meanwhile, and nothing is stored.
    /// </summary>
    public async Task<SaveResult> SaveDraftAsync(string id, WorkflowDefinition definition, CancellationToken cancellationToken, WorkflowDefinition? basedOn = null)
    {
        if (definition.Id != id)
        {
            return SaveResult.Invalid([DefinitionError.Of(null, "id-mismatch", new UserText("正文中的 ID '{0}' 与地址中的 ID '{1}' 不一致。", "The body's id '{0}' is not the id in the address, '{1}'."), definition.Id, id)]);
        }

        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            return SaveResult.Invalid(errors);
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var latest = await db.Definitions.Where(d => d.Id == id).OrderByDescending(d => d.Version).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return SaveResult.NotFound;
        }

        var loaded = basedOn is null ? null : DefinitionJson.Serialize(basedOn);
        if (basedOn is not null && (latest.Version != basedOn.Version || latest.Json != loaded))
        {
            return SaveResult.Stale;
        }

        if (latest.State == DefinitionStates.Draft)
        {
            var saved = definition with { Version = latest.Version };
            if (loaded is not null)
            {
                // Only over the draft as it was loaded: a save that raced this one wins, this one is a conflict.
                var json = DefinitionJson.Serialize(saved);
                var now = Now;
                var changed = await db.Definitions.Where(d => d.Id == id && d.Version == latest.Version && d.State == DefinitionStates.Draft && d.Json == loaded)
                    .ExecuteUpdateAsync(u => u.SetProperty(d => d.Name, saved.Name).SetProperty(d => d.Json, json).SetProperty(d => d.UpdatedAt, now), cancellationToken);
                return changed == 1 ? SaveResult.Saved(saved, DefinitionStates.Draft) : SaveResult.Stale;
            }

            latest.Name = saved.Name;
            latest.Json = DefinitionJson.Serialize(saved);
            latest.UpdatedAt = Now;
            await db.SaveChangesAsync(cancellationToken);
            return SaveResult.Saved(saved, DefinitionStates.Draft);
        }

        var draft = definition with { Version = latest.Version + 1 };
        db.Definitions.Add(Row(draft, DefinitionStates.Draft));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (basedOn is not null)
        {
            return SaveResult.Stale;
        }

        return SaveResult.Saved(draft, DefinitionStates.Draft);
    }

    public async Task<PublishResult> PublishAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var rows = await db.Definitions.Where(d => d.Id == id).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return new PublishResult(PublishOutcome.NotFound, null);
        }

        var draft = rows.FirstOrDefault(r => r.State == DefinitionStates.Draft);
        if (draft is null)
        {
            return new PublishResult(PublishOutcome.NothingToPublish, null);
        }

        var definition = DefinitionJson.Deserialize(draft.Json);
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            return new PublishResult(PublishOutcome.Invalid, null, errors);
        }

        foreach (var published in rows.Where(r => r.State == DefinitionStates.Published))
        {
            published.State = DefinitionStates.Retired;
        }

        draft.State = DefinitionStates.Published;
        draft.PublishedAt = Now;
        await db.Triggers.Where(t => t.DefinitionId == id).ExecuteDeleteAsync(cancellationToken);
        foreach (var trigger in definition.Triggers)
        {
            var descriptor = _registry.Find(trigger.Type)!;
            if (_registry.Prototype(descriptor) is TriggerActivity activity && activity.Stimulus(trigger) is { } stimulus)
            {
                db.Triggers.Add(new TriggerRow
                {
                    DefinitionId = id,
                    ActivityId = trigger.Id,
                    Version = definition.Version,
                    Name = stimulus.Name,
                    Key = stimulus.Key,
                    Hash = StimulusHash.Of(stimulus.Name, stimulus.Key),
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _published[id] = (definition, Now);
        await _timers.ScheduleCronAsync(definition, cancellationToken);
        return new PublishResult(PublishOutcome.Published, definition);
    }

    /// <summary>The newest published version; drafts never run.</summary>
    public async Task<WorkflowDefinition?> GetPublishedAsync(string id, CancellationToken cancellationToken)
    {
        if (_published.TryGetValue(id, out var cached) && Now - cached.LoadedAt < PublishedCacheTime.TotalMilliseconds)
        {
            return cached.Definition;
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var json = await db.Definitions.AsNoTracking().Where(d => d.Id == id && d.State == DefinitionStates.Published)
            .Select(d => d.Json).FirstOrDefaultAsync(cancellationToken);
        var definition = json is null ? null : DefinitionJson.Deserialize(json);
        _published[id] = (definition, Now);
        return definition;
    }

    /// <summary>A published (or retired) version, which never changes once published.</summary>
    public async Task<WorkflowDefinition?> GetVersionAsync(string id, int version, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue((id, version), out var cached))
        {
            return cached;
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.Version == version, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var definition = DefinitionJson.Deserialize(row.Json);
        if (row.State != DefinitionStates.Draft)
        {
            _versions[(id, version)] = definition;
        }

        return definition;
    }

    /// <summary>The newest version (draft or published) with every version's state.</summary>
    public async Task<DefinitionView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Definitions.AsNoTracking().Where(d => d.Id == id).OrderByDescending(d => d.Version).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return null;
        }

        return new DefinitionView(
            DefinitionJson.Deserialize(rows[0].Json),
            rows[0].State,
            rows.Select(r => new VersionView(r.Version, r.State, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
                r.PublishedAt is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null)).ToList());
    }

    public async Task<IReadOnlyList<DefinitionSummary>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Definitions.AsNoTracking()
            .Select(d => new { d.Id, d.Version, d.State, d.Name })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Id).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var latest = g.MaxBy(r => r.Version)!;
                return new DefinitionSummary(g.Key, latest.Name, latest.Version, latest.State,
                    g.Where(r => r.State == DefinitionStates.Published).Select(r => (int?)r.Version).FirstOrDefault());
            })
            .ToList();
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private DefinitionRow Row(WorkflowDefinition definition, string state) => new()
    {
        Id = definition.Id,
        Version = definition.Version,
        State = state,
        Name = definition.Name,
        Json = DefinitionJson.Serialize(definition),
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}

internal sealed record SaveResult(SaveOutcome Outcome, WorkflowDefinition? Definition, string? State, IReadOnlyList<DefinitionError> Errors)
{
    public static SaveResult NotFound { get; } = new(SaveOutcome.NotFound, null, null, []);

    public static SaveResult Exists { get; } = new(SaveOutcome.Exists, null, null, []);

    public static SaveResult Stale { get; } = new(SaveOutcome.Stale, null, null, []);

    public static SaveResult Saved(WorkflowDefinition definition, string state) => new(SaveOutcome.Saved, definition, state, []);

    public static SaveResult Invalid(IReadOnlyList<DefinitionError> errors) => new(SaveOutcome.Invalid, null, null, errors);
}

internal enum SaveOutcome
{
    Saved,
    Invalid,
    NotFound,

    /// <summary>Creating: a workflow with this id exists.</summary>
    Exists,

    /// <summary>Saving over a loaded version: someone saved or published another version meanwhile; nothing was stored.</summary>
    Stale,
}

internal sealed record PublishResult(PublishOutcome Outcome, WorkflowDefinition? Definition, IReadOnlyList<DefinitionError>? Errors = null);

internal enum PublishOutcome
{
    Published,
    NotFound,
    NothingToPublish,
    Invalid,
}

internal sealed record DefinitionView(WorkflowDefinition Definition, string State, IReadOnlyList<VersionView> Versions);

internal sealed record VersionView(int Version, string State, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt);

internal sealed record DefinitionSummary(string Id, string Name, int LatestVersion, string LatestState, int? PublishedVersion);
