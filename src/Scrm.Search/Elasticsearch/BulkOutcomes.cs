namespace Scrm.Search.Elasticsearch;

/// <summary>What to do with one item of a bulk response.</summary>
internal enum BulkItemOutcome
{
    Done,
    AlreadyIndexed,
    Retry,
    DeadLetter,
}

internal static class BulkOutcomes
{
    /// <summary>The per-item rules: 409 on create means it is already there, 429/5xx-busy are retried, other 4xx are dead-lettered.</summary>
    public static BulkItemOutcome Classify(string action, int status) => (action, status) switch
    {
        (_, >= 200 and < 300) => BulkItemOutcome.Done,
        ("delete", 404) => BulkItemOutcome.Done,
        ("create", 409) => BulkItemOutcome.AlreadyIndexed,
        (_, 429 or 502 or 503 or 504) => BulkItemOutcome.Retry,
        _ => BulkItemOutcome.DeadLetter,
    };
}
