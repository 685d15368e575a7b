using Scrm.Leads.Pipeline;

namespace Scrm.Leads.Tests;

/// <summary>Notification texts a company words its own way: holes by name, and a refusal that says what is wrong.</summary>
public sealed class NotificationTextTests
{
    [Fact]
    public void A_configured_text_fills_its_holes_by_name_and_other_kinds_keep_the_built_in_text_in_the_configured_language()
    {
        var settings = new LeadsOptions { Language = "en", NotificationTexts = { ["big-deal"] = "{owner} 的大单：#{lead}，{amount} 元，{owner} 请跟进" } };

        NotificationKind.BigDeal.Render(settings, 42L, "600,000", "rep-a").ShouldBe("rep-a 的大单：#42，600,000 元，rep-a 请跟进");
        NotificationKind.Pooled.Render(settings, 42L).ShouldBe("Lead #42 went back to the shared pool: nobody contacted it");
        NotificationKind.Pooled.Render(new LeadsOptions(), 42L).ShouldBe("线索 #42 无人联系，已退回公海");
    }

    [Theory]
    [InlineData("new-lead", "新线索 #{lead}", null)]
    [InlineData("new-leads", "新线索 #{lead}", "'new-leads' is not a notification kind")]
    [InlineData("reminder", "请跟进 #{lead}：{amount}", "reminder: {amount} is not one of its holes ({lead} {note})")]
    [InlineData("pooled", " ", "pooled: the text must have 1 to 500 characters")]
    public void Configured_texts_with_an_unknown_kind_or_hole_are_refused_with_the_reason(string kind, string text, string? problem)
    {
        var problems = NotificationKind.Problems(new Dictionary<string, string> { [kind] = text });

        if (problem is null)
        {
            problems.ShouldBeEmpty();
        }
        else
        {
            problems.ShouldHaveSingleItem().ShouldStartWith(problem);
        }
    }

    [Fact]
    public void The_start_check_names_the_setting_the_kind_and_the_hole_it_does_not_have()
    {
        var check = new NotificationTextsCheck().Validate(null, new LeadsOptions { NotificationTexts = { ["pooled"] = "线索 #{lead} 归 {owner}" } });

        check.Failed.ShouldBeTrue();
        check.FailureMessage.ShouldContain("Scrm:Leads:NotificationTexts: pooled: {owner} is not one of its holes ({lead})");
    }
}
