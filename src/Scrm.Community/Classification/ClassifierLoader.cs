using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Community.Classification;

/// <summary>
/// Loads the active model after the host has started, so start-up does not wait for ML.NET
/// (classifications asked for meanwhile wait for it, <see cref="ReadyAsync"/>, rather than being
/// answered by another model); then, every check interval, follows a version another replica
/// activated and retrains once enough corrections are waiting.
/// </summary>
internal sealed partial class ClassifierLoader(ClassifierModels models, IOptionsMonitor<CommunityOptions> options, TimeProvider time, ILogger<ClassifierLoader> log)
    : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _retrainRequested = new(0, 1);

    public Task ReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Asks for a retrain now (the API's "retrain"); it runs in the background.</summary>
    public void RequestRetrain()
    {
        if (_retrainRequested.CurrentCount == 0)
        {
            _retrainRequested.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await models.SyncAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The rules still classify; the model name on every answer says so.
            LogFailed(log, ex);
        }
        finally
        {
            _ready.TrySetResult();
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var asked = await WaitAsync(options.CurrentValue.Classifier.CheckInterval, stoppingToken);
            try
            {
                await models.SyncAsync(stoppingToken);
                var settings = options.CurrentValue.Classifier;
                if (settings.TrainingData.Count > 0 && (asked || await models.PendingCorrectionsAsync(stoppingToken) >= settings.RetrainAfterCorrections))
                {
                    await models.RetrainAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(log, ex);
            }
        }
    }

    public override void Dispose()
    {
        _retrainRequested.Dispose();
        base.Dispose();
    }

    /// <summary>Waits one check interval (on the host's clock) or until a retrain is asked for; true when asked.</summary>
    private async Task<bool> WaitAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var cycle = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var asked = _retrainRequested.WaitAsync(cycle.Token);
        var first = await Task.WhenAny(asked, Task.Delay(interval, time, cycle.Token));
        await cycle.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        return first == asked && asked.IsCompletedSuccessfully;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The community classifier could not be loaded or retrained; the version in use stays")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
