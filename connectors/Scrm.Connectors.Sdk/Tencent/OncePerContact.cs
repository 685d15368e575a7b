using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// Lookups a connector makes once per contact while the host runs (a follower's or an external
/// contact's UnionID), after the callback that named the contact is answered. The queue is bounded
/// and a full queue drops the request; a contact whose lookup the platform did not answer is
/// forgotten, so its next callback tries again. Past <see cref="MaxRemembered"/> contacts the
/// memory starts over (the journal keeps one item per contact, so a second lookup stores nothing new).
/// </summary>
public abstract partial class OncePerContact(ILogger log) : BackgroundService
{
    private const int MaxRemembered = 1_000_000;

    protected ILogger Log { get; } = log;

    private readonly ConcurrentDictionary<(string Account, string Contact), byte> _seen = new();
    private readonly Channel<(string Account, string Contact)> _lookups =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues the lookup of <paramref name="contact"/> unless it was looked up already.</summary>
    protected void Enqueue(string account, string contact)
    {
        if (_seen.Count >= MaxRemembered)
        {
            _seen.Clear();
        }

        if (_seen.TryAdd((account, contact), 0) && !_lookups.Writer.TryWrite((account, contact)))
        {
            _seen.TryRemove((account, contact), out _);
        }
    }

    /// <summary>One lookup; false when the platform did not answer (tried again on the contact's next callback).</summary>
    protected abstract Task<bool> LookUpAsync(string account, string contact, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (account, contact) in _lookups.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (!await LookUpAsync(account, contact, stoppingToken))
                {
                    _seen.TryRemove((account, contact), out _);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _seen.TryRemove((account, contact), out _);
                LogFailed(Log, GetType().Name, account, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Lookup} for account {Account} failed ({Reason}); tried again on the contact's next callback")]
    private static partial void LogFailed(ILogger logger, string lookup, string account, string reason);
}
