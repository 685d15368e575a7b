using System.Text.Json;
using Scrm.Campaigns.Segments.Rules;

namespace Scrm.Campaigns.Tests;

/// <summary>The rule tree's JSON: what is accepted, and that every refusal names the bad node.</summary>
public sealed class RuleParserTests
{
    private static RuleParse Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RuleParser.Parse(document.RootElement);
    }

    [Theory]
    [InlineData("""{"and":[]}""")]
    [InlineData("""{"or":[{"fact":"tier","op":"in","values":["A"]},{"not":{"fact":"tags","op":"hasAny","values":["vip"]}}]}""")]
    [InlineData("""{"fact":"identities","op":"hasAll","values":["wechat","phone"]}""")]
    [InlineData("""{"fact":"consent","op":"hasNone","values":["sms"]}""")]
    [InlineData("""{"fact":"orderAmount","op":"between","min":99.5,"max":500}""")]
    [InlineData("""{"fact":"rfm.r","op":"gte","value":4}""")]
    [InlineData("""{"fact":"lastOrderAt","op":"within","days":30}""")]
    [InlineData("""{"fact":"createdAt","op":"before","date":"2026-01-01"}""")]
    [InlineData("""{"fact":"lastInboundAt","op":"after","date":"2026-03-01T08:00:00+08:00"}""")]
    [InlineData("""{"fact":"team","op":"exists"}""")]
    [InlineData("""{"fact":"lastContactAt","op":"missing"}""")]
    public void Well_formed_rules_parse(string json) => Parse(json).Ok.ShouldBeTrue();

    [Theory]
    [InlineData("""[]""", "$")]
    [InlineData("""{}""", "$")]
    [InlineData("""{"and":[],"or":[]}""", "$")]
    [InlineData("""{"and":{}}""", "$.and")]
    [InlineData("""{"and":[{"fact":"tier","op":"in","values":["A"]},{"fact":"colour","op":"in","values":["red"]}]}""", "$.and[1].fact")]
    [InlineData("""{"or":[{"not":{"fact":"tier","op":"hasAny","values":["A"]}}]}""", "$.or[0].not.op")]
    [InlineData("""{"fact":"tags","op":"hasAny","values":[]}""", "$.values")]
    [InlineData("""{"fact":"tags","op":"hasAny","values":["vip",""]}""", "$.values[1]")]
    [InlineData("""{"fact":"tags","op":"hasAny","values":["vip",3]}""", "$.values[1]")]
    [InlineData("""{"fact":"identities","op":"hasAny","values":["qq"]}""", "$.values[0]")]
    [InlineData("""{"fact":"orderCount","op":"gte","value":-1}""", "$.value")]
    [InlineData("""{"fact":"orderCount","op":"gte","value":1.5}""", "$.value")]
    [InlineData("""{"fact":"orderCount","op":"gte"}""", "$.value")]
    [InlineData("""{"fact":"rfm.m","op":"eq","value":6}""", "$.value")]
    [InlineData("""{"fact":"orderAmount","op":"between","min":10,"max":5}""", "$.min")]
    [InlineData("""{"fact":"lastOrderAt","op":"within","days":0}""", "$.days")]
    [InlineData("""{"fact":"lastOrderAt","op":"within","days":"30"}""", "$.days")]
    [InlineData("""{"fact":"lastOrderAt","op":"before","date":"yesterday"}""", "$.date")]
    [InlineData("""{"fact":"lastOrderAt","op":"before","date":"2026-01-01T00:00:00"}""", "$.date")]
    [InlineData("""{"fact":"tier","op":"in","values":["A"],"extra":1}""", "$.extra")]
    [InlineData("""{"not":{"fact":"tier","op":"in","values":["A"]},"why":1}""", "$.why")]
    public void A_bad_rule_names_the_node(string json, string path)
    {
        var parse = Parse(json);

        parse.Ok.ShouldBeFalse();
        parse.Rule.ShouldBeNull();
        parse.Errors.Select(e => e.Path).ShouldContain(path);
    }

    [Fact]
    public void Every_bad_node_is_named_not_only_the_first()
    {
        var parse = Parse("""{"and":[{"fact":"x","op":"in","values":["a"]},{"or":[{"fact":"tier","op":"in","values":[]}]}]}""");

        parse.Errors.Select(e => e.Path).ShouldBe(["$.and[0].fact", "$.and[1].or[0].values"]);
    }

    [Fact]
    public void Nesting_and_size_are_bounded()
    {
        var deep = string.Concat(Enumerable.Repeat("""{"not":""", 20)) + """{"fact":"tier","op":"exists"}""" + new string('}', 20);
        var wide = """{"or":[""" + string.Join(",", Enumerable.Repeat("""{"fact":"tier","op":"exists"}""", 300)) + "]}";

        Parse(deep).Errors.ShouldHaveSingleItem().Path.ShouldStartWith("$.not.not");
        Parse(wide).Errors.ShouldHaveSingleItem().Path.ShouldBe("$.or[199]");
    }

    [Fact]
    public void Amounts_are_yuan_and_dates_are_china_days()
    {
        var amount = (NumberCondition)Parse("""{"fact":"orderAmount","op":"between","min":99.5,"max":500}""").Rule!;
        var date = (DateCondition)Parse("""{"fact":"createdAt","op":"before","date":"2026-01-01"}""").Rule!;

        (amount.Min, amount.Max).ShouldBe((9_950L, 50_000L));
        date.At.ShouldBe(new DateTimeOffset(2025, 12, 31, 16, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Errors_read_in_chinese_first_and_english_on_request()
    {
        var error = Parse("""{"fact":"colour","op":"in","values":["red"]}""").Errors.Single();

        error.In("zh-CN").ShouldStartWith("未知的客户属性");
        error.In("en").ShouldStartWith("unknown fact");
    }
}
