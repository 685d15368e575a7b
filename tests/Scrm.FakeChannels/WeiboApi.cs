using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Scrm.FakeChannels;

/// <summary>Weibo's mentions and comments timelines, with since_id, count and page, and its error shape.</summary>
internal static class WeiboApi
{
    public static IResult Page(HttpRequest request, FakeChannelState state, string api)
    {
        if (string.IsNullOrEmpty(request.Query["access_token"]))
        {
            return Error(request, 401, 21332, "access_token is invalid");
        }

        var sinceId = long.TryParse(request.Query["since_id"], CultureInfo.InvariantCulture, out var s) ? s : 0;
        var count = int.TryParse(request.Query["count"], CultureInfo.InvariantCulture, out var c) ? Math.Clamp(c, 1, 200) : 20;
        var page = int.TryParse(request.Query["page"], CultureInfo.InvariantCulture, out var p) ? Math.Max(1, p) : 1;
        state.WeiboRequests.Enqueue((api, sinceId));
        if (state.NextFailure(api) is { } failure)
        {
            return Error(request, failure.HttpStatus, failure.ErrorCode, failure.ErrorCode is 10022 or 10023 or 10024 ? "User requests out of rate limit!" : "system error");
        }

        var items = new JsonArray();
        foreach (var post in state.Page(api, sinceId, count, page))
        {
            var item = new JsonObject
            {
                ["created_at"] = post.CreatedAt,
                ["id"] = post.Id,
                ["idstr"] = post.Id.ToString(CultureInfo.InvariantCulture),
                ["text"] = post.Text,
                ["user"] = new JsonObject
                {
                    ["id"] = post.UserId,
                    ["idstr"] = post.UserId.ToString(CultureInfo.InvariantCulture),
                    ["screen_name"] = post.ScreenName,
                },
            };
            if (post.InReplyTo is { } status)
            {
                item["status"] = new JsonObject { ["id"] = status, ["idstr"] = status.ToString(CultureInfo.InvariantCulture) };
            }

            items.Add(item);
        }

        return TypedResults.Json(new JsonObject
        {
            [api == "mentions" ? "statuses" : "comments"] = items,
            ["total_number"] = items.Count,
        });
    }

    private static IResult Error(HttpRequest request, int status, int code, string message) =>
        TypedResults.Json(new JsonObject { ["error"] = message, ["error_code"] = code, ["request"] = request.Path.Value }, statusCode: status);

    /// <summary>
    /// <c>POST 2/comments/reply.json</c> (cid, id, comment) and <c>2/comments/create.json</c> (id, comment),
    /// form-encoded: the public answer is recorded and returned as the comment Weibo created.
    /// </summary>
    public static async Task<IResult> CommentAsync(HttpRequest request, FakeChannelState state, string api)
    {
        if (!request.HasFormContentType)
        {
            return Error(request, 400, 10008, "param error, see doc for more info");
        }

        var form = await request.ReadFormAsync();
        if (string.IsNullOrEmpty(form["access_token"]))
        {
            return Error(request, 401, 21332, "access_token is invalid");
        }

        var comment = form["comment"].ToString();
        if (string.IsNullOrEmpty(form["id"]) || (api == "comments_reply" && string.IsNullOrEmpty(form["cid"])) || comment.Length is 0 or > 140)
        {
            return Error(request, 400, 10008, "param error, see doc for more info");
        }

        await Task.Delay(state.SendDelay);
        if (state.NextFailure(api) is { } failure)
        {
            return Error(request, failure.HttpStatus, failure.ErrorCode, "injected failure");
        }

        var body = new JsonObject { ["id"] = form["id"].ToString(), ["comment"] = comment };
        if (api == "comments_reply")
        {
            body["cid"] = form["cid"].ToString();
        }

        state.Calls.Enqueue(new RecordedCall("weibo", api, body));
        var id = 4_900_000_000_000_000 + state.Calls.Count;
        return TypedResults.Json(new JsonObject
        {
            ["created_at"] = string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)):ddd MMM dd HH:mm:ss} +0800 {DateTimeOffset.UtcNow:yyyy}"),
            ["id"] = id,
            ["idstr"] = id.ToString(CultureInfo.InvariantCulture),
            ["text"] = comment,
            ["status"] = new JsonObject { ["idstr"] = form["id"].ToString() },
        });
    }
}
