using System.Text.Json;
using Scrm.Platform.Text;

namespace Scrm.Leads.Funnel;

/// <summary>Where a lead is in the sales funnel.</summary>
public enum LeadStage
{
    Lead,
    Prospect,
    Opportunity,
    Won,
    Lost,
    Disqualified,
}

/// <summary>The facts about a lead that stage changes are guarded by.</summary>
public sealed record LeadProgress(
    LeadStage Stage,
    int ContactAttempts,
    bool NeedRecorded,
    decimal? Amount,
    DateOnly? ExpectedClose,
    decimal PaidAmount);

/// <summary>How a stage is written on the wire (<c>prospect</c>) and shown in Chinese (意向).</summary>
public static class LeadStages
{
    public static string Wire(LeadStage stage) => JsonNamingPolicy.CamelCase.ConvertName(stage.ToString());

    public static string Show(LeadStage stage, string language) => language == Languages.English ? Wire(stage) : stage switch
    {
        LeadStage.Lead => "线索",
        LeadStage.Prospect => "意向",
        LeadStage.Opportunity => "商机",
        LeadStage.Won => "赢单",
        LeadStage.Lost => "输单",
        _ => "无效",
    };
}

/// <summary>
/// Stage changes are earned, not picked: each move names the conditions it needs, and a refused
/// move lists every condition still unmet. Stages are not skipped; won, lost and disqualified end
/// the lead.
/// </summary>
public static class StageGuard
{
    private static readonly UserText AlreadyThere = new("线索已处于{0}阶段", "the lead is already at stage {0}");
    private static readonly UserText Closed = new("{0}的线索已关闭，不能再转到{1}", "a {0} lead is closed; it cannot move to {1}");
    private static readonly UserText NoWayBack = new("线索不能退回线索阶段", "a lead cannot move back to stage lead");
    private static readonly UserText NeedContact = new("至少记录一次联系", "record at least one contact attempt");
    private static readonly UserText NeedNeed = new("记录客户需求", "record the customer's need");
    private static readonly UserText NeedAmount = new("记录预计金额", "record the expected amount");
    private static readonly UserText NeedClose = new("记录预计成交日期", "record the expected close date");
    private static readonly UserText NeedPayment = new("记录一笔回款", "record a payment");
    private static readonly UserText NeedReason = new("请给出原因（{0}）", "give a reason ({0})");
    private static readonly UserText UnknownReason = new("“{0}”不是已配置的原因（{1}）", "'{0}' is not one of the configured reasons ({1})");
    private static readonly UserText Order = new("{0}须在{1}之后；线索现处于{2}", "{0} follows {1}; the lead is at {2}");

    public static IReadOnlyList<string> Unmet(LeadProgress lead, LeadStage target, string? reason, IReadOnlyList<TermOptions> lossReasons, string language = Languages.Chinese)
    {
        string Stage(LeadStage s) => LeadStages.Show(s, language);
        var unmet = new List<string>();
        if (lead.Stage == target)
        {
            unmet.Add(AlreadyThere.In(language, Stage(target)));
            return unmet;
        }

        if (lead.Stage is LeadStage.Won or LeadStage.Lost or LeadStage.Disqualified)
        {
            unmet.Add(Closed.In(language, Stage(lead.Stage), Stage(target)));
            return unmet;
        }

        switch (target)
        {
            case LeadStage.Lead:
                unmet.Add(NoWayBack.In(language));
                break;
            case LeadStage.Prospect:
                RequireFrom(lead, LeadStage.Lead, target, unmet, language);
                if (lead.ContactAttempts == 0)
                {
                    unmet.Add(NeedContact.In(language));
                }

                if (!lead.NeedRecorded)
                {
                    unmet.Add(NeedNeed.In(language));
                }

                break;
            case LeadStage.Opportunity:
                RequireFrom(lead, LeadStage.Prospect, target, unmet, language);
                if (lead.Amount is not > 0)
                {
                    unmet.Add(NeedAmount.In(language));
                }

                if (lead.ExpectedClose is null)
                {
                    unmet.Add(NeedClose.In(language));
                }

                break;
            case LeadStage.Won:
                RequireFrom(lead, LeadStage.Opportunity, target, unmet, language);
                if (lead.PaidAmount <= 0)
                {
                    unmet.Add(NeedPayment.In(language));
                }

                break;
            case LeadStage.Lost:
            case LeadStage.Disqualified:
                var names = Terms.Names(lossReasons, language);
                if (string.IsNullOrWhiteSpace(reason))
                {
                    unmet.Add(NeedReason.In(language, names));
                }
                else if (Terms.Find(lossReasons, reason) is null)
                {
                    unmet.Add(UnknownReason.In(language, reason, names));
                }

                break;
        }

        return unmet;
    }

    private static void RequireFrom(LeadProgress lead, LeadStage from, LeadStage target, List<string> unmet, string language)
    {
        if (lead.Stage != from)
        {
            unmet.Add(Order.In(language, LeadStages.Show(target, language), LeadStages.Show(from, language), LeadStages.Show(lead.Stage, language)));
        }
    }
}
