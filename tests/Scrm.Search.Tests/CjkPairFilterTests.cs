using System.Text.Json;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Scrm.Search.Lucene;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class CjkPairFilterTests
{
    private sealed class Chain(bool lucene) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var source = new StandardTokenizer(CrmAnalyzer.Version, reader);
            TokenStream stream = new CJKWidthFilter(source);
            stream = new LowerCaseFilter(CrmAnalyzer.Version, stream);
            stream = lucene ? new CJKBigramFilter(stream) : new CjkPairFilter(stream);
            return new TokenStreamComponents(source, stream);
        }
    }

    private static List<string> Tokens(Analyzer analyzer, string text)
    {
        var result = new List<string>();
        using var stream = analyzer.GetTokenStream("f", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var offset = stream.AddAttribute<IOffsetAttribute>();
        var type = stream.AddAttribute<ITypeAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            result.Add($"{term}|{offset.StartOffset}-{offset.EndOffset}|{type.Type}|+{increment.PositionIncrement}");
        }

        stream.End();
        return result;
    }

    public static TheoryData<string> Samples => new(
        "會員積分兌換",
        "客 戶",
        "a客b",
        "用類似Baidu、Goolge搜索引擎",
        "カタカナ語とひらがな",
        "한국어 텍스트와 中文",
        "𠀀𠀁 和 𠀂",
        "ＣＲＭ系統，ｈｅｌｌｏ",
        "單",
        "",
        "2024年10月1日 qq:12345 客服");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Produces_the_same_tokens_as_lucene_cjk_bigram_filter(string text)
    {
        using var lucene = new Chain(lucene: true);
        using var ours = new Chain(lucene: false);
        Tokens(ours, text).ShouldBe(Tokens(lucene, text));
    }

    [Fact]
    public void Produces_the_same_tokens_over_the_whole_chinese_corpus()
    {
        using var lucene = new Chain(lucene: true);
        using var ours = new Chain(lucene: false);
        foreach (var line in File.ReadLines(Repo.Fixture("chinese", "crm_articles.jsonl")))
        {
            var text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!;
            Tokens(ours, text).ShouldBe(Tokens(lucene, text), text);
        }
    }
}
