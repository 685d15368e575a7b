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
    public static void MapWeiboPoll(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/connectors/weibo").WithTags("Channels").RequireAuthorization(ScrmPolicies.Admin)
            .MapPost("/{account}/poll", PollAsync)
            .Produces<WeiboPollResult>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .WithSummary("Polls the account's mentions and comments now, from its checkpoint.");

    private static async Task<IResult> PollAsync(string account, WeiboPoller poller, IOptions<WeiboOptions> options, CancellationToken ct)
    {
        if (!options.Value.Accounts.ContainsKey(account))
        {
            return TypedResults.Problem("No Weibo account is configured under this name.", statusCode: StatusCodes.Status404NotFound);
        }

        try
        {
            return TypedResults.Ok(await poller.PollAsync(account, ct));
        }
        catch (Exception ex) when (ex is WeiboApiException or HttpRequestException)
        {
            return TypedResults.Problem("Weibo did not answer usefully after the retries; the checkpoint is unchanged.", statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
