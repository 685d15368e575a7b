using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeChat.Accounts;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;

namespace Scrm.Connectors.WeChat.Callbacks;

/// <summary>
/// <c>GET|POST /connectors/wechat/{account}</c>: the Official Account callback. Public, but every
/// request is authenticated by its signature; "success" is answered only after the journal commit.
/// </summary>
internal static partial class WeChatCallbackApi
{
    public static void MapWeChatCallbacks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/connectors/wechat").WithTags("Channels").AllowAnonymous();
        group.MapGet("/{account}", Verify)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The platform's URL check: answers echostr when the signature is the account's.");
        group.MapPost("/{account}", ReceiveAsync)
            .DisableAntiforgery()
            .WithMaxRequestBodySize(CallbackHttp.MaxBodyBytes)
            .Accepts<string>("text/xml")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("A message or event (plain or safe mode), stored once however often the platform retries it.");
    }

    private static IResult Verify(string account, HttpRequest request, WeChatAccounts accounts, TimeProvider time, ILogger<WeChatAccounts> log)
    {
        if (accounts.Find(account) is not { } a)
        {
            return CallbackHttp.UnknownAccount();
        }

        try
        {
            var echo = TencentCallback.VerifyPlainUrl(a.Token, CallbackHttp.Query(request), time.GetUtcNow(), accounts.ReplayWindow);
            LogVerified(log, a.Name);
            return CallbackHttp.Echo(echo);
        }
        catch (CallbackRejectedException refusal)
        {
            LogRefused(log, a.Name, refusal.Failure.ToWire());
            return CallbackHttp.Problem(refusal);
        }
    }

    private static async Task<IResult> ReceiveAsync(
        string account, HttpRequest request, WeChatAccounts accounts, IJournal journal, TimeProvider time, ILogger<WeChatAccounts> log, CancellationToken ct)
    {
        if (accounts.Find(account) is not { } a)
        {
            return CallbackHttp.UnknownAccount();
        }

        Ingestion.InboundItem? item;
        try
        {
            var query = CallbackHttp.Query(request);
            var body = await CallbackHttp.ReadBodyAsync(request, ct);
            var now = time.GetUtcNow();
            CallbackXml xml;
            if (a.Cipher is { } cipher)
            {
                if (!query.IsEncrypted)
                {
                    throw new CallbackRejectedException(CallbackFailure.BadSignature, "This account takes encrypted callbacks only (safe mode).");
                }

                xml = TencentCallback.OpenEncrypted(a.Token, cipher, query, body, now, accounts.ReplayWindow);
            }
            else
            {
                xml = TencentCallback.OpenPlain(a.Token, query, body, now, accounts.ReplayWindow);
            }

            item = WeChatMessages.Map(a.Name, xml);
        }
        catch (CallbackRejectedException refusal)
        {
            LogRefused(log, a.Name, refusal.Failure.ToWire());
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
            LogNotInTime(log, a.Name);
            return CallbackHttp.NotInTime();
        }

        return CallbackHttp.Success();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WeChat account {Account} passed the platform's URL check")]
    private static partial void LogVerified(ILogger logger, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a WeChat callback for account {Account}: {Category}")]
    private static partial void LogRefused(ILogger logger, string account, string category);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WeChat callback for account {Account} was not committed within the platform's budget")]
    private static partial void LogNotInTime(ILogger logger, string account);
}
