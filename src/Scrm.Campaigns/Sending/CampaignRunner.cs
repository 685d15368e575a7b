using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Campaigns.Sending;

/// <summary>Starts due campaigns and sends running ones, a batch per campaign per pass, campaigns side by side.</summary>
internal sealed partial class CampaignRunner(IServiceScopeFactory scopes, IOptions<CampaignsOptions> options, TimeProvider time, ILogger<CampaignRunner> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPassFailed(log, ex);
            }

            if (!busy)
            {
                try
                {
                    await Task.Delay(options.Value.SendPollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> PassAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Guid> running;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<CampaignSender>();
            await sender.StartDueAsync(cancellationToken);
            running = await sender.RunningAsync(cancellationToken);
        }

        var work = await Task.WhenAll(running.Select(async id =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var picked = await scope.ServiceProvider.GetRequiredService<WinnerPicker>().PickIfDueAsync(id, cancellationToken);
            return await scope.ServiceProvider.GetRequiredService<CampaignSender>().RunBatchAsync(id, cancellationToken) || picked;
        }));
        return work.Any(w => w);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A campaign send pass failed; the next pass retries")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
