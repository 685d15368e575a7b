using Bunit;
using Scrm.Platform.Text;
using Scrm.Web.Community;
using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Components;

public sealed class SlaCountdownTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "zh-CN", "无需响应", SlaState.None)]
    [InlineData(2 * 3600, "zh-CN", "响应剩余 2小时0分", SlaState.Normal)]
    [InlineData(15 * 60 + 1, "zh-CN", "响应剩余 15分1秒", SlaState.Normal)]
    [InlineData(15 * 60, "zh-CN", "响应剩余 15分0秒", SlaState.Warning)]
    [InlineData(1, "zh-CN", "响应剩余 0分1秒", SlaState.Warning)]
    [InlineData(0, "zh-CN", "已超时 0分0秒", SlaState.Overdue)]
    [InlineData(-3700, "en", "1h 1m overdue", SlaState.Overdue)]
    [InlineData(600, "en", "reply within 10m 0s", SlaState.Warning)]
    public void A_first_response_due_time_reads_as_normal_warning_or_overdue(int? secondsLeft, string language, string text, SlaState state)
    {
        var due = secondsLeft is { } s ? Now.AddSeconds(s) : (DateTimeOffset?)null;

        SlaTimers.Describe(due, Now, language).ShouldBe(new SlaTimer(text, state));
    }

    [Fact]
    public void The_sla_countdown_ticks_from_normal_to_warning_to_overdue_with_the_pages_clock()
    {
        using var context = new BunitContext();
        var timer = context.Render<SlaCountdown>(p => p
            .AddCascadingValue(Ui.Chinese)
            .Add(c => c.Due, Now.AddMinutes(16))
            .Add(c => c.Now, Now));

        var span = timer.Find("[role=timer]");
        span.TextContent.ShouldBe("响应剩余 16分0秒");
        span.GetAttribute("data-sla").ShouldBe("normal");
        span.ClassName.ShouldBe("scrm-later");

        timer.Render(p => p.Add(c => c.Now, Now.AddMinutes(1).AddSeconds(1)));
        timer.Find("[role=timer]").GetAttribute("data-sla").ShouldBe("warning");
        timer.Find("[role=timer]").ClassName.ShouldBe("scrm-soon");
        timer.Find("[role=timer]").TextContent.ShouldBe("响应剩余 14分59秒");

        timer.Render(p => p.Add(c => c.Now, Now.AddMinutes(17)));
        timer.Find("[role=timer]").GetAttribute("data-sla").ShouldBe("overdue");
        timer.Find("[role=timer]").ClassName.ShouldBe("scrm-overdue");
        timer.Find("[role=timer]").GetAttribute("aria-label").ShouldBe("已超时 1分0秒");

        var none = context.Render<SlaCountdown>(p => p
            .AddCascadingValue(new Ui(Languages.English))
            .Add(c => c.Due, (DateTimeOffset?)null)
            .Add(c => c.Now, Now));
        none.Find("[role=timer]").TextContent.ShouldBe("nothing owed");
        none.Find("[role=timer]").GetAttribute("data-sla").ShouldBe("none");
    }
}
