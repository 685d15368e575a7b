using System.Net.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Contract;

namespace Scrm.Connectors.Sdk.Outbound;

/// <summary>
/// Makes a send happen at most once per idempotency key: the key is claimed in the connector's
/// table before the channel is called (a unique key, so concurrent retries cannot both claim it)
/// and completed with the outcome after. A send the channel refused for now is released so a
/// retry may send; a send whose fate is unknown (the connection broke mid-call) stays claimed and
/// is reported <see cref="SendStatus.Uncertain"/> rather than risk a second message.
/// </summary>
public sealed partial class OutboundLedger<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time, ILogger<OutboundLedger<TContext>> log)
    where TContext : OutboundLedgerDbContext
{
    private const string Sending = "sending";

    /// <summary>A claim older than this whose sender never completed it is reported as uncertain.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

    public async Task<SendResult> SendOnceAsync(OutboundMessage message, Func<CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
    {
        if (await ClaimAsync(message, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        SendResult result;
        try
        {
            result = await send(cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            // Nothing reached the channel: the key is free again.
            await ReleaseAsync(message.IdempotencyKey);
            return new SendResult(SendStatus.Unavailable, Detail: "The channel could not be reached.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            LogUncertain(log, message.Channel, message.Account, ex.GetType().Name);
            await CompleteAsync(message.IdempotencyKey, new SendResult(SendStatus.Uncertain, Detail: "The call was interrupted after it started."));
            return new SendResult(SendStatus.Uncertain, Detail: "The call was interrupted after it started; it is not resent automatically.");
        }

        if (result.Status is SendStatus.Unavailable or SendStatus.RateLimited or SendStatus.QuotaExceeded)
        {
            // The channel took nothing: the key is free for a later retry.
            await ReleaseAsync(message.IdempotencyKey);
        }
        else
        {
            await CompleteAsync(message.IdempotencyKey, result);
        }

        return result;
    }

    /// <summary>Null when this call now owns the key; otherwise what the earlier send with this key says.</summary>
    private async Task<SendResult?> ClaimAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        DbUpdateException? conflict;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            db.SentMessages.Add(new SentMessageRow
            {
                IdempotencyKey = message.IdempotencyKey,
                Account = message.Account,
                Recipient = message.Recipient,
                Status = Sending,
                ClaimedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return null;
            }
            catch (DbUpdateException ex)
            {
                // Claimed before (or just now by a concurrent retry): read what it says.
                conflict = ex;
            }
        }

        await using var read = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await read.SentMessages.AsNoTracking().SingleOrDefaultAsync(x => x.IdempotencyKey == message.IdempotencyKey, cancellationToken)
            ?? throw new InvalidOperationException("The send could not be claimed and no earlier claim exists.", conflict);
        if (row.Status == Sending)
        {
            return now - row.ClaimedAt < (long)ClaimLease.TotalMilliseconds
                ? new SendResult(SendStatus.InProgress, Detail: "A send with this idempotency key is under way.")
                : new SendResult(SendStatus.Uncertain, Detail: "An earlier send with this key never completed; it is not resent automatically.");
        }

        var status = Enum.Parse<SendStatus>(row.Status);
        return status == SendStatus.Sent
            ? new SendResult(SendStatus.AlreadySent, row.ChannelMessageId, "Sent before with this idempotency key.")
            : new SendResult(status, row.ChannelMessageId, row.Detail, row.ErrorCode);
    }

    private async Task CompleteAsync(string key, SendResult result)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var row = await db.SentMessages.SingleAsync(x => x.IdempotencyKey == key);
        row.Status = result.Status.ToString();
        row.ChannelMessageId = result.ChannelMessageId;
        row.ErrorCode = result.ErrorCode;
        row.Detail = result.Detail is { Length: > 500 } d ? d[..500] : result.Detail;
        row.CompletedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task ReleaseAsync(string key)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        await db.SentMessages.Where(x => x.IdempotencyKey == key && x.Status == Sending).ExecuteDeleteAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Channel} send for account {Account} was interrupted ({Reason}); its outcome is uncertain and it is not resent")]
    private static partial void LogUncertain(ILogger logger, string channel, string account, string reason);
}
