namespace Scrm.Community.Classification;

/// <summary>The codes a classification speaks in: intents, sentiments and the default topic taxonomy.</summary>
internal static class Taxonomy
{
    public static class Intents
    {
        public const string Complaint = "complaint";
        public const string Question = "question";
        public const string Praise = "praise";
        public const string Purchase = "purchase";
        public const string Spam = "spam";
        public const string Other = "other";

        public static readonly IReadOnlyList<string> All = [Complaint, Question, Praise, Purchase, Spam, Other];
    }

    public static class Sentiments
    {
        public const string Positive = "positive";
        public const string Negative = "negative";
        public const string Neutral = "neutral";
        public const string Mixed = "mixed";

        public static readonly IReadOnlyList<string> All = [Positive, Negative, Neutral, Mixed];
    }

    /// <summary>The default topic codes; a deployment may add its own (each with a word list).</summary>
    public static readonly IReadOnlyList<string> DefaultTopics =
        ["price", "delivery", "packaging", "authenticity", "service", "quality", "function", "after-sales", "other"];

    /// <summary>The topics the trained model learns from labelled data; the others come from the word lists.</summary>
    public static readonly IReadOnlyList<string> TrainedTopics = ["price", "delivery", "packaging", "authenticity", "service", "quality"];
}

/// <summary>What a classifier says about one text, and which model decided.</summary>
internal sealed record TextClassification(string Intent, string Sentiment, IReadOnlyList<string> Topics, string Model)
{
    /// <summary>A complaint is a text whose sentiment is negative or mixed (the complaint types are its topics).</summary>
    public bool IsComplaint => Sentiment is Taxonomy.Sentiments.Negative or Taxonomy.Sentiments.Mixed;
}
