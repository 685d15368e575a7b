using Microsoft.Extensions.Logging;
using Quartz;

namespace Scrm.Connectors.Weibo.Polling;

/// <summary>The scheduled poll of one account (its name is in the job data); one run at a time.</summary>
[DisallowConcurrentExecution]
internal sealed partial class WeiboPollJob(WeiboPoller poller, ILogger<WeiboPollJob> log) : IJob
{
    public const string AccountKey = "account";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var account = context.MergedJobDataMap.GetString(AccountKey)!;
        try
        {
            var result = await poller.PollAsync(account, cancellationToken);
            if (result.Appended > 0)
            {
                LogPolled(log, account, result.Appended);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or WeiboApiException or TimeoutException)
        {
            // Retries are spent; the next scheduled run starts again from the checkpoint.
            LogFailed(log, account, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weibo account {Account}: {Count} new mentions and comments")]
    private static partial void LogPolled(ILogger logger, string account, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Weibo account {Account} could not be polled ({Error}: {Reason}); the next run retries")]
    private static partial void LogFailed(ILogger logger, string account, string error, string reason);
}
