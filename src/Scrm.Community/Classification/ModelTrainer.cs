using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Scrm.Community.Classification;

/// <summary>Trains the text classifier from labelled texts; saves and loads model versions as bytes.</summary>
internal static class ModelTrainer
{
    /// <summary>Trains every head on the examples labelled for it. Deterministic for a given seed and input order.</summary>
    public static (ITransformer Model, IReadOnlyDictionary<string, int> Examples) Train(MLContext ml, IReadOnlyList<LabelledText> examples, LexiconMatcher matcher, TrainingSettings? settings = null)
    {
        settings ??= TrainingSettings.Default;
        var rows = examples.Concat(settings.OpinionWeight > 0 ? examples.SelectMany(e => Opinions(e, settings.OpinionWeight)) : [])
            .Select(e => (Example: e, Input: Input(e.Text, matcher))).ToList();
        var all = ml.Data.LoadFromEnumerable(rows.Select(r => r.Input));
        var featurizer = Featurizer(ml, settings).Fit(all);
        var chain = new List<ITransformer> { featurizer };
        var scored = featurizer.Transform(all);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var head in TrainedModel.Heads)
        {
            var labelled = rows
                .Where(r => Label(r.Example, head) is not null)
                .Select(r => new TrainRow { Text = r.Input.Text, Lexicon = r.Input.Lexicon, Label = Label(r.Example, head)!.Value, Weight = r.Example.Weight })
                .ToList();
            counts[head] = labelled.Count;
            if (labelled.Count == 0 || labelled.All(r => r.Label) || labelled.All(r => !r.Label))
            {
                throw new InvalidOperationException($"The '{head}' head needs examples of both answers; it has {labelled.Count} all alike.");
            }

            var headData = featurizer.Transform(ml.Data.LoadFromEnumerable(labelled));
            var headModel = settings.Lbfgs ? Lbfgs(ml, settings).Fit(headData) : Trainer(ml, settings).Fit(headData);
            var withHead = headModel.Transform(scored);
            var copy = ml.Transforms.CopyColumns(head, "Probability").Fit(withHead);
            scored = copy.Transform(withHead);
            chain.Add(headModel);
            chain.Add(copy);
        }

        return (new TransformerChain<ITransformer>([.. chain]), counts);
    }

    public static byte[] Save(MLContext ml, ITransformer model)
    {
        using var stream = new MemoryStream();
        ml.Model.Save(model, SchemaOf(ml), stream);
        return stream.ToArray();
    }

    public static ITransformer Load(MLContext ml, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return ml.Model.Load(stream, out _);
    }

    /// <summary>An example's annotated opinion phrases as short examples for the sentiment and complaint heads.</summary>
    private static IEnumerable<LabelledText> Opinions(LabelledText example, float weight) =>
        (example.Opinions ?? []).Select(o => new LabelledText(o.Phrase, Positive: !o.Negative, Complaint: o.Negative, Weight: weight));

    internal static ModelInput Input(string text, LexiconMatcher matcher)
    {
        var folded = TextNormal.Fold(text);
        return ModelInput.From(folded, LexiconHits.Of(matcher, folded));
    }

    internal static bool? Label(LabelledText example, string head) => head switch
    {
        TrainedModel.Sentiment => example.Positive,
        TrainedModel.Complaint => example.Complaint,
        _ => example.Topics is null ? null : example.Topics.Any(t => TrainedModel.TopicColumn(t) == head),
    };

    private static EstimatorChain<ColumnConcatenatingTransformer> Featurizer(MLContext ml, TrainingSettings settings) =>
        ml.Transforms.Text.FeaturizeText("TextFeatures", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.None,
                KeepDiacritics = true,
                KeepPunctuations = true,
                KeepNumbers = true,
                WordFeatureExtractor = null,
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = settings.CharNgrams, UseAllLengths = true, Weighting = settings.TfIdf ? NgramExtractingEstimator.WeightingCriteria.TfIdf : NgramExtractingEstimator.WeightingCriteria.Tf },
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, "Text")
            .Append(ml.Transforms.Concatenate("Features", "TextFeatures", "Lexicon"));

    private static SdcaLogisticRegressionBinaryTrainer Trainer(MLContext ml, TrainingSettings settings) =>
        ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            ExampleWeightColumnName = "Weight",
            L2Regularization = settings.L2,
            MaximumNumberOfIterations = settings.Iterations,
            NumberOfThreads = 1,
        });

    private static LbfgsLogisticRegressionBinaryTrainer Lbfgs(MLContext ml, TrainingSettings settings) =>
        ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            ExampleWeightColumnName = "Weight",
            L2Regularization = settings.L2,
            L1Regularization = 0,
            NumberOfThreads = 1,
        });

    private static DataViewSchema SchemaOf(MLContext ml) => ml.Data.LoadFromEnumerable(Array.Empty<ModelInput>()).Schema;

    /// <summary>How the model is trained: character n-gram length, regularisation, passes.</summary>
    internal sealed record TrainingSettings(int CharNgrams = 3, float L2 = 0.01f, int Iterations = 30, float OpinionWeight = 0f, bool TfIdf = false, bool Lbfgs = true)
    {
        public static TrainingSettings Default { get; } = new();
    }

    private sealed class TrainRow
    {
        public string Text { get; set; } = "";

        [VectorType(ModelInput.LexiconSize)]
        public float[] Lexicon { get; set; } = [];

        public bool Label { get; set; }

        public float Weight { get; set; }
    }
}
