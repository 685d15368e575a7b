using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// The index in the client's types: CJK analysis matching the embedded engine (standard tokenizer,
/// <c>cjk_width</c>, lower case, <c>cjk_bigram</c>, Porter stemming; a <c>.single</c> subfield without
/// pairs for one-character queries; a <c>.words</c> subfield cut by a plugin's word analyser when one is
/// configured) and a strict mapping of <see cref="EsDocument"/>.
/// </summary>
internal static class ClientMapping
{
    public const string PairAnalyzer = "scrm_cjk";
    public const string SingleAnalyzer = "scrm_cjk_single";
    public const string SingleSubfield = "single";
    public const string WordsSubfield = "words";

    public static CreateIndexRequest Create(string index, ElasticsearchOptions options, string? writeAlias) => new(index)
    {
        Settings = new IndexSettings
        {
            NumberOfShards = options.Shards,
            NumberOfReplicas = options.Replicas,
            RefreshInterval = "1s",
            Analysis = new IndexSettingsAnalysis
            {
                Analyzers = new Analyzers
                {
                    { PairAnalyzer, Analyzer("cjk_width", "lowercase", "cjk_bigram", "porter_stem") },
                    { SingleAnalyzer, Analyzer("cjk_width", "lowercase", "porter_stem") },
                },
            },
        },
        Mappings = new TypeMapping
        {
            Dynamic = DynamicMapping.Strict,
            Properties = new Properties
            {
                { EsFields.Id, new KeywordProperty() },
                { EsFields.Type, new KeywordProperty() },
                { EsFields.Channel, new KeywordProperty() },
                { EsFields.Account, new KeywordProperty() },
                { EsFields.AuthorId, new KeywordProperty() },
                { EsFields.AuthorName, Text(options.WordAnalyzer) },
                { EsFields.Contacts, new KeywordProperty() },
                { EsFields.Owner, new KeywordProperty() },
                { EsFields.Tags, new KeywordProperty() },
                { EsFields.CreatedAt, new DateProperty { Format = "epoch_millis" } },
                { EsFields.Title, Text(options.WordAnalyzer) },
                { EsFields.Text, Text(options.WordAnalyzer) },
            },
        },
        Aliases = writeAlias is null ? null : new Dictionary<Name, Alias> { [writeAlias] = new() { IsWriteIndex = true } },
    };

    /// <summary>The index that keeps each feed's mark: one document per feed, nothing searchable.</summary>
    public static CreateIndexRequest Marks(string index) => new(index)
    {
        Settings = new IndexSettings { NumberOfShards = 1 },
        Mappings = new TypeMapping
        {
            Dynamic = DynamicMapping.Strict,
            Properties = new Properties { { "mark", new KeywordProperty { Index = false, DocValues = false } } },
        },
    };

    private static CustomAnalyzer Analyzer(params string[] filters) => new() { Tokenizer = "standard", Filter = filters };

    private static TextProperty Text(string? wordAnalyzer)
    {
        var fields = new Properties { { SingleSubfield, new TextProperty { Analyzer = SingleAnalyzer } } };
        if (!string.IsNullOrEmpty(wordAnalyzer))
        {
            fields.Add(WordsSubfield, new TextProperty { Analyzer = wordAnalyzer });
        }

        return new TextProperty { Analyzer = PairAnalyzer, Fields = fields };
    }
}

/// <summary>A feed's mark as stored in the marks index.</summary>
internal sealed record EsMark([property: System.Text.Json.Serialization.JsonPropertyName("mark")] string Mark);
