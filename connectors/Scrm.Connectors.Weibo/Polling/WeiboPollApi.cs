using Scrm.Platform.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Scrm.Connectors.Weibo.Accounts;
using Scrm.Platform.Security;

namespace Scrm.Connectors.Weibo.Polling;

/// <summary><c>POST /api/v1/connectors/weibo/{account}/poll</c>: poll now, without waiting for the schedule (admins).</summary>
internal static class WeiboPollApi
{
    private static class Texts
    {
        public static readonly UserText UnknownAccount = new("没有以此为名配置的微博账号。", "No Weibo account is configured under this name.");
        public static readonly UserText NoAnswer = new("重试之后微博仍未给出有效回应；检查点未变。", "Weibo did not answer usefully after the retries; the checkpoint is unchanged.");
    }

    public static void MapWeiboPoll(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/connectors/weibo").WithTags("Channels").RequireAuthorization(ScrmPolicies.Admin)
            .MapPost("/{account}/poll", PollAsync)
            .Produces<WeiboPollResult>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .WithSummary("Polls the account's mentions and comments now, from its checkpoint.");

    private static async Task<IResult> PollAsync(string account, WeiboPoller poller, IOptions<WeiboOptions> options, HttpContext http, CancellationToken ct)
    {
        if (!options.Value.Accounts.ContainsKey(account))
        {
            return TypedResults.Problem(Texts.UnknownAccount.In(http), statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            return TypedResults.Ok(await poller.PollAsync(account, ct));
        }
        catch (Exception ex) when (ex is WeiboApiException or HttpRequestException)
        {
            return TypedResults.Problem(Texts.NoAnswer.In(http), statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
