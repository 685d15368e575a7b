using System.Text.Json;
using Bogus;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers.Directory;

namespace Scrm.Campaigns.Tests;

/// <summary>Generated customers' facts and a table of rule trees that together touch every fact and operator.</summary>
internal static class Generated
{
    public static readonly DateTimeOffset Now = new(2026, 6, 18, 4, 0, 0, TimeSpan.Zero);

    public static readonly string[] Tiers = ["gold", "silver", "bronze"];
    public static readonly string[] Provinces = ["浙江", "广东", "北京"];
    public static readonly string[] Cities = ["杭州", "宁波", "广州", "深圳", "北京"];
    public static readonly string[] Sources = ["wechat", "wecom", "web", "weibo"];
    public static readonly string[] Owners = ["rep-a", "rep-b", "rep-c"];
    public static readonly string[] Tags = ["vip", "母婴", "churned", "b2b", "618"];
    public static readonly string[] Identities = ["wechat", "wecom", "phone", "email", "weibo"];
    public static readonly string[] Channels = ["wechat", "wecom", "sms", "email"];

    public static readonly RuleContext Context = new(Now.ToUnixTimeMilliseconds(), new Dictionary<string, IReadOnlySet<string>>
    {
        ["east"] = new HashSet<string> { "rep-a", "rep-b" },
        ["north"] = new HashSet<string> { "rep-c", "rep-gone" },
    });

    public static CustomerFactSheet Customer(Faker f, Guid id, bool active = true)
    {
        long? When(float nullWeight) => f.Random.Bool(nullWeight) ? null : Now.AddDays(-f.Random.Double(0, 400)).ToUnixTimeMilliseconds();
        var orders = f.Random.Bool(0.3f) ? 0 : f.Random.Int(1, 12);
        return new CustomerFactSheet(
            id,
            active,
            f.Random.Bool(0.2f) ? null : f.PickRandom(Tiers),
            f.Random.Int(0, 5), f.Random.Int(0, 5), f.Random.Int(0, 5),
            [.. f.PickRandom(Tags, f.Random.Int(0, 3))],
            f.Random.Bool(0.1f) ? null : f.PickRandom(Provinces),
            f.Random.Bool(0.1f) ? null : f.PickRandom(Cities),
            f.Random.Bool(0.1f) ? null : f.PickRandom(Sources),
            f.Random.Bool(0.25f) ? null : f.PickRandom(Owners),
            [.. f.PickRandom(Identities, f.Random.Int(0, 4))],
            [.. f.PickRandom(Channels, f.Random.Int(0, 3))],
            orders,
            orders == 0 ? 0 : f.Random.Long(100, 500_000),
            orders == 0 ? null : When(0),
            When(0.3f),
            When(0.4f),
            Now.AddDays(-f.Random.Double(0, 800)).ToUnixTimeMilliseconds(),
            CustomerChangeMark.Start);
    }

    /// <summary>Every fact with every operator it takes, alone and nested.</summary>
    public static readonly string[] Rules =
    [
        """{"and":[]}""",
        """{"or":[]}""",
        """{"fact":"tier","op":"in","values":["gold","silver"]}""",
        """{"fact":"tier","op":"notIn","values":["gold"]}""",
        """{"fact":"tier","op":"exists"}""",
        """{"fact":"tier","op":"missing"}""",
        """{"fact":"province","op":"in","values":["浙江"]}""",
        """{"fact":"province","op":"notIn","values":["浙江","广东"]}""",
        """{"fact":"city","op":"in","values":["杭州","深圳","拉萨"]}""",
        """{"fact":"city","op":"missing"}""",
        """{"fact":"source","op":"in","values":["wechat"]}""",
        """{"fact":"source","op":"exists"}""",
        """{"fact":"owner","op":"in","values":["rep-a"]}""",
        """{"fact":"owner","op":"notIn","values":["rep-a","rep-b"]}""",
        """{"fact":"owner","op":"missing"}""",
        """{"fact":"team","op":"in","values":["east"]}""",
        """{"fact":"team","op":"notIn","values":["north","nobody"]}""",
        """{"fact":"team","op":"exists"}""",
        """{"fact":"team","op":"missing"}""",
        """{"fact":"tags","op":"hasAny","values":["vip","churned"]}""",
        """{"fact":"tags","op":"hasAll","values":["vip","母婴"]}""",
        """{"fact":"tags","op":"hasNone","values":["churned"]}""",
        """{"fact":"identities","op":"hasAll","values":["wechat","phone"]}""",
        """{"fact":"identities","op":"hasAny","values":["wecom","email"]}""",
        """{"fact":"identities","op":"hasNone","values":["phone"]}""",
        """{"fact":"consent","op":"hasAny","values":["sms"]}""",
        """{"fact":"consent","op":"hasAll","values":["wechat","email"]}""",
        """{"fact":"consent","op":"hasNone","values":["wechat"]}""",
        """{"fact":"orderCount","op":"eq","value":0}""",
        """{"fact":"orderCount","op":"gte","value":3}""",
        """{"fact":"orderCount","op":"lte","value":2}""",
        """{"fact":"orderAmount","op":"between","min":100,"max":2000}""",
        """{"fact":"orderAmount","op":"gte","value":3000.5}""",
        """{"fact":"rfm.r","op":"gte","value":4}""",
        """{"fact":"rfm.f","op":"eq","value":3}""",
        """{"fact":"rfm.m","op":"between","min":1,"max":2}""",
        """{"fact":"lastOrderAt","op":"within","days":30}""",
        """{"fact":"lastOrderAt","op":"notWithin","days":90}""",
        """{"fact":"lastOrderAt","op":"missing"}""",
        """{"fact":"lastContactAt","op":"within","days":60}""",
        """{"fact":"lastContactAt","op":"exists"}""",
        """{"fact":"lastInboundAt","op":"notWithin","days":30}""",
        """{"fact":"lastInboundAt","op":"before","date":"2026-01-01"}""",
        """{"fact":"createdAt","op":"after","date":"2025-12-01"}""",
        """{"fact":"createdAt","op":"before","date":"2025-09-01T12:00:00+08:00"}""",
        """{"not":{"fact":"tier","op":"in","values":["gold"]}}""",
        """{"and":[{"fact":"tier","op":"in","values":["gold"]},{"fact":"lastOrderAt","op":"within","days":90},{"not":{"fact":"tags","op":"hasAny","values":["churned"]}}]}""",
        """{"or":[{"fact":"tier","op":"in","values":["bronze"]},{"and":[{"fact":"city","op":"in","values":["杭州"]},{"fact":"consent","op":"hasAny","values":["sms"]}]}]}""",
        """{"not":{"or":[{"fact":"owner","op":"missing"},{"not":{"fact":"identities","op":"hasAny","values":["wechat"]}}]}}""",
    ];

    public static SegmentRule Rule(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RuleParser.Parse(document.RootElement).Rule ?? throw new InvalidOperationException("Bad rule in the table: " + json);
    }
}
