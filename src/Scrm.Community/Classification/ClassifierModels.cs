using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using Scrm.Community.Storage;

namespace Scrm.Community.Classification;

/// <summary>A model version as the API lists it.</summary>
internal sealed record ModelVersionInfo(string Version, bool Active, DateTimeOffset CreatedAt, DateTimeOffset? ActivatedAt, IReadOnlyDictionary<string, int> Examples, string? Note);

/// <summary>What a community manager says a text should have been classified as; unset parts were right.</summary>
internal sealed record Correction(string Text, string? Intent, string? Sentiment, IReadOnlyList<string>? Topics);

/// <summary>
/// The classifier's versions: corrections are stored, a retrain learns the labelled base data plus
/// every correction and becomes the active version, and any earlier version can be made active
/// again (rollback). The active version is the one activated last, in the store, so every replica
/// converges on it.
/// </summary>
internal sealed partial class ClassifierModels(
    IDbContextFactory<CommunityDbContext> contexts,
    TextClassifier classifier,
    IOptionsMonitor<CommunityOptions> options,
    TimeProvider time,
    ILogger<ClassifierModels> log) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _loaded;

    /// <summary>The topic codes a correction may name: the lexicon's topics and the defaults.</summary>
    public IReadOnlySet<string> Topics => classifier.Matcher.Lexicon.Topics.Concat(Taxonomy.DefaultTopics).ToHashSet(StringComparer.Ordinal);

    /// <summary>Makes the stored active version (and the stored lexicon) decide, if that is not already so.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var lexicon = await db.Lexicons.AsNoTracking().OrderByDescending(l => l.Version).FirstOrDefaultAsync(cancellationToken);
            var active = await db.ModelVersions.AsNoTracking().Where(v => v.ActivatedAt != null)
                .OrderByDescending(v => v.ActivatedAt).Select(v => new { v.Version, v.ActivatedAt }).FirstOrDefaultAsync(cancellationToken);
            var wanted = $"{active?.Version ?? TextClassifier.ShippedVersion}@{active?.ActivatedAt}|lexicon {lexicon?.Version ?? 0}";
            if (wanted == _loaded)
            {
                return;
            }

            var matcher = new LexiconMatcher(lexicon is null ? Lexicon.Default : Lexicon.Parse(lexicon.Json));
            var model = await LoadAsync(db, active?.Version ?? TextClassifier.ShippedVersion, matcher, cancellationToken);
            classifier.Use(matcher, model);
            _loaded = wanted;
            LogActive(log, classifier.Model);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<ModelVersionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ModelVersions.AsNoTracking()
            .Select(v => new { v.Version, v.Card, v.CreatedAt, v.ActivatedAt }).ToListAsync(cancellationToken);
        var activeVersion = rows.Where(r => r.ActivatedAt != null).MaxBy(r => r.ActivatedAt)?.Version ?? TextClassifier.ShippedVersion;
        var list = rows.Select(r =>
        {
            var card = ModelCard.FromJson(r.Card);
            return new ModelVersionInfo(r.Version, r.Version == activeVersion, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
                r.ActivatedAt is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null, card.Examples, card.Note);
        }).ToList();
        if (list.All(v => v.Version != TextClassifier.ShippedVersion) && TextClassifier.ShippedCard() is { } shipped)
        {
            list.Add(new ModelVersionInfo(shipped.Version, activeVersion == shipped.Version, shipped.TrainedAt, null, shipped.Examples, shipped.Note));
        }

        return [.. list.OrderByDescending(v => v.CreatedAt)];
    }

    public async Task<long> CorrectAsync(Correction correction, string by, CancellationToken cancellationToken)
    {
        var before = classifier.Classify(correction.Text);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = new CorrectionRow
        {
            Text = correction.Text,
            Intent = correction.Intent,
            Sentiment = correction.Sentiment,
            Topics = correction.Topics is null ? null : JsonSerializer.Serialize(correction.Topics),
            Before = JsonSerializer.Serialize(before, JsonSerializerOptions.Web),
            By = by,
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.Corrections.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row.Id;
    }

    /// <summary>Corrections no version has learned yet (a rollback does not make the newer version's corrections new again).</summary>
    public async Task<int> PendingCorrectionsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var upTo = await db.ModelVersions.MaxAsync(v => (long?)v.CorrectionsUpTo, cancellationToken) ?? 0;
        return await db.Corrections.CountAsync(c => c.Id > upTo, cancellationToken);
    }

    /// <summary>Trains a new version from the base data and every correction, stores it and makes it active.</summary>
    public async Task<ModelVersionInfo> RetrainAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Classifier;
        if (settings.TrainingData.Count == 0)
        {
            throw new InvalidOperationException("No labelled training data is configured (Scrm:Community:Classifier:TrainingData); a retrain needs it besides the corrections.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var corrections = await db.Corrections.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
            var examples = settings.TrainingData.SelectMany(LabelledText.ReadJsonLines)
                .Concat(corrections.Select(c => ToExample(c, settings.CorrectionWeight)))
                .ToList();
            var matcher = classifier.Matcher;
            var thresholds = classifier.Trained?.Card.Thresholds ?? TextClassifier.ShippedCard()?.Thresholds ?? ModelThresholds.Default;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var ml = new MLContext(seed: 7);
            var (transformer, counts) = await Task.Run(() => ModelTrainer.Train(ml, examples, matcher, ModelTrainer.TrainingSettings.Default), cancellationToken);
            var now = time.GetUtcNow();
            var number = await db.ModelVersions.CountAsync(v => v.Version.StartsWith(TextClassifier.ShippedVersion + ".r"), cancellationToken) + 1;
            var card = new ModelCard($"{TextClassifier.ShippedVersion}.r{number}", now, thresholds, counts,
                $"{examples.Count - corrections.Count} labelled texts + {corrections.Count} correction(s)");
            db.ModelVersions.Add(new ModelVersionRow
            {
                Version = card.Version,
                Card = card.ToJson(),
                Model = ModelTrainer.Save(ml, transformer),
                CreatedAt = now.ToUnixTimeMilliseconds(),
                ActivatedAt = now.ToUnixTimeMilliseconds(),
                CorrectionsUpTo = corrections.Count == 0 ? 0 : corrections[^1].Id,
            });
            await db.SaveChangesAsync(cancellationToken);
            var elapsed = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogRetrained(log, card.Version, corrections.Count, elapsed);
            classifier.Use(matcher, new TrainedModel(ml, transformer, card, matcher));
            _loaded = $"{card.Version}@{now.ToUnixTimeMilliseconds()}|lexicon {matcher.Lexicon.Version}";
            return new ModelVersionInfo(card.Version, true, now, now, counts, card.Note);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes a stored (or the shipped) version active again; null when there is no such version.</summary>
    public async Task<bool> ActivateAsync(string version, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var row = await db.ModelVersions.SingleOrDefaultAsync(v => v.Version == version, cancellationToken);
            if (row is null)
            {
                if (version != TextClassifier.ShippedVersion || TextClassifier.ShippedCard() is not { } shipped)
                {
                    return false;
                }

                // The shipped version lives in the assembly; its row only records when it was activated.
                row = new ModelVersionRow { Version = version, Card = shipped.ToJson(), CreatedAt = shipped.TrainedAt.ToUnixTimeMilliseconds() };
                db.ModelVersions.Add(row);
            }

            row.ActivatedAt = Math.Max(now, (await db.ModelVersions.MaxAsync(v => v.ActivatedAt, cancellationToken) ?? 0) + 1);
            await db.SaveChangesAsync(cancellationToken);
        }

        await SyncAsync(cancellationToken);
        return true;
    }

    /// <summary>Goes back to the version that was active before the current one; null when there is none.</summary>
    public async Task<string?> RollbackAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var history = await db.ModelVersions.AsNoTracking().Where(v => v.ActivatedAt != null).OrderByDescending(v => v.ActivatedAt)
            .Select(v => v.Version).Take(2).ToListAsync(cancellationToken);
        var previous = history.Count switch
        {
            0 => null,
            1 => history[0] == TextClassifier.ShippedVersion ? null : TextClassifier.ShippedVersion,
            _ => history[1],
        };
        return previous is not null && await ActivateAsync(previous, cancellationToken) ? previous : null;
    }

    /// <summary>Stores an edited lexicon as the next version and uses it from now on.</summary>
    public async Task<int> SetLexiconAsync(Lexicon lexicon, string by, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var version = (await db.Lexicons.MaxAsync(l => (int?)l.Version, cancellationToken) ?? Lexicon.Default.Version) + 1;
            db.Lexicons.Add(new LexiconRow { Version = version, Json = (lexicon with { Version = version }).ToJson(), By = by, At = time.GetUtcNow().ToUnixTimeMilliseconds() });
            await db.SaveChangesAsync(cancellationToken);
        }

        await SyncAsync(cancellationToken);
        return classifier.Matcher.Lexicon.Version;
    }

    private static async Task<TrainedModel?> LoadAsync(CommunityDbContext db, string version, LexiconMatcher matcher, CancellationToken cancellationToken)
    {
        var row = await db.ModelVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Version == version, cancellationToken);
        if (row?.Model is null)
        {
            return version == TextClassifier.ShippedVersion ? TextClassifier.LoadShippedModel(matcher) : null;
        }

        var ml = new MLContext(seed: 1);
        return new TrainedModel(ml, ModelTrainer.Load(ml, row.Model), ModelCard.FromJson(row.Card), matcher);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>A correction as labels for the heads it speaks to.</summary>
    internal static LabelledText ToExample(CorrectionRow row, float weight)
    {
        var topics = row.Topics is null ? null : JsonSerializer.Deserialize<List<string>>(row.Topics)?.ToHashSet(StringComparer.Ordinal);
        var (positive, complaint) = (row.Sentiment, row.Intent) switch
        {
            (Taxonomy.Sentiments.Positive, _) => (true, false),
            (Taxonomy.Sentiments.Negative, _) => (false, true),
            (Taxonomy.Sentiments.Mixed, _) => ((bool?)null, (bool?)true),
            (Taxonomy.Sentiments.Neutral, _) => (null, false),
            (_, Taxonomy.Intents.Complaint) => (null, true),
            (_, Taxonomy.Intents.Praise) => (true, false),
            _ => (null, null),
        };
        return new LabelledText(row.Text, positive, complaint, topics, row.Sentiment, row.Intent, weight);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Community classifier {Model} is active")]
    private static partial void LogActive(ILogger logger, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Community classifier {Version} trained with {Corrections} correction(s) in {Milliseconds} ms")]
    private static partial void LogRetrained(ILogger logger, string version, int corrections, long milliseconds);
}
