using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Scrm.Connectors.Sdk.Tencent;
using Scrm.Connectors.WeCom.Accounts;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Http;

namespace Scrm.Connectors.WeCom.Callbacks;

/// <summary>
/// <c>GET|POST /connectors/wecom/{account}</c>: the WeCom callback. Always encrypted; the URL
/// check's echostr is itself ciphertext and is answered with its plaintext.
/// </summary>
internal static class WeComCallbackApi
{
    public static void MapWeComCallbacks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/connectors/wecom").WithTags("Channels").AllowAnonymous();
        group.MapGet("/{account}", Verify)
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The platform's URL check: decrypts echostr when msg_signature is the account's.");
        group.MapPost("/{account}", ReceiveAsync)
            .DisableAntiforgery()
            .WithMaxRequestBodySize(CallbackHttp.MaxBodyBytes)
            .Accepts<string>("text/xml")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("An external-contact change or a message, stored once however often the platform delivers it.");
    }

    private static IResult Verify(string account, HttpRequest request, WeComAccounts accounts, TimeProvider time, ILogger<WeComAccounts> log) =>
        accounts.Find(account) is not { } a
            ? CallbackHttp.UnknownAccount()
            : CallbackEndpoint.Verify(request, WeComChannel.Name, a.Name,
                (query, now) => TencentCallback.VerifyEncryptedUrl(a.Token, a.Cipher, query, now, accounts.ReplayWindow), time, log);

    private static async Task<IResult> ReceiveAsync(
        string account, HttpRequest request, WeComAccounts accounts, WeComInbound inbound, IJournal journal, TimeProvider time, ILogger<WeComAccounts> log, CancellationToken ct)
    {
        if (accounts.Find(account) is not { } a)
        {
            return CallbackHttp.UnknownAccount();
        }

        return await CallbackEndpoint.ReceiveAsync(request, a.Name, inbound, journal, time, log, ct);
    }
}
