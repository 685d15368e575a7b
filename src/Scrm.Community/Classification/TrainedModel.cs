using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace Scrm.Community.Classification;

/// <summary>
/// The trained text classifier: character 1-3-gram features of the folded text (Chinese needs no
/// word segmentation for this) plus the lexicon's hit counts, and one logistic-regression head per
/// question — is it positive, is it a complaint, is it about each trained topic. The intent comes
/// from the same rules as the lexicon classifier, fed with the model's sentiment.
/// </summary>
internal sealed class TrainedModel : IDisposable
{
    internal const string Sentiment = "sentiment";
    internal const string Complaint = "complaint";
    internal static readonly string[] Heads = [Sentiment, Complaint, .. Taxonomy.TrainedTopics.Select(TopicColumn)];

    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly RulesClassifier _rules;
    private readonly ObjectPoolish _engines;

    public TrainedModel(MLContext ml, ITransformer transformer, ModelCard card, LexiconMatcher matcher)
    {
        _ml = ml;
        _transformer = transformer;
        _rules = new RulesClassifier(matcher);
        Card = card;
        _engines = new ObjectPoolish(() => ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(transformer));
    }

    public ModelCard Card { get; }

    public string Version => Card.Version;

    /// <summary>Whether this version's cut-offs look at clauses at all (cross-validation may have found they do not help).</summary>
    private bool ReadsClauses => Card.Thresholds.ClauseComplaintAt <= 1 || Card.Thresholds.ClausePositiveAt > 0;

    public static string TopicColumn(string topic) => "topic_" + topic.Replace('-', '_');

    public TextClassification Classify(string text)
    {
        var folded = TextNormal.Fold(text);
        var hits = LexiconHits.Of(_rules.Matcher, folded);
        var engine = _engines.Rent();
        ModelOutput output;
        try
        {
            output = engine.Predict(ModelInput.From(folded, hits));
            var clauses = ReadsClauses ? Clauses.Of(folded) : [];
            if (clauses.Count > 1)
            {
                foreach (var clause in clauses)
                {
                    output.AddClause(engine.Predict(ModelInput.From(clause, LexiconHits.Of(_rules.Matcher, clause))));
                }
            }
        }
        finally
        {
            _engines.Return(engine);
        }

        return Decide(output, hits);
    }

    /// <summary>Classifies many texts in one pass through the model (the API's batches).</summary>
    public IReadOnlyList<TextClassification> ClassifyMany(IReadOnlyList<string> texts)
    {
        var folded = texts.Select(TextNormal.Fold).ToList();
        var hits = folded.Select(f => LexiconHits.Of(_rules.Matcher, f)).ToList();
        var outputs = Score(folded, hits);
        var results = new TextClassification[texts.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = Decide(outputs[i], hits[i]);
        }

        return results;
    }

    /// <summary>The raw head probabilities of each text and of its clauses, in one pass through the model.</summary>
    internal IReadOnlyList<ModelOutput> Score(IReadOnlyList<string> texts) =>
        Score([.. texts.Select(TextNormal.Fold)], [.. texts.Select(t => LexiconHits.Of(_rules.Matcher, TextNormal.Fold(t)))]);

    private List<ModelOutput> Score(List<string> folded, List<LexiconHits> hits)
    {
        var inputs = new List<ModelInput>(folded.Count * 2);
        var owners = new List<int>(folded.Count * 2);
        for (var i = 0; i < folded.Count; i++)
        {
            inputs.Add(ModelInput.From(folded[i], hits[i]));
            owners.Add(-1);
        }

        for (var i = 0; i < folded.Count && ReadsClauses; i++)
        {
            var clauses = Clauses.Of(folded[i]);
            if (clauses.Count > 1)
            {
                foreach (var clause in clauses)
                {
                    inputs.Add(ModelInput.From(clause, LexiconHits.Of(_rules.Matcher, clause)));
                    owners.Add(i);
                }
            }
        }

        var outputs = new List<ModelOutput>(folded.Count);
        var n = 0;
        foreach (var output in _ml.Data.CreateEnumerable<ModelOutput>(_transformer.Transform(_ml.Data.LoadFromEnumerable(inputs)), reuseRowObject: false))
        {
            if (owners[n] < 0)
            {
                outputs.Add(output);
            }
            else
            {
                outputs[owners[n]].AddClause(output);
            }

            n++;
        }

        return outputs;
    }

    internal TextClassification Decide(ModelOutput output, LexiconHits hits) => Decide(output, hits, Card.Thresholds, Version);

    internal static TextClassification Decide(ModelOutput output, LexiconHits hits, ModelThresholds t, string version)
    {
        if (hits.IsPlainQuestion)
        {
            // The model never saw a neutral question: the word lists decide, and an asking text is a question at least.
            var asked = RulesClassifier.Classify(hits, version);
            var plainSentiment = hits.Positive > 0 ? Taxonomy.Sentiments.Positive : Taxonomy.Sentiments.Neutral;
            var plainIntent = RulesClassifier.Intent(hits, plainSentiment);
            return asked with
            {
                Sentiment = plainSentiment,
                Intent = plainIntent is Taxonomy.Intents.Other or Taxonomy.Intents.Praise ? Taxonomy.Intents.Question : plainIntent,
                Topics = [.. asked.Topics.Union(ModelTopics(output, t))],
            };
        }

        var negativeSide = output.Complaint >= t.ComplaintAt || output.Sentiment < t.PositiveAt
            || output.ClauseComplaint >= t.ClauseComplaintAt || output.ClauseSentiment < t.ClausePositiveAt;
        var sentiment = negativeSide
            ? output.Sentiment >= t.MixedAt ? Taxonomy.Sentiments.Mixed : Taxonomy.Sentiments.Negative
            : hits.Positive + hits.Negative == 0 && output.Sentiment < t.NeutralBelow ? Taxonomy.Sentiments.Neutral : Taxonomy.Sentiments.Positive;
        var topics = ModelTopics(output, t);

        // Topics the model was not trained on come from the word lists.
        foreach (var topic in hits.Topics())
        {
            if (!Taxonomy.TrainedTopics.Contains(topic))
            {
                topics.Add(topic);
            }
        }

        return new TextClassification(RulesClassifier.Intent(hits, sentiment), sentiment, topics, version);
    }

    private static List<string> ModelTopics(ModelOutput output, ModelThresholds t)
    {
        var topics = new List<string>();
        foreach (var topic in Taxonomy.TrainedTopics)
        {
            if (output.Topic(topic) >= t.TopicAt.GetValueOrDefault(topic, 0.5f))
            {
                topics.Add(topic);
            }
        }

        return topics;
    }

    public void Dispose() => _engines.Dispose();

    /// <summary>A small pool: prediction engines are not thread-safe, and building one costs more than a prediction.</summary>
    private sealed class ObjectPoolish(Func<PredictionEngine<ModelInput, ModelOutput>> create) : IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<PredictionEngine<ModelInput, ModelOutput>> _free = [];

        public PredictionEngine<ModelInput, ModelOutput> Rent() => _free.TryTake(out var engine) ? engine : create();

        public void Return(PredictionEngine<ModelInput, ModelOutput> engine)
        {
            if (_free.Count < Environment.ProcessorCount * 2)
            {
                _free.Add(engine);
            }
            else
            {
                engine.Dispose();
            }
        }

        public void Dispose()
        {
            while (_free.TryTake(out var engine))
            {
                engine.Dispose();
            }
        }
    }
}

/// <summary>What the model reads: the folded text and the lexicon's hits in a fixed layout.</summary>
internal sealed class ModelInput
{
    /// <summary>Positive, negative, negator, contrast, six intents, six trained topics, a question mark, length.</summary>
    public const int LexiconSize = 18;

    public string Text { get; set; } = "";

    [VectorType(LexiconSize)]
    public float[] Lexicon { get; set; } = new float[LexiconSize];

    public static ModelInput From(string folded, LexiconHits hits)
    {
        var v = new float[LexiconSize];
        v[0] = Squash(hits.Positive);
        v[1] = Squash(hits.Negative);
        v[2] = Squash(hits.Count(Classification.Lexicon.Negator));
        v[3] = Squash(hits.Contrast);
        var i = 4;
        foreach (var intent in Taxonomy.Intents.All)
        {
            v[i++] = Squash(hits.Intent(intent));
        }

        foreach (var topic in Taxonomy.TrainedTopics)
        {
            v[i++] = Squash(hits.Topic(topic));
        }

        v[i++] = folded.Contains('?', StringComparison.Ordinal) ? 1 : 0;
        v[i] = Math.Min(folded.Length, 200) / 200f;
        return new ModelInput { Text = folded, Lexicon = v };
    }

    private static float Squash(float count) => Math.Min(count, 3) / 3f;
}

/// <summary>Each head's probability of "yes".</summary>
internal sealed class ModelOutput
{
    [ColumnName(TrainedModel.Sentiment)]
    public float Sentiment { get; set; }

    [ColumnName(TrainedModel.Complaint)]
    public float Complaint { get; set; }

    [ColumnName("topic_price")]
    public float Price { get; set; }

    [ColumnName("topic_delivery")]
    public float Delivery { get; set; }

    [ColumnName("topic_packaging")]
    public float Packaging { get; set; }

    [ColumnName("topic_authenticity")]
    public float Authenticity { get; set; }

    [ColumnName("topic_service")]
    public float Service { get; set; }

    [ColumnName("topic_quality")]
    public float Quality { get; set; }

    /// <summary>The most complaining of the text's clauses (a mixed review's one bad remark); the text's own when it has one clause.</summary>
    [NoColumn]
    public float ClauseComplaint { get; private set; } = -1;

    /// <summary>The least positive of the text's clauses.</summary>
    [NoColumn]
    public float ClauseSentiment { get; private set; } = 2;

    public void AddClause(ModelOutput clause)
    {
        ClauseComplaint = Math.Max(ClauseComplaint, clause.Complaint);
        ClauseSentiment = Math.Min(ClauseSentiment, clause.Sentiment);
    }

    public float Topic(string topic) => topic switch
    {
        "price" => Price,
        "delivery" => Delivery,
        "packaging" => Packaging,
        "authenticity" => Authenticity,
        "service" => Service,
        "quality" => Quality,
        _ => 0,
    };
}

/// <summary>Where each head's "yes" starts, and how a mixed or neutral sentiment is told apart.</summary>
/// <param name="ComplaintAt">The complaint head at or above this: negative or mixed.</param>
/// <param name="PositiveAt">The sentiment head below this: negative or mixed as well.</param>
/// <param name="MixedAt">On the negative side, a sentiment head at or above this says mixed.</param>
/// <param name="NeutralBelow">With no sentiment word at all, a sentiment head below this says neutral.</param>
/// <param name="ClauseComplaintAt">Any clause's complaint head at or above this: negative or mixed (above 1: off).</param>
/// <param name="ClausePositiveAt">Any clause's sentiment head below this: negative or mixed (0: off).</param>
internal sealed record ModelThresholds(float ComplaintAt, float PositiveAt, float MixedAt, float NeutralBelow, IReadOnlyDictionary<string, float> TopicAt,
    float ClauseComplaintAt = 2f, float ClausePositiveAt = 0f)
{
    public static ModelThresholds Default { get; } = new(0.5f, 0.5f, 0.9f, 0.5f, Taxonomy.TrainedTopics.ToDictionary(t => t, _ => 0.5f));
}

/// <summary>A text's clauses: split at sentence and clause punctuation; pieces of one character are dropped.</summary>
internal static class Clauses
{
    private static readonly System.Buffers.SearchValues<char> Breaks = System.Buffers.SearchValues.Create("，,。.！!？?；;~～ \n、…");

    public static List<string> Of(string folded)
    {
        var clauses = new List<string>();
        var rest = folded.AsSpan();
        while (rest.Length > 0 && clauses.Count < 32)
        {
            var cut = rest.IndexOfAny(Breaks);
            var piece = cut < 0 ? rest : rest[..cut];
            if (piece.Length > 1)
            {
                clauses.Add(piece.ToString());
            }

            rest = cut < 0 ? [] : rest[(cut + 1)..];
        }

        return clauses;
    }
}

/// <summary>A model version's description: what it was trained on and how its answers are read.</summary>
internal sealed record ModelCard(string Version, DateTimeOffset TrainedAt, ModelThresholds Thresholds, IReadOnlyDictionary<string, int> Examples, string? Note = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static ModelCard FromJson(string json) =>
        JsonSerializer.Deserialize<ModelCard>(json, JsonSerializerOptions.Web) ?? throw new JsonException("Empty model card.");
}
