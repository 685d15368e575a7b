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

    private LexiconHits(LexiconMatcher matcher, float[] counts, bool asks)
    {
        _matcher = matcher;
        _counts = counts;
        Asks = asks;
    }

    public static LexiconHits Of(LexiconMatcher matcher, string foldedText)
    {
        var counts = new float[matcher.ClassNames.Count];
        matcher.Count(foldedText, counts);
        return new LexiconHits(matcher, counts, PlainQuestion.Asks(foldedText));
    }

    /// <summary>The text is short and asks politely, without reproach (<see cref="PlainQuestion.Asks"/>).</summary>
    public bool Asks { get; }

    /// <summary>A plain question: it asks politely and holds no negative, complaint or spam word.</summary>
    public bool IsPlainQuestion => Asks && Negative == 0 && Intent(Taxonomy.Intents.Complaint) == 0 && Intent(Taxonomy.Intents.Spam) == 0;

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

/// <summary>
/// A customer's plain question: short, and asking — with a polite asking word (请问你们周末营业吗？,
/// 想问, 咨询 ...) or, shorter still, as a bare question (周末营业吗？ 有货吗 多少钱？: a closing 吗, a 么/呢
/// with a question mark, or a question word such as 多少钱, 什么时候, 有没有) — with no reproach (为什么,
/// 怎么回事, 还没, 不是说, 这也叫 ...). The labelled review sets the trained model learnt from hold no neutral
/// questions, and their questions are mostly rhetorical complaints, so the model reads any question as a
/// complaint; such a text is decided by the word lists instead (a negative, complaint or spam word still
/// makes it a complaint, see <see cref="LexiconHits.IsPlainQuestion"/>). A question mark alone does not ask:
/// reviews end with one where an emoji was. Pure.
/// </summary>
internal static class PlainQuestion
{
    /// <summary>Longer texts are reviews or stories, whatever words they hold.</summary>
    public const int MaxLength = 40;

    /// <summary>A question without a polite word asks only this briefly; longer ones are mostly reviews' rhetorical questions.</summary>
    public const int MaxBareLength = 20;

    private static readonly string[] Asking = ["请问", "想问", "问一下", "问下", "咨询", "请教", "打听"];

    private static readonly string[] QuestionWords =
        ["多少钱", "什么时候", "何时", "几点", "哪里", "哪儿", "在哪", "哪个", "哪家", "有没有", "能不能", "可不可以",
         "怎么买", "怎么用", "怎么联系", "怎么退", "怎么换", "怎么开", "怎么预约", "怎么付"];

    private static readonly string[] Reproach =
        ["为什么", "为啥", "怎么回事", "凭什么", "怎么还", "还没", "一直", "到底", "难道", "怎么这么", "竟然", "居然", "一星", "差评", "不想",
         "不是说", "说好的", "搞错", "这也", "这还", "这就", "就这", "这叫", "咋", "何来", "好意思", "走心", "!", "??"];

    public static bool Asks(string folded)
    {
        if (folded.Length > MaxLength || Reproach.Any(r => folded.Contains(r, StringComparison.Ordinal)))
        {
            return false;
        }

        return Asking.Any(a => folded.Contains(a, StringComparison.Ordinal))
            || (folded.Length <= MaxBareLength && (EndsAsQuestion(folded) || QuestionWords.Any(q => folded.Contains(q, StringComparison.Ordinal))));
    }

    /// <summary>Ends with 吗 (a question mark or not), or with 么/呢 and a question mark. (几天, 多久, 是否 ask nothing alone: 穿几天就松了.)</summary>
    private static bool EndsAsQuestion(string folded)
    {
        var trimmed = folded.TrimEnd(' ', '?', '.', '。', '~');
        var marked = trimmed.Length < folded.Length && folded.AsSpan(trimmed.Length).Contains('?');
        return trimmed.EndsWith('吗') || (marked && (trimmed.EndsWith('么') || trimmed.EndsWith('呢')));
    }
}
