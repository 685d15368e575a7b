using Quartz;
using Scrm.Platform.Text;

namespace Scrm.Platform.Scheduling;

/// <summary>
/// Quartz cron expressions (seconds first: <c>0 0 9 * * ?</c>), checked by Quartz's own parser so
/// that what settings and workflow definitions accept is exactly what the scheduler will run.
/// </summary>
public static class Cron
{
    private static readonly UserText Empty = new(
        "为空：Quartz cron 表达式有六或七个字段，秒在最前（如“0 0 9 * * ?”，每天 9 点）",
        "is empty: a Quartz cron expression has six or seven fields, seconds first ('0 0 9 * * ?').");

    // Quartz's reason is English only; the Chinese text says what the expression should look like instead.
    private static readonly UserText Invalid = new(
        "“{0}”不是有效的 Quartz cron 表达式：需要六或七个字段，秒在最前（如“0 0 9 * * ?”，每天 9 点；“0 */5 * * * ?”，每 5 分钟）",
        "'{0}' is not a valid Quartz cron expression (seconds first: '0 0 9 * * ?'): {1}");

    /// <summary>Why Quartz refuses the expression (in both languages), or null when it is valid.</summary>
    public static UserText? Problem(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return Empty;
        }

        try
        {
            _ = new CronExpression(expression);
            return null;
        }
        catch (FormatException ex)
        {
            return Invalid.Filled(expression, ex.Message);
        }
    }

    public static bool IsValid(string? expression) => Problem(expression) is null;
}
