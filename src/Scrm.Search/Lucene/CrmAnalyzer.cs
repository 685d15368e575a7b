using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Util;

namespace Scrm.Search.Lucene;

/// <summary>
/// Text analysis for Chinese and English CRM text: Unicode word segmentation, full-width folded
/// to half-width, case folded, CJK runs cut into overlapping pairs (or, for the single-character
/// subfield, left as single characters), English words Porter-stemmed. No stop words, so every
/// phrase can be found.
/// </summary>
internal sealed class CrmAnalyzer(bool bigrams) : Analyzer
{
    public static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>The type a CJK character with no CJK neighbour gets (as in CJKBigramFilter).</summary>
    public const string SingleType = "<SINGLE>";

    public bool Bigrams { get; } = bigrams;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var source = new StandardTokenizer(Version, reader) { MaxTokenLength = 128 };
        TokenStream stream = new CJKWidthFilter(source);
        stream = new LowerCaseFilter(Version, stream);
        if (Bigrams)
        {
            stream = new CjkPairFilter(stream);
        }

        stream = new EnglishPossessiveFilter(Version, stream);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    /// <summary>A field's values (title and author name) are far apart, so no phrase matches across two of them.</summary>
    public override int GetPositionIncrementGap(string fieldName) => 100;

    /// <summary>The analysed tokens of <paramref name="text"/> with their character offsets.</summary>
    public List<AnalysedToken> Tokens(string field, string text)
    {
        var tokens = new List<AnalysedToken>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<global::Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        var offset = stream.AddAttribute<global::Lucene.Net.Analysis.TokenAttributes.IOffsetAttribute>();
        var type = stream.AddAttribute<global::Lucene.Net.Analysis.TokenAttributes.ITypeAttribute>();
        var increment = stream.AddAttribute<global::Lucene.Net.Analysis.TokenAttributes.IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            tokens.Add(new AnalysedToken(term.ToString(), position, offset.StartOffset, offset.EndOffset, type.Type));
        }

        stream.End();
        return tokens;
    }
}

internal readonly record struct AnalysedToken(string Term, int Position, int Start, int End, string Type);
