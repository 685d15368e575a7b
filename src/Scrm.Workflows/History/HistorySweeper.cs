using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Workflows.History;

/// <summary>Runs the history sweep every interval, in the background of commits.</summary>
internal sealed partial class HistorySweeper(HistoryRetention retention, TimeProvider time, IOptions<WorkflowsOptions> options, ILogger<HistorySweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var history = options.Value.History;
        if (!history.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(history.SweepInterval, time, stoppingToken);
                await retention.SweepAsync(null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSweepFailed(log, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow history sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
