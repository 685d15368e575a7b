using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Weibo.Accounts;
using Scrm.Connectors.Weibo.Mentions;
using Scrm.Connectors.Weibo.Storage;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.Weibo.Polling;

/// <summary>What one poll of one account found.</summary>
public sealed record WeiboPollResult(int Appended, int Duplicates, int Skipped);

/// <summary>
/// Polls an account's mentions and comments from its checkpoint (<c>since_id</c>), appends what is
/// new to the journal and only then moves the checkpoint: a crash between the two re-reads items
/// that the journal already holds, and their idempotency keys make them duplicates, not repeats.
/// </summary>
internal sealed partial class WeiboPoller
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly WeiboApiClient _api;
    private readonly IJournal _journal;
    private readonly IDbContextFactory<WeiboDbContext> _contexts;
    private readonly WeiboOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WeiboPoller> _log;

    public WeiboPoller(
        WeiboApiClient api, IJournal journal, IDbContextFactory<WeiboDbContext> contexts, IOptions<WeiboOptions> options, TimeProvider time, ILogger<WeiboPoller> log)
    {
        _api = api;
        _journal = journal;
        _contexts = contexts;
        _options = options.Value;
        _time = time;
        _log = log;
    }

    public async Task<WeiboPollResult> PollAsync(string account, CancellationToken cancellationToken)
    {
        if (!_options.Accounts.TryGetValue(account, out var settings))
        {
            throw new ArgumentException("No Weibo account is configured under this name.", nameof(account));
        }

        var gate = _running.GetOrAdd(account, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var total = new WeiboPollResult(0, 0, 0);
            foreach (var feed in new[] { WeiboFeed.Mentions, WeiboFeed.Comments })
            {
                var result = await PollFeedAsync(account, settings.AccessToken, feed, cancellationToken);
                total = new WeiboPollResult(total.Appended + result.Appended, total.Duplicates + result.Duplicates, total.Skipped + result.Skipped);
            }

            return total;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<WeiboPollResult> PollFeedAsync(string account, string token, WeiboFeed feed, CancellationToken cancellationToken)
    {
        var feedName = WeiboMentions.FeedName(feed);
        var sinceId = await CheckpointAsync(account, feedName, cancellationToken);
        var newest = sinceId;
        var items = new List<InboundItem>();
        var skipped = 0;
        for (var page = 1; page <= _options.MaxPages; page++)
        {
            var posts = await _api.PageAsync(token, feed, sinceId, _options.PageSize, page, cancellationToken);
            foreach (var post in posts)
            {
                var id = WeiboMentions.IdOf(post);
                if (id <= sinceId)
                {
                    continue;
                }

                newest = Math.Max(newest, id);
                if (WeiboMentions.Map(account, feed, post, out var problem) is { } item)
                {
                    items.Add(item);
                }
                else
                {
                    skipped++;
                    LogSkipped(_log, account, feedName, id, problem!);
                }
            }

            if (posts.Count < _options.PageSize)
            {
                break;
            }

            if (page == _options.MaxPages)
            {
                LogMorePending(_log, account, feedName, _options.MaxPages);
            }
        }

        var results = items.Count == 0 ? [] : await _journal.AppendAsync(items, cancellationToken);
        if (newest > sinceId)
        {
            await SaveCheckpointAsync(account, feedName, newest, cancellationToken);
        }

        var duplicates = results.Count(r => r.Duplicate);
        return new WeiboPollResult(results.Count - duplicates, duplicates, skipped);
    }

    private async Task<long> CheckpointAsync(string account, string feed, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Checkpoints.Where(c => c.Account == account && c.Feed == feed).Select(c => (long?)c.SinceId).SingleOrDefaultAsync(cancellationToken) ?? 0;
    }

    private async Task SaveCheckpointAsync(string account, string feed, long sinceId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.Checkpoints.SingleOrDefaultAsync(c => c.Account == account && c.Feed == feed, cancellationToken);
        if (row is null)
        {
            db.Checkpoints.Add(row = new WeiboCheckpointRow { Account = account, Feed = feed });
        }

        row.SinceId = Math.Max(row.SinceId, sinceId);
        row.UpdatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped Weibo {Feed} {Id} for account {Account}: {Problem}")]
    private static partial void LogSkipped(ILogger logger, string account, string feed, long id, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Weibo account {Account} has more new {Feed}s than {Pages} pages; the older ones are left behind")]
    private static partial void LogMorePending(ILogger logger, string account, string feed, int pages);
}
