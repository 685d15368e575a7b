using System.Text.Json;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers.Directory;

namespace Scrm.Campaigns.Tests;

/// <summary>The segment definition on one customer: a table of rules, each with its answer for one known customer.</summary>
public sealed class RuleEvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 18, 4, 0, 0, TimeSpan.Zero);
    private static long DaysAgo(double days) => Now.AddDays(-days).ToUnixTimeMilliseconds();

    /// <summary>A gold customer in Hangzhou with two orders, bought 10 days ago, contacted 40 days ago, never wrote in.</summary>
    internal static readonly CustomerFactSheet Customer = new(
        Guid.Parse("0191a000-0000-7000-8000-000000000001"), true, "gold", 4, 2, 5,
        ["vip", "母婴"], "浙江", "杭州", "wechat:qrscene_spring", "rep-li",
        ["phone", "wechat"], ["wechat"],
        2, 128_800, DaysAgo(10), DaysAgo(40), null, DaysAgo(400), CustomerChangeMark.Start);

    private static readonly RuleContext Context = new(Now.ToUnixTimeMilliseconds(), new Dictionary<string, IReadOnlySet<string>>
    {
        ["east"] = new HashSet<string> { "rep-li", "rep-wang" },
        ["north"] = new HashSet<string> { "rep-zhao" },
    });

    public static TheoryData<string, bool> Table() => new()
    {
        { """{"and":[]}""", true },
        { """{"or":[]}""", false },
        { """{"fact":"tier","op":"in","values":["gold","silver"]}""", true },
        { """{"fact":"tier","op":"notIn","values":["gold"]}""", false },
        { """{"fact":"tier","op":"exists"}""", true },
        { """{"fact":"province","op":"in","values":["浙江"]}""", true },
        { """{"fact":"city","op":"in","values":["上海"]}""", false },
        { """{"fact":"city","op":"notIn","values":["上海"]}""", true },
        { """{"fact":"source","op":"in","values":["wechat:qrscene_spring"]}""", true },
        { """{"fact":"owner","op":"in","values":["rep-li"]}""", true },
        { """{"fact":"owner","op":"missing"}""", false },
        { """{"fact":"team","op":"in","values":["east"]}""", true },
        { """{"fact":"team","op":"in","values":["north"]}""", false },
        { """{"fact":"team","op":"notIn","values":["north"]}""", true },
        { """{"fact":"team","op":"exists"}""", true },
        { """{"fact":"tags","op":"hasAny","values":["vip","churned"]}""", true },
        { """{"fact":"tags","op":"hasAll","values":["vip","churned"]}""", false },
        { """{"fact":"tags","op":"hasAll","values":["vip","母婴"]}""", true },
        { """{"fact":"tags","op":"hasNone","values":["churned"]}""", true },
        { """{"fact":"identities","op":"hasAll","values":["wechat","phone"]}""", true },
        { """{"fact":"identities","op":"hasAny","values":["wecom","email"]}""", false },
        { """{"fact":"consent","op":"hasAny","values":["wechat"]}""", true },
        { """{"fact":"consent","op":"hasNone","values":["sms"]}""", true },
        { """{"fact":"orderCount","op":"eq","value":2}""", true },
        { """{"fact":"orderCount","op":"gte","value":3}""", false },
        { """{"fact":"orderCount","op":"lte","value":2}""", true },
        { """{"fact":"orderAmount","op":"between","min":1000,"max":1288}""", true },
        { """{"fact":"orderAmount","op":"gte","value":1288.01}""", false },
        { """{"fact":"rfm.r","op":"gte","value":4}""", true },
        { """{"fact":"rfm.f","op":"eq","value":3}""", false },
        { """{"fact":"rfm.m","op":"between","min":5,"max":5}""", true },
        { """{"fact":"lastOrderAt","op":"within","days":30}""", true },
        { """{"fact":"lastOrderAt","op":"within","days":7}""", false },
        { """{"fact":"lastOrderAt","op":"notWithin","days":7}""", true },
        { """{"fact":"lastContactAt","op":"within","days":30}""", false },
        { """{"fact":"lastContactAt","op":"notWithin","days":30}""", true },
        { """{"fact":"lastInboundAt","op":"notWithin","days":30}""", true },
        { """{"fact":"lastInboundAt","op":"within","days":3650}""", false },
        { """{"fact":"lastInboundAt","op":"missing"}""", true },
        { """{"fact":"lastInboundAt","op":"before","date":"2030-01-01"}""", false },
        { """{"fact":"createdAt","op":"before","date":"2025-06-01"}""", true },
        { """{"fact":"createdAt","op":"after","date":"2025-06-01"}""", false },
        { """{"not":{"fact":"tier","op":"in","values":["gold"]}}""", false },
        { """{"and":[{"fact":"tier","op":"in","values":["gold"]},{"fact":"lastOrderAt","op":"within","days":30},{"not":{"fact":"tags","op":"hasAny","values":["churned"]}}]}""", true },
        { """{"or":[{"fact":"tier","op":"in","values":["bronze"]},{"and":[{"fact":"city","op":"in","values":["杭州"]},{"fact":"consent","op":"hasAny","values":["sms"]}]}]}""", false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void A_rule_is_judged_on_the_customers_facts(string json, bool expected)
    {
        using var document = JsonDocument.Parse(json);
        var rule = RuleParser.Parse(document.RootElement).Rule!;

        RuleEvaluator.Matches(rule, Customer, Context).ShouldBe(expected);
    }

    [Fact]
    public void Within_counts_back_from_the_clock_it_is_given()
    {
        using var document = JsonDocument.Parse("""{"fact":"lastOrderAt","op":"within","days":30}""");
        var rule = RuleParser.Parse(document.RootElement).Rule!;

        RuleEvaluator.Matches(rule, Customer, Context with { Now = Now.AddDays(20).ToUnixTimeMilliseconds() }).ShouldBeTrue();
        RuleEvaluator.Matches(rule, Customer, Context with { Now = Now.AddDays(21).ToUnixTimeMilliseconds() }).ShouldBeFalse();
    }
}
