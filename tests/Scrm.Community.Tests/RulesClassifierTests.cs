using Scrm.Community.Classification;

namespace Scrm.Community.Tests;

/// <summary>The word-list rules, case by case: what a community manager can predict from the lists.</summary>
public sealed class RulesClassifierTests
{
    private static readonly RulesClassifier Rules = new(new LexiconMatcher(Lexicon.Default));

    [Theory]
    [InlineData("用了两天就坏了，太失望了", "complaint", "negative")]
    [InlineData("东西不错，但是物流太慢了", "complaint", "mixed")]
    [InlineData("非常好用，强烈推荐！", "praise", "positive")]
    [InlineData("请问什么时候发货？", "question", "neutral")]
    [InlineData("企业版多少钱？怎么买", "purchase", "neutral")]
    [InlineData("加微信 abc123 兼职日赚500", "spam", "neutral")]
    [InlineData("收到了", "other", "neutral")]
    [InlineData("ＶＸ：ａｂｃ　日结", "spam", "neutral")]
    public void Intent_and_sentiment_follow_the_word_lists(string text, string intent, string sentiment)
    {
        var result = Rules.Classify(text);

        result.Intent.ShouldBe(intent);
        result.Sentiment.ShouldBe(sentiment);
        result.Model.ShouldBe("rules-v1");
    }

    [Theory]
    [InlineData("不好用", "negative")]
    [InlineData("不太好", "negative")]
    [InlineData("没问题", "neutral")]
    [InlineData("不错", "positive")]
    public void A_negator_turns_the_word_after_it(string text, string sentiment) =>
        Rules.Classify(text).Sentiment.ShouldBe(sentiment);

    [Theory]
    [InlineData("快递很快，包装也很严实", "delivery,packaging")]
    [InlineData("客服态度很差，是不是假货", "authenticity,service")]
    [InlineData("价格实惠", "price")]
    public void Topics_come_from_their_word_lists(string text, string topics) =>
        string.Join(",", Rules.Classify(text).Topics.Order(StringComparer.Ordinal)).ShouldBe(topics);

    [Fact]
    public void An_edited_lexicon_changes_the_answer()
    {
        var lexicon = Lexicon.Default with
        {
            Version = 2,
            Classes = new Dictionary<string, IReadOnlyList<string>>(Lexicon.Default.Classes) { ["intent.spam"] = ["优惠券群"] },
        };

        var result = new RulesClassifier(new LexiconMatcher(lexicon)).Classify("进优惠券群");

        result.Intent.ShouldBe("spam");
        result.Model.ShouldBe("rules-v2");
    }

    [Theory]
    [InlineData("intent.complain", "is not a class name")]
    [InlineData("topic.Price", "is not a class name")]
    public void A_lexicon_with_an_unknown_class_is_refused(string name, string problem)
    {
        var lexicon = new Lexicon(1, new Dictionary<string, IReadOnlyList<string>> { [name] = ["x"] });

        lexicon.Problems().ShouldHaveSingleItem().English.ShouldContain(problem);
    }

    [Fact]
    public void A_lexicon_with_empty_or_control_words_is_refused() =>
        new Lexicon(1, new Dictionary<string, IReadOnlyList<string>> { ["topic.price"] = ["", "a\u0000b"] })
            .Problems().ShouldHaveSingleItem().English.ShouldContain("printable");

    [Fact]
    public void A_very_long_text_is_classified_on_its_beginning()
    {
        var text = "很失望" + new string('啊', 1_000_000);

        Rules.Classify(text).Sentiment.ShouldBe("negative");
    }
}
