using System.ComponentModel.DataAnnotations;

namespace Scrm.Search.Elasticsearch;

/// <summary><c>Scrm:Search:Elasticsearch</c>: the cluster, its credentials and the adapter's limits.</summary>
internal sealed class ElasticsearchOptions : IValidatableObject
{
    public const string Section = "Scrm:Search:Elasticsearch";

    /// <summary>Base address of the cluster, e.g. <c>https://es.internal:9200</c>.</summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>An encoded API key (<c>Authorization: ApiKey …</c>); or use <see cref="Username"/> and <see cref="Password"/>.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The alias searches and writes go through; concrete indices are <c>{Index}-v1</c>, <c>{Index}-v2</c>, ...</summary>
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,200}$")]
    public string Index { get; set; } = "scrm-search";

    /// <summary>REST compatibility version sent on every request: 8 works with 8.x and 9.x clusters, 9 only with 9.x.</summary>
    [Range(7, 9)]
    public int CompatibleWith { get; set; } = 8;

    /// <summary>Largest bulk body, measured after encoding.</summary>
    [Range(1_024, 50 * 1024 * 1024)]
    public int BulkMaxBytes { get; set; } = 10 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a request (or of the items of a bulk) answered 429/502/503/504 or not at all.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>First retry delay; later ones double, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    [Range(1, 1024)]
    public int Shards { get; set; } = 1;

    [Range(0, 16)]
    public int Replicas { get; set; } = 1;

    /// <summary>Hits counted exactly; past this the total is a lower bound.</summary>
    [Range(1, int.MaxValue)]
    public int TrackTotalHitsUpTo { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult("Scrm:Search:Elasticsearch:Url must be an absolute http or https URL.", [nameof(Url)]);
        }

        if (!string.IsNullOrEmpty(ApiKey) && !string.IsNullOrEmpty(Username))
        {
            yield return new ValidationResult("Give either Scrm:Search:Elasticsearch:ApiKey or Username and Password, not both.", [nameof(ApiKey)]);
        }

        if (!string.IsNullOrEmpty(Username) != !string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Scrm:Search:Elasticsearch:Username and Password go together.", [nameof(Username)]);
        }
    }
}
