using Scrm.Community.Api;
using Scrm.Community.Conversations;

namespace Scrm.Community.Tests;

/// <summary>Which service-level target decides for a conversation: the most specific row of intent × value tier × channel.</summary>
public sealed class ServiceTargetTableTests
{
    public static TheoryData<string?, string?, string?, int?, int?> Shipped() => new()
    {
        // intent, tier, channel → first response, resolution (business minutes)
        { "complaint", null, "wechat", 60, 480 },
        { "complaint", "general", "wecom", 60, 480 },
        { "complaint", "high_value", "wechat", 30, 240 },        // intent × tier beats intent alone
        { "complaint", null, "weibo", 30, 480 },                 // a public complaint
        { "complaint", "high_value", "weibo", 15, 240 },         // all three named: the most specific
        { "complaint", "dormant", "weibo", 30, 480 },
        { "question", null, "wechat", 120, 960 },
        { "question", "high_value", "web", 60, 480 },
        { "praise", "high_value", "wechat", 480, 2_400 },        // intent alone vs tier alone: intent outweighs
        { "other", "high_value", "wechat", 120, 720 },           // the tier row beats the default
        { "other", "general", "wechat", 240, 1_440 },            // the default
        { null, null, null, 240, 1_440 },
        { "spam", "high_value", "weibo", null, null },           // spam is owed nothing, whoever sends it
        { "purchase", "high_value", "wecom", 30, 240 },
    };

    [Theory]
    [MemberData(nameof(Shipped))]
    public void The_most_specific_shipped_row_decides(string? intent, string? tier, string? channel, int? first, int? resolution)
    {
        var target = ServiceTargetTable.Default.For(intent, tier, channel);

        target.FirstResponseMinutes.ShouldBe(first);
        target.ResolutionMinutes.ShouldBe(resolution);
        ServiceTargetTable.Default.Problems(TemplatesApi.Channels).ShouldBeEmpty();
    }

    private static readonly ServiceTargetTable Edited = new(3,
    [
        new(null, null, null, 300, 3_000),
        new(null, null, "weibo", 20, 200),
        new(null, "high_value", "weibo", 10, 100),
        new("question", null, null, 90, 900),
        new("question", "general", null, 80, 800),
    ]);

    public static TheoryData<string?, string?, string?, int> EditedCases() => new()
    {
        { "question", null, "wechat", 90 },
        { "question", "general", "wechat", 80 },
        { "question", null, "weibo", 90 },                       // intent outweighs channel when each names one key
        { "question", "high_value", "weibo", 10 },               // two keys beat one, whichever they are
        { "question", "general", "weibo", 80 },                  // intent × tier outweighs tier × channel
        { "praise", null, "weibo", 20 },
        { "praise", "dormant", "web", 300 },
    };

    [Theory]
    [MemberData(nameof(EditedCases))]
    public void An_edited_table_decides_the_same_way(string? intent, string? tier, string? channel, int first)
    {
        Edited.For(intent, tier, channel).FirstResponseMinutes.ShouldBe(first);
        Edited.Problems(TemplatesApi.Channels).ShouldBeEmpty();
    }

    public static TheoryData<string, string> Refused() => new()
    {
        // JSON-ish description of the bad row, and a word the refusal must carry
        { "no-default", "默认" },
        { "bad-intent", "intent" },
        { "bad-tier", "tier" },
        { "bad-channel", "channel" },
        { "zero-minutes", "工作分钟" },
        { "resolution-first", "解决时限" },
        { "duplicate", "相同" },
        { "long-note", "note" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_table_that_cannot_decide_is_refused_with_the_row_named(string bad, string word)
    {
        ServiceTarget row = bad switch
        {
            "no-default" => new("question", null, null, 60, 120),
            "bad-intent" => new("angry", null, null, 60, 120),
            "bad-tier" => new(null, "vip", null, 60, 120),
            "bad-channel" => new(null, null, "douyin", 60, 120),
            "zero-minutes" => new("question", null, null, 0, 120),
            "resolution-first" => new("question", null, null, 120, 60),
            "duplicate" => new(null, null, null, 60, 120),
            _ => new("question", null, null, 60, 120, new string('长', 201)),
        };
        var rows = bad == "no-default" ? new List<ServiceTarget> { row } : [new(null, null, null, 240, 1_440), row];

        var problems = new ServiceTargetTable(1, rows).Problems(TemplatesApi.Channels);

        problems.ShouldNotBeEmpty();
        problems[0].In("zh-CN").ShouldContain(word);
        if (bad != "no-default")
        {
            problems[0].In("zh-CN").ShouldContain("targets[1]");
        }
    }
}
