using Scrm.Community.Knowledge;

namespace Scrm.Community.Tests;

/// <summary>Knowledge-base matching: Chinese as character pairs, other words whole, title above tags above body.</summary>
public sealed class ArticleMatchTests
{
    [Theory]
    [InlineData("快递发货", new[] { "快递", "递发", "发货" })]
    [InlineData("退", new[] { "退" })]
    [InlineData("iPhone 15 保修！", new[] { "iphone", "15", "保修" })]
    [InlineData("ＡＢＣ，价格", new[] { "abc", "价格" })]
    [InlineData("", new string[0])]
    public void Terms_are_han_pairs_and_whole_words(string text, string[] expected) =>
        ArticleMatch.Terms(text).Order(StringComparer.Ordinal).ShouldBe(expected.Order(StringComparer.Ordinal));

    [Fact]
    public void A_title_match_outranks_a_tag_match_which_outranks_a_body_match_and_labels_add_to_it()
    {
        var query = ArticleMatch.Terms("发货");
        var title = ArticleMatch.Of("发货时间", "下单后两天内。", []);
        var tag = ArticleMatch.Of("物流说明", "以快递公司为准。", ["发货"]);
        var body = ArticleMatch.Of("常见问题", "一般两天内发货。", []);
        var none = ArticleMatch.Of("退款", "七天无理由。", ["after-sales"]);

        ArticleMatch.Score(query, title).ShouldBe(3);
        ArticleMatch.Score(query, tag).ShouldBe(2);
        ArticleMatch.Score(query, body).ShouldBe(1);
        ArticleMatch.Score(query, none).ShouldBe(0);
        ArticleMatch.Score(query, none, ["complaint", "after-sales"]).ShouldBe(2);
    }

    [Fact]
    public void A_long_body_is_read_to_its_end()
    {
        var body = new string('啊', 5_000) + "保修";
        ArticleMatch.Terms(body).ShouldContain("保修");
    }
}
