using System.ComponentModel.DataAnnotations;

namespace Scrm.Search.Elasticsearch;

/// <summary><c>Scrm:Search:Elasticsearch</c>: the cluster, its credentials and the adapter's limits.</summary>
internal sealed class ElasticsearchOptions : IValidatableObject
{
    public const string Section = "Scrm:Search:Elasticsearch";

    /// <summary>Base address of the cluster, e.g. <c>https://es.internal:9200</c>; or list several in <see cref="Nodes"/>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Several node addresses: requests go round them and fail over to the next when one does not answer.</summary>
    public List<string> Nodes { get; set; } = [];

    /// <summary>SHA-256 fingerprint of the cluster's CA (or node) certificate, hex, with or without colons: TLS is trusted by it.</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>A PEM or DER file holding the CA certificate that signed the cluster's certificates.</summary>
    public string? CertificateAuthorityPath { get; set; }

    /// <summary>An encoded API key (<c>Authorization: ApiKey …</c>); or use <see cref="Username"/> and <see cref="Password"/>.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The alias searches and writes go through; concrete indices are <c>{Index}-v1</c>, <c>{Index}-v2</c>, ...</summary>
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,200}$")]
    public string Index { get; set; } = "scrm-search";

    /// <summary>Largest bulk body, measured after encoding.</summary>
    [Range(1_024, 50 * 1024 * 1024)]
    public int BulkMaxBytes { get; set; } = 10 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a request (or of the items of a bulk) answered 429/502/503/504 or not at all; with several nodes each retry may go to another one.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 6;

    /// <summary>First retry delay; later ones double, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gzip request bodies (and accept gzip answers): less network, more CPU on both sides.</summary>
    public bool HttpCompression { get; set; } = true;

    [Range(1, 1024)]
    public int Shards { get; set; } = 1;

    [Range(0, 16)]
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// How long a point in time (the snapshot deep paging reads from the second page on) stays open
    /// after each page; a cursor used later continues on a fresh snapshot.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan PointInTimeKeepAlive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An analyser from an analysis plugin the cluster has, e.g. <c>smartcn</c> or <c>ik_max_word</c>:
    /// the text, title and author name get a <c>words</c> subfield cut into words by it, and documents
    /// where a query's words match as words rank higher. Which documents match stays the same (the CJK
    /// pairs decide). Empty: no word subfield; a cluster without the plugin refuses the index.
    /// </summary>
    [RegularExpression("^[a-z0-9_]{1,100}$")]
    public string? WordAnalyzer { get; set; }

    /// <summary>Hits counted exactly; past this the total is a lower bound.</summary>
    [Range(1, int.MaxValue)]
    public int TrackTotalHitsUpTo { get; set; } = 10_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Addresses().Count == 0)
        {
            yield return new ValidationResult("Give Scrm:Search:Elasticsearch:Url or Nodes (absolute http or https URLs).", [nameof(Url)]);
        }

        foreach (var node in Addresses())
        {
            if (!Uri.TryCreate(node, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult("Every Scrm:Search:Elasticsearch node must be an absolute http or https URL.", [nameof(Nodes)]);
            }
            else if (url.UserInfo.Length > 0)
            {
                yield return new ValidationResult("Put Elasticsearch credentials in ApiKey or Username and Password, not in a node URL.", [nameof(Nodes)]);
            }
        }

        if (CertificateFingerprint is { } fingerprint && !IsSha256(fingerprint))
        {
            yield return new ValidationResult("Scrm:Search:Elasticsearch:CertificateFingerprint must be a SHA-256 fingerprint (64 hex digits).", [nameof(CertificateFingerprint)]);
        }

        if (CertificateAuthorityPath is { } ca && !File.Exists(ca))
        {
            yield return new ValidationResult("Scrm:Search:Elasticsearch:CertificateAuthorityPath names no file.", [nameof(CertificateAuthorityPath)]);
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

    private static bool IsSha256(string fingerprint)
    {
        var hex = fingerprint.Replace(":", "", StringComparison.Ordinal);
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
    }

    /// <summary>Every node address given: <see cref="Url"/> and <see cref="Nodes"/>, without duplicates.</summary>
    public List<string> Addresses() =>
        [.. new[] { Url }.Concat(Nodes).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
}
