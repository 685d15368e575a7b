using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Leads.Storage;

namespace Scrm.Leads.Pipeline;

/// <summary>
/// Delivers the notification list to an outbound webhook as well: each notification is POSTed once
/// as JSON, signed, with <c>Idempotency-Key: notification:{id}</c> (a retry or a second replica
/// sends the same key, so the receiver can drop repeats). A failure is retried with a doubling wait
/// up to <c>MaxAttempts</c>; a notification older than a day is not sent any more. Off until a URL
/// is configured.
/// </summary>
internal sealed partial class NotificationHook(
    IDbContextFactory<LeadsDbContext> contexts,
    IHttpClientFactory clients,
    IOptions<LeadsOptions> options,
    TimeProvider time,
    ILogger<NotificationHook> log) : BackgroundService
{
    public const string HttpClientName = "leads-notification-hook";
    private const int BatchSize = 50;
    private static readonly TimeSpan StaleAfter = TimeSpan.FromDays(1);
    private static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _one = new(1, 1);

    private NotificationHookOptions Hook => options.Value.NotificationHook;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Hook.Url is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DeliverDueAsync(stoppingToken) == BatchSize)
                {
                }

                await Task.Delay(Hook.PollInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPassFailed(log, ex);
                await Task.Delay(Hook.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass: sends the notifications that are due; returns how many it tried.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        if (Hook.Url is null)
        {
            return 0;
        }

        var url = new Uri(Hook.Url);
        await _one.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var since = now - (long)StaleAfter.TotalMilliseconds;
            var due = await db.Notifications
                .Where(n => n.HookDeliveredAt == null && n.CreatedAt >= since && n.HookAttempts < Hook.MaxAttempts && (n.HookNextAt == null || n.HookNextAt <= now))
                .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id)
                .Take(BatchSize)
                .ToListAsync(cancellationToken);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (row, ct) => await SendAsync(url, row, ct));
            await db.SaveChangesAsync(CancellationToken.None);
            return due.Count;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task SendAsync(Uri url, NotificationRow row, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new HookBody(
            row.Id, row.Recipient, row.Kind, row.LeadId, row.Text, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt)), JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"notification:{row.Id}");
        if (Hook.Secret is { Length: > 0 } secret)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.TryAddWithoutValidation("X-Scrm-Timestamp", timestamp);
            request.Headers.TryAddWithoutValidation("X-Scrm-Signature", "sha256=" + Signature(secret, timestamp, body));
        }

        string outcome;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Hook.Timeout);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                row.HookAttempts++;
                row.HookDeliveredAt = time.GetUtcNow().ToUnixTimeMilliseconds();
                return;
            }

            outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            outcome = ex is OperationCanceledException ? "timeout" : "unreachable";
        }

        row.HookAttempts++;
        var wait = Hook.RetryDelay * Math.Pow(2, row.HookAttempts - 1);
        row.HookNextAt = time.GetUtcNow().Add(wait < LongestWait ? wait : LongestWait).ToUnixTimeMilliseconds();
        if (row.HookAttempts >= Hook.MaxAttempts)
        {
            LogGaveUp(log, row.Id, row.Kind, row.HookAttempts, outcome);
        }
        else
        {
            LogRetry(log, row.Id, row.Kind, row.HookAttempts, outcome);
        }
    }

    /// <summary>Hex HMAC-SHA256 of <c>timestamp + "." + body</c>: what a receiver recomputes to trust a call.</summary>
    internal static string Signature(string secret, string timestamp, byte[] body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed, timestamp.Length + 1);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private sealed record HookBody(long Id, string Recipient, string Kind, long? LeadId, string Text, DateTimeOffset CreatedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} ({Kind}) not delivered to the hook (attempt {Attempt}: {Outcome}); retrying later")]
    private static partial void LogRetry(ILogger logger, long id, string kind, int attempt, string outcome);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Id} ({Kind}) not delivered to the hook after {Attempt} attempts ({Outcome}); giving up")]
    private static partial void LogGaveUp(ILogger logger, long id, string kind, int attempt, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification hook pass failed; retrying at the next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
