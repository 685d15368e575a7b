using Bunit;
using Scrm.Platform.Text;
using Scrm.Web.Sales;
using Scrm.Web.Shell;

namespace Scrm.Web.Tests.Components;

public sealed class CountdownTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "zh-CN", "无待办跟进", Urgency.None)]
    [InlineData(90 * 60, "zh-CN", "剩余 1小时30分", Urgency.Later)]
    [InlineData(45 * 60 + 12, "zh-CN", "剩余 45分12秒", Urgency.Soon)]
    [InlineData(3600, "zh-CN", "剩余 1小时0分", Urgency.Soon)]
    [InlineData(0, "zh-CN", "已超时 0分0秒", Urgency.Overdue)]
    [InlineData(-(2 * 86400 + 3 * 3600), "zh-CN", "已超时 2天3小时", Urgency.Overdue)]
    [InlineData(-125, "en", "2m 5s overdue", Urgency.Overdue)]
    [InlineData(26 * 3600, "en", "1d 2h left", Urgency.Later)]
    public void A_deadline_reads_as_time_left_or_overdue_with_its_urgency(int? secondsLeft, string language, string text, Urgency urgency)
    {
        var due = secondsLeft is { } s ? Now.AddSeconds(s) : (DateTimeOffset?)null;

        Countdowns.Describe(due, Now, language).ShouldBe(new Countdown(text, urgency));
    }

    [Fact]
    public void The_countdown_component_colours_only_urgent_deadlines_and_ticks_with_the_clock()
    {
        using var context = new BunitContext();
        var soon = context.Render<CountdownText>(p => p
            .AddCascadingValue(Ui.Chinese)
            .Add(c => c.Due, Now.AddMinutes(30))
            .Add(c => c.Now, Now));

        var span = soon.Find("[role=timer]");
        span.TextContent.ShouldBe("剩余 30分0秒");
        span.ClassName.ShouldBe("scrm-soon");

        // A second later by the page's clock the same deadline reads one second less; past it, overdue in red.
        soon.Render(p => p.Add(c => c.Now, Now.AddSeconds(1)));
        soon.Find("[role=timer]").TextContent.ShouldBe("剩余 29分59秒");
        soon.Render(p => p.Add(c => c.Now, Now.AddMinutes(31)));
        soon.Find("[role=timer]").ClassName.ShouldBe("scrm-overdue");
        soon.Find("[role=timer]").TextContent.ShouldBe("已超时 1分0秒");

        var later = context.Render<CountdownText>(p => p
            .AddCascadingValue(new Ui(Languages.English))
            .Add(c => c.Due, Now.AddDays(3))
            .Add(c => c.Now, Now));
        later.Find("[role=timer]").ClassName.ShouldBe("scrm-later");
        later.Find("[role=timer]").GetAttribute("aria-label").ShouldBe("3d 0h left");
    }
}
