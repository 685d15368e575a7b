using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Connectors.WeCom.Outbound;
using Scrm.Connectors.WeCom.Storage;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.WeCom.Kf;

/// <summary>A <c>kf_msg_or_event</c> callback: the token that lets <c>kf/sync_msg</c> read the new messages of one customer-service account.</summary>
internal sealed record KfPull(string Account, string OpenKfId, string Token);

/// <summary>The customer-service (微信客服) messages of one <c>sync_msg</c> page as journal items. Pure.</summary>
internal static class KfMessages
{
    /// <summary>Origin 3: a message the WeChat customer sent (4 is a system event, 5 the servicer's own message).</summary>
    public const int FromCustomer = 3;

    public static InboundItem? ToItem(string account, JsonObject message)
    {
        if ((int?)Number(message["origin"]) != FromCustomer
            || Text(message["msgid"]) is not { Length: > 0 and <= 128 } msgId
            || Text(message["external_userid"]) is not { Length: > 0 and <= 128 } customer
            || Number(message["send_time"]) is not { } seconds || seconds is <= 0 or > 253_402_300_799)
        {
            return null;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        var type = Text(message["msgtype"]) ?? "";
        var text = type == "text" ? Text(message["text"]?["content"]) : null;
        var payload = new MessagePayload(WeComChannel.Name, account, new ChannelContact(customer, null, null), Text(message["open_kfid"]), msgId,
            type == "text" ? MessageTypes.Text : MessageTypes.Other, text is { Length: > 10_000 } clipped ? clipped[..10_000] : text, null, null, null, at,
            new Dictionary<string, string> { ["kf"] = Text(message["open_kfid"]) ?? "", ["msgType"] = type });
        return new InboundItem(InboundKind.Message, WeComChannel.Name, account, $"{WeComChannel.Name}:{account}:kf:{msgId}", at,
            JsonSerializer.Serialize(payload, InboundJson.Stored.MessagePayload));
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}

/// <summary>
/// Pulls customer-service messages when WeCom says there are new ones: <c>kf/sync_msg</c> with the
/// callback's token from the account's stored cursor, page by page while <c>has_more</c>. Each page is
/// appended to the journal (its msgid is the idempotency key, so a page read twice stores nothing
/// twice) before the page's <c>next_cursor</c> is stored: a restart in between reads the page again and
/// the journal acknowledges it as duplicates, so every message is ingested exactly once.
/// </summary>
internal sealed partial class KfSync(
    WeComAccounts accounts, WeComApiClient api, IDbContextFactory<WeComDbContext> contexts, IJournal journal, KfCustomerLookup customers, TimeProvider time,
    ILogger<KfSync> log) : BackgroundService
{
    public const int PageSize = 1_000;
    private const int MaxPages = 100;
    private readonly Channel<KfPull> _pulls = Channel.CreateBounded<KfPull>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });

    public void Request(KfPull pull) => _pulls.Writer.TryWrite(pull);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var pull in _pulls.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await PullAsync(pull, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The next callback's token resumes from the stored cursor.
                LogPullFailed(log, pull.Account, ex.GetType().Name);
            }
        }
    }

    /// <summary>Reads every page the token reaches; returns how many customer messages were appended (duplicates included).</summary>
    internal async Task<int> PullAsync(KfPull pull, CancellationToken cancellationToken)
    {
        if (accounts.Find(pull.Account) is not { Secret: not null } account)
        {
            return 0;
        }

        var appended = 0;
        for (var page = 0; page < MaxPages; page++)
        {
            string? cursor;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                cursor = await db.KfCursors.AsNoTracking().Where(c => c.Account == account.Name && c.OpenKfId == pull.OpenKfId)
                    .Select(c => c.Cursor).SingleOrDefaultAsync(cancellationToken);
            }

            var body = new JsonObject { ["token"] = pull.Token, ["limit"] = PageSize, ["voice_format"] = 0, ["open_kfid"] = pull.OpenKfId };
            if (cursor is not null)
            {
                body["cursor"] = cursor;
            }

            var reply = await api.CallAsync(account, "cgi-bin/kf/sync_msg", body, cancellationToken);
            if (reply.ErrCode != 0 || reply.Body is not { } answer)
            {
                LogRefused(log, account.Name, reply.ErrCode);
                return appended;
            }

            var pulled = (answer["msg_list"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(m => (Item: KfMessages.ToItem(account.Name, m), Customer: m["external_userid"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null))
                .Where(p => p.Item is not null).ToList();
            if (pulled.Count > 0)
            {
                await journal.AppendAsync([.. pulled.Select(p => p.Item!)], cancellationToken);
                appended += pulled.Count;
                foreach (var customer in pulled.Select(p => p.Customer).Distinct(StringComparer.Ordinal))
                {
                    // Once per customer while the host runs: their UnionID joins them with the same person elsewhere.
                    customers.Request(account, customer!);
                }
            }

            if (answer["next_cursor"] is JsonValue next && next.TryGetValue<string>(out var nextCursor) && nextCursor.Length is > 0 and <= 256)
            {
                await SaveCursorAsync(account.Name, pull.OpenKfId, nextCursor, cancellationToken);
            }

            if (!(answer["has_more"] is JsonValue more && more.TryGetValue<int>(out var hasMore) && hasMore == 1))
            {
                break;
            }
        }

        return appended;
    }

    private async Task SaveCursorAsync(string account, string openKfId, string cursor, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.KfCursors.SingleOrDefaultAsync(c => c.Account == account && c.OpenKfId == openKfId, cancellationToken);
        if (row is null)
        {
            db.KfCursors.Add(row = new KfCursorRow { Account = account, OpenKfId = openKfId });
        }

        row.Cursor = cursor;
        row.UpdatedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling WeCom customer-service messages for account {Account} failed ({Reason}); the next callback resumes from the stored cursor")]
    private static partial void LogPullFailed(ILogger logger, string account, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom refused kf/sync_msg for account {Account} (errcode {ErrCode})")]
    private static partial void LogRefused(ILogger logger, string account, int errCode);
}
