using Quartz;

namespace Scrm.Platform.Scheduling;

/// <summary>
/// Quartz cron expressions (seconds first: <c>0 0 9 * * ?</c>), checked by Quartz's own parser so
/// that what settings and workflow definitions accept is exactly what the scheduler will run.
/// </summary>
public static class Cron
{
    /// <summary>Why Quartz refuses the expression, or null when it is valid.</summary>
    public static string? Problem(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return "is empty: a Quartz cron expression has six or seven fields, seconds first ('0 0 9 * * ?').";
        }

        try
        {
            _ = new CronExpression(expression);
            return null;
        }
        catch (FormatException ex)
        {
            return $"'{expression}' is not a valid Quartz cron expression (seconds first: '0 0 9 * * ?'): {ex.Message}";
        }
    }

    public static bool IsValid(string? expression) => Problem(expression) is null;
}
