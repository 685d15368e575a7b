using Scrm.Community.Classification;

namespace Scrm.Community.Tests;

/// <summary>
/// Plain customer questions are questions, not complaints, with the shipped trained model; real complaints
/// from the labelled review set stay complaints, those phrased as questions too.
/// </summary>
public sealed class PlainQuestionTests
{
    [Theory]
    [InlineData("请问你们周末营业吗？")]
    [InlineData("请问什么时候发货？")]
    [InlineData("请问这款有红色吗？")]
    [InlineData("请问怎么开发票？")]
    [InlineData("请问门店在哪里？")]
    [InlineData("请问有发票吗")]
    [InlineData("想问一下会员价")]
    [InlineData("周末营业吗？")]
    [InlineData("这款有红色的吗")]
    [InlineData("门店在哪里？")]
    [InlineData("什么时候发货？")]
    [InlineData("可以开发票吗？")]
    public void A_plain_question_is_a_neutral_question(string text)
    {
        using var classifier = TextClassifier.Shipped();

        var result = classifier.Classify(text);

        (result.Intent, result.Sentiment, result.Model).ShouldBe(("question", "neutral", TextClassifier.ShippedVersion));
        classifier.ClassifyMany(Enumerable.Repeat(text, 20).ToList()).ShouldAllBe(r => r.Intent == "question" && r.Sentiment == "neutral");
    }

    /// <summary>Asking the price or the stock may be buying intent (handed to lead conversion), never a complaint.</summary>
    [Theory]
    [InlineData("多少钱？")]
    [InlineData("这个多少钱")]
    [InlineData("有货吗")]
    public void Asking_the_price_or_the_stock_is_neutral_and_not_a_complaint(string text)
    {
        using var classifier = TextClassifier.Shipped();

        var result = classifier.Classify(text);

        result.Intent.ShouldBeOneOf("question", "purchase");
        (result.Sentiment, result.IsComplaint).ShouldBe(("neutral", false));
    }

    [Theory]
    [InlineData("为什么闻着酸酸的")] // zj-2944
    [InlineData("包装简陋，没有说明书。正品？？")] // zj-158
    [InlineData("为啥连个盒子都没有？？这样我会以为是假货！")] // zj-2769
    [InlineData("明明买的时候还有赠品的，结果到手的时候却没有？怎么回事？")] // zj-792
    [InlineData("刚收到货，打开试用了一下，卸口红，都卸不掉，这还是卸装水吗？")] // zj-1442
    [InlineData("请问为什么还没发货？")]
    [InlineData("客服态度太差了，再也不买了")]
    [InlineData("不是说京东自营的都带发票吗？")] // os-9243
    [InlineData("甘肃苹果和红富士掺着卖，卖家能走心点吗")] // os-23203
    [InlineData("刚买回来咋就中病毒了？")] // os-12049
    [InlineData("没有收到何来已签收？")] // os-44394
    [InlineData("全部烂了 怎么吃呢 请问 有点心好么")] // os-25011
    [InlineData("买来一打开就是坏的叫我如何评论?")] // os-25212
    [InlineData("快递到哪里了？等了一个星期还没到")]
    [InlineData("有没有搞错，发错货了！")]
    public void A_complaint_stays_a_complaint_even_when_it_asks(string text)
    {
        using var classifier = TextClassifier.Shipped();

        var result = classifier.Classify(text);

        result.Intent.ShouldBe("complaint");
        result.IsComplaint.ShouldBeTrue();
    }

    [Theory]
    [InlineData("请问你们周末营业吗？", true)]
    [InlineData("请问为什么还没发货？", false)]
    [InlineData("周末营业吗？", true)]
    [InlineData("有货吗", true)]
    [InlineData("多少钱？", true)]
    [InlineData("很好的苹果,买了几次了,很脆很好吃?", false)] // a review whose emoji became a question mark
    [InlineData("领子没有弹力,穿几天就泻松了", false)]
    [InlineData("不是说京东自营的都带发票吗？", false)]
    [InlineData("京东自营快递就这么暴力吗？，我想问问要怎么按，我一星都不想给", false)]
    [InlineData("请问我买的水果坏的，烂的都有，我还帮助朋友买了两份，也不好，她们很生气，要求退款赔偿。可是没有客服。", false)]
    public void Asking_needs_a_short_polite_or_bare_question_without_reproach(string text, bool asks) =>
        PlainQuestion.Asks(TextNormal.Fold(text)).ShouldBe(asks);
}
