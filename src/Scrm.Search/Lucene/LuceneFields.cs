using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>The index's fields and the mapping between <see cref="SearchDocument"/> and a Lucene document.</summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string Type = "type";
    public const string Channel = "channel";
    public const string Account = "account";
    public const string AuthorId = "author_id";
    public const string AuthorName = "author_name";
    public const string Owner = "owner";
    public const string Tag = "tag";
    public const string Created = "created";
    public const string Title = "title";
    public const string Text = "text";

    /// <summary>Single-character subfields, for one-character CJK queries.</summary>
    public const string TitleUni = "title_uni";
    public const string TextUni = "text_uni";

    public static bool IsUnigram(string field) => field is TitleUni or TextUni;

    public static Document ToDocument(SearchDocument d)
    {
        var doc = new Document
        {
            new StringField(Id, d.Id, Field.Store.YES),
            new SortedDocValuesField(Id, new BytesRef(d.Id)),
            new StringField(Type, d.Type, Field.Store.YES),
            new SortedDocValuesField(Type, new BytesRef(d.Type)),
            new StringField(Channel, d.Channel, Field.Store.YES),
            new SortedDocValuesField(Channel, new BytesRef(d.Channel)),
            new StringField(Account, d.Account, Field.Store.YES),
            new Int64Field(Created, d.CreatedAt.ToUnixTimeMilliseconds(), Field.Store.YES),
            new NumericDocValuesField(Created, d.CreatedAt.ToUnixTimeMilliseconds()),
            new TextField(Text, d.Text, Field.Store.YES),
            new TextField(TextUni, d.Text, Field.Store.NO),
        };
        if (d.AuthorId is not null)
        {
            doc.Add(new StringField(AuthorId, d.AuthorId, Field.Store.YES));
        }

        if (d.AuthorName is not null)
        {
            doc.Add(new StoredField(AuthorName, d.AuthorName));
        }

        if (d.Owner is not null)
        {
            doc.Add(new StringField(Owner, d.Owner, Field.Store.YES));
        }

        foreach (var tag in d.Tags)
        {
            doc.Add(new StringField(Tag, tag, Field.Store.YES));
        }

        if (d.Title is not null)
        {
            doc.Add(new TextField(Title, d.Title, Field.Store.YES));
            doc.Add(new TextField(TitleUni, d.Title, Field.Store.NO));
        }

        return doc;
    }

    public static SearchDocument FromDocument(Document doc) => new(
        doc.Get(Id),
        doc.Get(Type),
        doc.Get(Channel),
        doc.Get(Account),
        doc.Get(AuthorId),
        doc.Get(AuthorName),
        doc.Get(Title),
        doc.Get(Text) ?? "",
        DateTimeOffset.FromUnixTimeMilliseconds(doc.GetField(Created)?.GetInt64Value() ?? 0),
        doc.Get(Owner),
        doc.GetValues(Tag));

    public static Term IdTerm(string id) => new(Id, id);
}
