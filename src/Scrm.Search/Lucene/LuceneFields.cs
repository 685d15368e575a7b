using System.Text.Json;
using System.Text.Json.Serialization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>
/// The index's fields and the mapping between <see cref="SearchDocument"/> and a Lucene document.
/// The document is stored once, as JSON (like Elasticsearch's <c>_source</c>); the few keyword
/// filters share one field with prefixed values. Every field costs per document when indexing, so there are few.
/// </summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string Type = "type";
    public const string Channel = "channel";
    public const string Created = "created";
    public const string Title = "title";
    public const string Text = "text";
    public const string Source = "_source";

    /// <summary>Normalised phone numbers and e-mail addresses: queried only for callers allowed to see them.</summary>
    public const string Contact = "contact";

    /// <summary>Account, author, owner and tags as <c>a:…</c>, <c>u:…</c>, <c>o:…</c>, <c>t:…</c>.</summary>
    public const string Keyword = "kw";

    /// <summary>Single-character subfields, for one-character CJK queries.</summary>
    public const string TitleUni = "title_uni";
    public const string TextUni = "text_uni";

    public static string AccountKey(string value) => "a:" + value;

    public static string AuthorKey(string value) => "u:" + value;

    public static string OwnerKey(string value) => "o:" + value;

    public static string TagKey(string value) => "t:" + value;

    /// <summary>The Lucene document; <paramref name="journalKeepsText"/>: a text the journal keeps is indexed but not stored.</summary>
    public static Document ToDocument(SearchDocument d, bool journalKeepsText = false)
    {
        var created = d.CreatedAt.ToUnixTimeMilliseconds();
        var doc = new Document
        {
            new StringField(Id, d.Id, Field.Store.NO),
            new BinaryDocValuesField(Id, new BytesRef(d.Id)),
            new StringField(Type, d.Type, Field.Store.NO),
            new SortedDocValuesField(Type, new BytesRef(d.Type)),
            new StringField(Channel, d.Channel, Field.Store.NO),
            new SortedDocValuesField(Channel, new BytesRef(d.Channel)),
            new NumericDocValuesField(Created, created),
            new StringField(Keyword, AccountKey(d.Account), Field.Store.NO),
            new TextField(Text, d.Text, Field.Store.NO),
            new TextField(TextUni, d.Text, Field.Store.NO),
            // A text the journal keeps is indexed, not stored a second time (see JournalTexts).
            new StoredField(Source, JsonSerializer.SerializeToUtf8Bytes(
                journalKeepsText && d.JournalPosition is not null ? d with { Text = "" } : d with { JournalPosition = null }, StoredJson.Compact.SearchDocument)),
        };
        if (d.AuthorId is not null)
        {
            doc.Add(new StringField(Keyword, AuthorKey(d.AuthorId), Field.Store.NO));
        }

        if (d.Owner is not null)
        {
            doc.Add(new StringField(Keyword, OwnerKey(d.Owner), Field.Store.NO));
        }

        foreach (var tag in d.Tags)
        {
            doc.Add(new StringField(Keyword, TagKey(tag), Field.Store.NO));
        }

        foreach (var contact in d.Contacts)
        {
            doc.Add(new StringField(Contact, contact, Field.Store.NO));
        }

        // The author's name is searched like the title (上海 finds 上海小李).
        foreach (var heading in new[] { d.Title, d.AuthorName })
        {
            if (heading is not null)
            {
                doc.Add(new TextField(Title, heading, Field.Store.NO));
                doc.Add(new TextField(TitleUni, heading, Field.Store.NO));
            }
        }

        return doc;
    }

    public static SearchDocument FromDocument(Document doc)
    {
        var bytes = doc.GetBinaryValue(Source);
        return JsonSerializer.Deserialize(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length), StoredJson.Default.SearchDocument)!;
    }

    public static Term IdTerm(string id) => new(Id, id);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SearchDocument))]
internal sealed partial class StoredJson : JsonSerializerContext
{
    /// <summary>
    /// How a document is stored: Chinese as UTF-8, not <c>\uXXXX</c> escapes (a mention's text takes half the
    /// bytes). Documents stored before with escapes read the same; stored JSON is never put into HTML as is.
    /// </summary>
    public static StoredJson Compact { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
