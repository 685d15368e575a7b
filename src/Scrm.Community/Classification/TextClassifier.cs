using System.Reflection;
using Microsoft.ML;

namespace Scrm.Community.Classification;

/// <summary>
/// The classifier in use: the active trained model version when there is one, else the rules.
/// Switching versions (a retrain, a rollback, an edited lexicon) swaps one reference, so a
/// classification in flight finishes on the version it started with and says which one it was.
/// </summary>
internal sealed class TextClassifier : IDisposable
{
    /// <summary>The model version trained from the labelled review sets and shipped inside the product.</summary>
    public const string ShippedVersion = "zh-reviews-1";

    private Active _active;

    internal TextClassifier(LexiconMatcher matcher, TrainedModel? model)
    {
        _active = new Active(new RulesClassifier(matcher), model);
    }

    /// <summary>The name of the model that decides now (<c>rules-v1</c> or a trained version).</summary>
    public string Model => _active.Model?.Version ?? _active.Rules.Model;

    internal LexiconMatcher Matcher => _active.Rules.Matcher;

    internal TrainedModel? Trained => _active.Model;

    public TextClassification Classify(string text)
    {
        var active = _active;
        return active.Model is { } model ? model.Classify(text) : active.Rules.Classify(text);
    }

    public IReadOnlyList<TextClassification> ClassifyMany(IReadOnlyList<string> texts)
    {
        var active = _active;
        if (active.Model is { } model && texts.Count > 16)
        {
            return model.ClassifyMany(texts);
        }

        var results = new TextClassification[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            results[i] = active.Model is { } m ? m.Classify(texts[i]) : active.Rules.Classify(texts[i]);
        }

        return results;
    }

    /// <summary>Makes <paramref name="model"/> (or the rules alone, when null) decide from now on.</summary>
    internal void Use(LexiconMatcher matcher, TrainedModel? model)
    {
        var previous = Interlocked.Exchange(ref _active, new Active(new RulesClassifier(matcher), model));
        // Engines still rented by a classification in flight are not pooled again; the rest are freed.
        if (previous.Model is { } old && !ReferenceEquals(old, model))
        {
            old.Dispose();
        }
    }

    /// <summary>The shipped lexicon and, when it is in the assembly, the shipped trained model.</summary>
    public static TextClassifier Shipped()
    {
        var matcher = new LexiconMatcher(Lexicon.Default);
        return new TextClassifier(matcher, LoadShippedModel(matcher));
    }

    /// <summary>
    /// The shipped model with <paramref name="matcher"/>'s word lists. The model is read from the
    /// assembly once per process and shared read-only (a transformer is safe to share; each
    /// <see cref="TrainedModel"/> keeps its own prediction engines), so going back to the shipped
    /// version, or a second classifier in the process, costs no second 270 MB load.
    /// </summary>
    internal static TrainedModel? LoadShippedModel(LexiconMatcher matcher) =>
        ShippedModel.Value is { } shipped ? new TrainedModel(shipped.Ml, shipped.Transformer, shipped.Card, matcher) : null;

    /// <summary>The shipped model's card (what it was trained on, its cut-offs), without loading the model.</summary>
    internal static ModelCard? ShippedCard() => ShippedModelCard.Value;

    private static readonly Lazy<ModelCard?> ShippedModelCard = new(() =>
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var card = assembly.GetManifestResourceStream($"Scrm.Community.Models.{ShippedVersion}.json");
        if (card is null || assembly.GetManifestResourceInfo($"Scrm.Community.Models.{ShippedVersion}.zip") is null)
        {
            return null;
        }

        using var reader = new StreamReader(card);
        return ModelCard.FromJson(reader.ReadToEnd());
    });

    private static readonly Lazy<(MLContext Ml, ITransformer Transformer, ModelCard Card)?> ShippedModel = new(() =>
    {
        using var model = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Scrm.Community.Models.{ShippedVersion}.zip");
        if (model is null || ShippedCard() is not { } card)
        {
            return null;
        }

        using var bytes = new MemoryStream();
        model.CopyTo(bytes);
        var ml = new MLContext(seed: 1);
        return (ml, ModelTrainer.Load(ml, bytes.ToArray()), card);
    });

    public void Dispose() => _active.Model?.Dispose();

    private sealed record Active(RulesClassifier Rules, TrainedModel? Model);
}
