using Scrm.Search;

namespace Scrm.Search.Tests;

public sealed class QueryTextTests
{
    [Theory]
    [InlineData("客户 管理", "客户|管理")]
    [InlineData("\"loyal customer\" vip", "loyal customer|vip")]
    [InlineData("会员 -投诉", "会员|!投诉")]
    [InlineData("-\"bad service\"", "!bad service")]
    [InlineData("\"unbalanced", "unbalanced")]
    [InlineData("a - b", "a|-|b")]
    [InlineData("text:[* TO *]", "text:[*|TO|*]")]
    [InlineData("   ", "")]
    [InlineData("“全角引号”", "全角引号")]
    public void Splits_words_and_phrases_without_any_other_syntax(string text, string expected)
    {
        var clauses = QueryText.Parse(text).Select(c => (c.Exclude ? "!" : "") + c.Text);
        string.Join('|', clauses).ShouldBe(expected);
    }

    [Fact]
    public void Stops_at_the_clause_limit()
    {
        QueryText.Parse(string.Join(' ', Enumerable.Range(0, 100))).Count.ShouldBe(QueryText.MaxClauses);
    }

    [Theory]
    [InlineData("客", true)]
    [InlineData("客户", false)]
    [InlineData("a客b", true)]
    [InlineData("客 户", true)]
    [InlineData("crm", false)]
    public void Finds_characters_the_pair_index_cannot_match(string text, bool lone)
    {
        Cjk.HasLoneCharacter(text).ShouldBe(lone);
    }
}
