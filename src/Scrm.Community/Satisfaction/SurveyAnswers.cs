namespace Scrm.Community.Satisfaction;

/// <summary>Reads a customer's answer to the satisfaction survey. Pure.</summary>
internal static class SurveyAnswers
{
    /// <summary>At or below this a score is low: the conversation opens again and the team lead hears of it.</summary>
    public const int Low = 2;

    /// <summary>
    /// The score a reply gives: "1"–"5" (full-width digits too, with trailing punctuation or 分/星),
    /// 满意/非常满意 = 5, 一般 = 3, 不满意/很不满意 = 1; null when the reply is no answer.
    /// </summary>
    public static int? Score(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim().TrimEnd('。', '.', '!', '！', '~', '～', ' ');
        if (t.EndsWith('分') || t.EndsWith('星'))
        {
            t = t[..^1].Trim();
        }

        if (t.Length == 1)
        {
            var c = t[0];
            if (c is >= '１' and <= '５')
            {
                c = (char)('1' + (c - '１'));
            }

            return c is >= '1' and <= '5' ? c - '0' : null;
        }

        return t switch
        {
            "满意" or "非常满意" or "很满意" or "满意的" => 5,
            "一般" or "还行" => 3,
            "不满意" or "很不满意" or "非常不满意" or "不太满意" => 1,
            _ => null,
        };
    }

    public static bool IsLow(int score) => score <= Low;
}
