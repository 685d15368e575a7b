using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Scrm.Community.Classification;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// The classifier's figures: k-fold cross-validation of the rules and the trained model on the
/// labelled review sets (<c>classifier-cv</c>), and texts classified per second on one core
/// (<c>classifier</c>), with the rules alone measured in the same run as the baseline.
/// </summary>
internal static class ClassifierBenchmark
{
    public const string Usage = "  classifier-cv [--folds 5] [--seed 7] [--ngrams 3] [--l2 0.01] [--iterations 30] [--opinions 0] [--tfidf on|off] [--trainer lbfgs|sdca]\n  classifier-train [--out src/Scrm.Community/Classification/Models]\n  classifier [--texts 20000] [--batch 1000]";

    public static Task CrossValidateAsync(string[] args)
    {
        var folds = Option(args, "--folds", 5);
        var seed = Option(args, "--seed", 7);
        var (sentiment, topics) = Sets();
        var matcher = new LexiconMatcher(Lexicon.Default);
        Console.WriteLine($"{folds}-fold cross-validation: online_shopping {sentiment.Count} texts (sentiment), ecommerce_aspects {topics.Count} texts (complaint, topics)");
        var settings = new ModelTrainer.TrainingSettings(Option(args, "--ngrams", 3), float.Parse(OptionText(args, "--l2") ?? "0.01", CultureInfo.InvariantCulture), Option(args, "--iterations", 30), float.Parse(OptionText(args, "--opinions") ?? "0", CultureInfo.InvariantCulture), OptionText(args, "--tfidf") == "on", OptionText(args, "--trainer") != "sdca");
        Console.WriteLine(settings);
        var report = new CrossValidation(sentiment, topics, matcher).Run(folds, seed, settings);
        Print("rules", report.Rules);
        Print("trained", report.Trained);
        foreach (var line in report.Heads)
        {
            Console.WriteLine("  " + line);
        }

        Console.WriteLine($"thresholds: {report.Thresholds.ToString().Replace("System.Collections.Generic.Dictionary`2[System.String,System.Single]", string.Join(", ", report.Thresholds.TopicAt.Select(t => $"{t.Key}={t.Value}")), StringComparison.Ordinal)}");
        Console.WriteLine($"elapsed {report.Elapsed.TotalSeconds:F0} s");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Makes the shipped model artefact: thresholds tuned by cross-validation, then every head
    /// trained on the whole of both sets. Deterministic (fixed seed, one thread).
    /// </summary>
    public static Task TrainAsync(string[] args)
    {
        var output = OptionText(args, "--out") ?? Path.Combine(Repo.Root, "src", "Scrm.Community", "Classification", "Models");
        var (sentiment, topics) = Sets();
        var matcher = new LexiconMatcher(Lexicon.Default);
        var report = new CrossValidation(sentiment, topics, matcher).Run(5, 7);
        Print("cv", report.Trained);
        var ml = new MLContext(seed: 7);
        var (model, examples) = ModelTrainer.Train(ml, [.. sentiment, .. topics], matcher);
        var card = new ModelCard(TextClassifier.ShippedVersion, DateTimeOffset.UtcNow, report.Thresholds, examples,
            string.Create(CultureInfo.InvariantCulture, $"online_shopping_train ({sentiment.Count}) + ecommerce_aspects_train ({topics.Count}); 5-fold CV: sentiment accuracy {report.Trained.SentimentAccuracy:F3}, complaint F1 {report.Trained.ComplaintF1:F3}, topic micro-F1 {report.Trained.TopicMicroF1:F3}"));
        Directory.CreateDirectory(output);
        File.WriteAllBytes(Path.Combine(output, TextClassifier.ShippedVersion + ".zip"), ModelTrainer.Save(ml, model));
        File.WriteAllText(Path.Combine(output, TextClassifier.ShippedVersion + ".json"), card.ToJson());
        Console.WriteLine($"wrote {TextClassifier.ShippedVersion} to {output}");
        return Task.CompletedTask;
    }

    public static Task ThroughputAsync(string[] args)
    {
        var count = Option(args, "--texts", 20_000);
        var batch = Option(args, "--batch", 1_000);
        var (sentiment, topics) = Sets();
        var corpus = sentiment.Concat(topics).Select(t => t.Text).ToArray();
        var texts = Enumerable.Range(0, count).Select(i => corpus[i % corpus.Length]).ToArray();
        using var classifier = TextClassifier.Shipped();
        var rules = new RulesClassifier(new LexiconMatcher(Lexicon.Default));
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }

        Console.WriteLine($"{count} texts, one core, model {classifier.Model}");
        Measure("rules (baseline)", texts, batch, b => b.Select(rules.Classify).ToList());
        Measure("trained, one at a time", texts, batch, b => b.Select(classifier.Classify).ToList());
        Measure($"trained, batches of {batch}", texts, batch, b => classifier.ClassifyMany(b));
        return Task.CompletedTask;
    }

    private static void Measure(string name, string[] texts, int batch, Func<IReadOnlyList<string>, IReadOnlyList<TextClassification>> run)
    {
        run(texts.Take(Math.Min(batch, 500)).ToList());
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < texts.Length; i += batch)
        {
            run(texts.AsSpan(i, Math.Min(batch, texts.Length - i)).ToArray());
        }

        Console.WriteLine($"  {name,-28} {texts.Length / sw.Elapsed.TotalSeconds,10:N0} texts/s");
    }

    private static (IReadOnlyList<LabelledText> Sentiment, IReadOnlyList<LabelledText> Topics) Sets() => (
        LabelledText.ReadJsonLines(Repo.Fixture("chinese", "feedback", "online_shopping_train.jsonl")),
        LabelledText.ReadJsonLines(Repo.Fixture("chinese", "feedback", "ecommerce_aspects_train.jsonl")));

    private static void Print(string name, Evaluation.Scores s) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name,-8} sentiment accuracy {s.SentimentAccuracy:F3}  complaint F1 {s.ComplaintF1:F3}  topic micro-F1 {s.TopicMicroF1:F3}  ({string.Join(", ", s.TopicF1.Select(t => $"{t.Key} {t.Value:F3}"))})"));

    private static string? OptionText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
