using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Ingestion;
using Scrm.Ingestion.Journal;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// The request flow WeChat and WeCom callbacks share: bounded body, the connector's own
/// verification and mapping, then the journal append within the platform's budget and "success"
/// only after the commit. Refusals are problem details and one log line without the payload.
/// </summary>
public static partial class CallbackEndpoint
{
    public static async Task<IResult> ReceiveAsync(
        HttpRequest request, string account, IInboundConnector<CallbackDelivery> connector, IJournal journal, TimeProvider time, ILogger log, CancellationToken ct)
    {
        var channel = connector.Channel;
        InboundItem? item;
        try
        {
            var query = CallbackHttp.Query(request);
            var body = await CallbackHttp.ReadBodyAsync(request, ct);
            item = connector.Parse(account, new CallbackDelivery(query, body), time.GetUtcNow());
        }
        catch (CallbackRejectedException refusal)
        {
            LogRefused(log, channel, account, refusal.Failure.ToWire());
            return CallbackHttp.Problem(refusal);
        }

        if (item is null)
        {
            return CallbackHttp.Success();
        }

        using var budget = new CancellationTokenSource(CallbackHttp.AcknowledgeBudget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        try
        {
            await journal.AppendAsync([item], linked.Token);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            LogNotInTime(log, channel, account);
            return CallbackHttp.NotInTime();
        }

        return CallbackHttp.Success();
    }

    /// <summary>A URL check: the connector's verification returns the answer or refuses.</summary>
    public static IResult Verify(HttpRequest request, string channel, string account, Func<CallbackQuery, DateTimeOffset, string> verify, TimeProvider time, ILogger log)
    {
        try
        {
            var echo = verify(CallbackHttp.Query(request), time.GetUtcNow());
            LogVerified(log, channel, account);
            return CallbackHttp.Echo(echo);
        }
        catch (CallbackRejectedException refusal)
        {
            LogRefused(log, channel, account, refusal.Failure.ToWire());
            return CallbackHttp.Problem(refusal);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Channel} account {Account} passed the platform's URL check")]
    private static partial void LogVerified(ILogger logger, string channel, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Channel} callback for account {Account}: {Category}")]
    private static partial void LogRefused(ILogger logger, string channel, string account, string category);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Channel} callback for account {Account} was not committed within the platform's budget")]
    private static partial void LogNotInTime(ILogger logger, string channel, string account);
}
