using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Scrm.FakeChannels;

/// <summary>The Official Account and WeCom server APIs: errcode/errmsg JSON on HTTP 200, as the platform answers.</summary>
internal static class WeChatApi
{
    public static async Task<IResult> TokenAsync(HttpRequest request, FakeChannelState state)
    {
        var body = await ReadAsync(request);
        if (body?["appid"] is null || (string?)body["secret"] is null or "wrong-secret")
        {
            return Error(40125, "invalid appsecret");
        }

        await Task.Delay(state.TokenDelay);
        return TypedResults.Json(new JsonObject { ["access_token"] = state.IssueToken(), ["expires_in"] = 7200 });
    }

    public static async Task<IResult> WeComTokenAsync(HttpRequest request, FakeChannelState state)
    {
        if (string.IsNullOrEmpty(request.Query["corpid"]) || request.Query["corpsecret"] is not { Count: 1 } secret || secret[0] == "wrong-secret")
        {
            return Error(40001, "invalid credential");
        }

        await Task.Delay(state.TokenDelay);
        return TypedResults.Json(new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["access_token"] = state.IssueToken(), ["expires_in"] = 7200 });
    }

    public static async Task<IResult> SendAsync(HttpRequest request, FakeChannelState state, string channel, string api)
    {
        if (!state.IsValid(request.Query["access_token"]))
        {
            return Error(42001, "access_token expired");
        }

        var body = await ReadAsync(request);
        if (body is null)
        {
            return Error(44002, "empty post data");
        }

        await Task.Delay(state.SendDelay);
        if (state.NextFailure(api) is { } failure)
        {
            return Error(failure.ErrorCode, "injected failure");
        }

        state.Calls.Enqueue(new RecordedCall(channel, api, body));
        var reply = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok" };
        switch (api)
        {
            case "template_send":
                reply["msgid"] = 200_228_332 + state.Calls.Count;
                break;
            case "add_msg_template":
                reply["fail_list"] = new JsonArray();
                reply["msgid"] = $"msgGCAAAXtWyuja{state.Calls.Count}";
                break;
        }

        return TypedResults.Json(reply);
    }

    private static async Task<JsonObject?> ReadAsync(HttpRequest request)
    {
        try
        {
            return (await JsonNode.ParseAsync(request.Body)) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static IResult Error(int code, string message) => TypedResults.Json(new JsonObject { ["errcode"] = code, ["errmsg"] = message });

    /// <summary><c>POST cgi-bin/kf/sync_msg</c>: the customer-service messages after the cursor, with next_cursor and has_more; a token from a callback is required.</summary>
    public static async Task<IResult> KfSyncAsync(HttpRequest request, FakeChannelState state)
    {
        if (!state.IsValid(request.Query["access_token"]))
        {
            return Error(42001, "access_token expired");
        }

        var body = await ReadAsync(request);
        if (body is null || (string?)body["open_kfid"] is not { Length: > 0 } openKfId)
        {
            return Error(95000, "invalid open_kfid");
        }

        state.KfSyncRequests.Enqueue(body);
        if ((string?)body["token"] is not { Length: > 0 })
        {
            return Error(95007, "invalid msg token");
        }

        var limit = body["limit"] is JsonValue l && l.TryGetValue<int>(out var n) ? Math.Clamp(n, 1, 1_000) : 1_000;
        var (messages, next, more) = state.KfPage(openKfId, (string?)body["cursor"], limit);
        return TypedResults.Json(new JsonObject
        {
            ["errcode"] = 0,
            ["errmsg"] = "ok",
            ["next_cursor"] = next,
            ["has_more"] = more ? 1 : 0,
            ["msg_list"] = new JsonArray([.. messages]),
        });
    }
}
