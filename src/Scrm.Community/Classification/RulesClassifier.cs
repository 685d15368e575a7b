namespace Scrm.Community.Classification;

/// <summary>
/// The transparent classifier: counts word-list hits and decides by fixed rules that a community
/// manager can read and change by editing the lists. Also the fallback when no trained model is loaded.
/// </summary>
internal sealed class RulesClassifier(LexiconMatcher matcher)
{
    public const string ModelName = "rules";

    public LexiconMatcher Matcher => matcher;

    public string Model => $"{ModelName}-v{matcher.Lexicon.Version}";

    public TextClassification Classify(string text) => Classify(LexiconHits.Of(matcher, TextNormal.Fold(text)), Model);

    /// <summary>The rules over counted hits; the trained model reuses the intent part.</summary>
    internal static TextClassification Classify(LexiconHits hits, string model)
    {
        var sentiment = (hits.Positive, hits.Negative + hits.Intent(Taxonomy.Intents.Complaint)) switch
        {
            (> 0, > 0) when hits.Contrast > 0 => Taxonomy.Sentiments.Mixed,
            var (p, n) when n > p => Taxonomy.Sentiments.Negative,
            var (p, n) when p > n => Taxonomy.Sentiments.Positive,
            (> 0, > 0) => Taxonomy.Sentiments.Mixed,
            _ => Taxonomy.Sentiments.Neutral,
        };
        return new TextClassification(Intent(hits, sentiment), sentiment, hits.Topics(), model);
    }

    /// <summary>
    /// Spam first, then complaints (negative or mixed: a complaint phrased as a question is still a
    /// complaint), then buying intent, questions and praise.
    /// </summary>
    internal static string Intent(LexiconHits hits, string sentiment) =>
        hits.Intent(Taxonomy.Intents.Spam) > 0 ? Taxonomy.Intents.Spam
        : sentiment is Taxonomy.Sentiments.Negative or Taxonomy.Sentiments.Mixed ? Taxonomy.Intents.Complaint
        : hits.Intent(Taxonomy.Intents.Purchase) > 0 ? Taxonomy.Intents.Purchase
        : hits.Intent(Taxonomy.Intents.Question) > 0 ? Taxonomy.Intents.Question
        : sentiment == Taxonomy.Sentiments.Positive || hits.Intent(Taxonomy.Intents.Praise) > 0 ? Taxonomy.Intents.Praise
        : Taxonomy.Intents.Other;
}

/// <summary>One text's hits per lexicon class.</summary>
internal sealed class LexiconHits
{
    private readonly LexiconMatcher _matcher;
    private readonly float[] _counts;

    private LexiconHits(LexiconMatcher matcher, float[] counts)
    {
        _matcher = matcher;
        _counts = counts;
    }

    public static LexiconHits Of(LexiconMatcher matcher, string foldedText)
    {
        var counts = new float[matcher.ClassNames.Count];
        matcher.Count(foldedText, counts);
        return new LexiconHits(matcher, counts);
    }

    public float Positive => Count(Lexicon.Positive);

    public float Negative => Count(Lexicon.Negative);

    public float Contrast => Count(Lexicon.Contrast);

    public float Intent(string intent) => Count(Lexicon.IntentPrefix + intent);

    public float Topic(string topic) => Count(Lexicon.TopicPrefix + topic);

    public IReadOnlyList<string> Topics()
    {
        List<string>? topics = null;
        for (var i = 0; i < _counts.Length; i++)
        {
            var name = _matcher.ClassNames[i];
            if (_counts[i] > 0 && name.StartsWith(Lexicon.TopicPrefix, StringComparison.Ordinal))
            {
                (topics ??= []).Add(name[Lexicon.TopicPrefix.Length..]);
            }
        }

        return topics ?? (IReadOnlyList<string>)[];
    }

    public float Count(string @class)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            if (string.Equals(_matcher.ClassNames[i], @class, StringComparison.Ordinal))
            {
                return _counts[i];
            }
        }

        return 0;
    }
}
