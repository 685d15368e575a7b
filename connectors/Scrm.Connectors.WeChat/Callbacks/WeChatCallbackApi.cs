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
internal static class WeChatCallbackApi
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

    private static IResult Verify(string account, HttpRequest request, WeChatAccounts accounts, TimeProvider time, ILogger<WeChatAccounts> log) =>
        accounts.Find(account) is not { } a
            ? CallbackHttp.UnknownAccount()
            : CallbackEndpoint.Verify(request, WeChatChannel.Name, a.Name,
                (query, now) => TencentCallback.VerifyPlainUrl(a.Token, query, now, accounts.ReplayWindow), time, log);

    private static async Task<IResult> ReceiveAsync(
        string account, HttpRequest request, WeChatAccounts accounts, WeChatInbound inbound, IJournal journal, TimeProvider time, ILogger<WeChatAccounts> log, CancellationToken ct)
    {
        if (accounts.Find(account) is not { } a)
        {
            return CallbackHttp.UnknownAccount();
        }

        return await CallbackEndpoint.ReceiveAsync(request, a.Name, inbound, journal, time, log, ct);
    }
}
