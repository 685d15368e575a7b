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

    /// <summary>
    /// <c>POST cgi-bin/kf/send_msg</c>: a customer-service message to <c>touser</c> (external_userid) from
    /// <c>open_kfid</c>. As WeCom documents it, the kf account may send at most 5 messages within 48 hours
    /// after the customer's last message (95001 otherwise); <c>msgid</c> (at most 32 of [0-9a-zA-Z_-]) is
    /// the caller's or made up, and is answered.
    /// </summary>
    public static async Task<IResult> KfSendAsync(HttpRequest request, FakeChannelState state)
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

        if ((string?)body["open_kfid"] is not { Length: > 0 } openKfId)
        {
            return Error(95000, "invalid open_kfid");
        }

        if ((string?)body["touser"] is not { Length: > 0 } customer)
        {
            return Error(40096, "invalid external userid");
        }

        var msgId = body["msgid"] is null ? null : (string?)body["msgid"];
        if (msgId is not null && (msgId.Length is 0 or > 32 || !msgId.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return Error(40058, "invalid msgid");
        }

        if ((string?)body["msgtype"] is not "text" || body["text"]?["content"] is not JsonValue content || !content.TryGetValue<string>(out var text)
            || text.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(text) > 2_048)
        {
            return Error(44004, "empty content or content over 2048 bytes");
        }

        if (state.NextFailure("kf_send_msg") is { } failure)
        {
            return Error(failure.ErrorCode, "injected failure");
        }

        if (!state.TryTakeKfAllowance(openKfId, customer, DateTimeOffset.UtcNow))
        {
            return Error(95001, "send msg count limit: at most 5 messages within 48 hours of the customer's last message");
        }

        state.Calls.Enqueue(new RecordedCall("wecom", "kf_send_msg", body));
        return TypedResults.Json(new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["msgid"] = msgId ?? $"kfmsg{state.Calls.Count}" });
    }

    /// <summary>
    /// <c>POST cgi-bin/kf/customer/batchget</c> (WeCom document 95159): <c>external_userid_list</c> of 1 to 100
    /// ids; answers <c>customer_list</c> (external_userid, nickname, avatar, gender, and unionid only when the
    /// kf account is bound to a WeChat developer account) and the ids it does not know in <c>invalid_external_userid</c>.
    /// </summary>
    public static async Task<IResult> KfCustomersAsync(HttpRequest request, FakeChannelState state)
    {
        if (!state.IsValid(request.Query["access_token"]))
        {
            return Error(42001, "access_token expired");
        }

        var body = await ReadAsync(request);
        if (body?["external_userid_list"] is not JsonArray list || list.Count is 0 or > 100
            || list.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out var id) || id.Length == 0))
        {
            return Error(40096, "invalid external userid");
        }

        var ids = list.Select(i => (string)i!).ToList();
        state.Calls.Enqueue(new RecordedCall("wecom", "kf_customer_batchget", new JsonObject { ["external_userid_list"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]) }));
        if (state.NextFailure("kf_customer_batchget") is { } failure)
        {
            return Error(failure.ErrorCode, "injected failure");
        }

        var customers = new JsonArray();
        var invalid = new JsonArray();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (!state.KfCustomers.TryGetValue(id, out var unionId))
            {
                invalid.Add(id);
                continue;
            }

            var customer = new JsonObject { ["external_userid"] = id, ["nickname"] = "微信用户", ["avatar"] = "http://wx.qlogo.cn/fake/0", ["gender"] = 0 };
            if (unionId is not null)
            {
                customer["unionid"] = unionId;
            }

            customers.Add(customer);
        }

        return TypedResults.Json(new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["customer_list"] = customers, ["invalid_external_userid"] = invalid });
    }

    /// <summary>
    /// <c>GET cgi-bin/user/info?openid=&amp;lang=</c>: a follower's profile as the Official Account API answers
    /// it (subscribe, openid, language, subscribe_time, subscribe_scene; unionid only when the account is bound
    /// to an Open Platform account); 40003 for an OpenID the account does not know.
    /// </summary>
    public static IResult UserInfo(HttpRequest request, FakeChannelState state)
    {
        if (!state.IsValid(request.Query["access_token"]))
        {
            return Error(42001, "access_token expired");
        }

        if (request.Query["openid"] is not { Count: 1 } openIds || openIds[0] is not { Length: > 0 } openId)
        {
            return Error(41009, "missing openid");
        }

        state.Calls.Enqueue(new RecordedCall("wechat", "user_info", new JsonObject { ["openid"] = openId, ["lang"] = (string?)request.Query["lang"] }));
        if (state.NextFailure("user_info") is { } failure)
        {
            return Error(failure.ErrorCode, "injected failure");
        }

        if (!state.Followers.TryGetValue(openId, out var unionId))
        {
            return Error(40003, "invalid openid");
        }

        var answer = new JsonObject
        {
            ["subscribe"] = 1,
            ["openid"] = openId,
            ["language"] = "zh_CN",
            ["subscribe_time"] = 1_765_000_000,
            ["remark"] = "",
            ["groupid"] = 0,
            ["tagid_list"] = new JsonArray(),
            ["subscribe_scene"] = "ADD_SCENE_QR_CODE",
            ["qr_scene"] = 0,
            ["qr_scene_str"] = "",
        };
        if (unionId is not null)
        {
            answer["unionid"] = unionId;
        }

        return TypedResults.Json(answer);
    }

    /// <summary>
    /// <c>GET cgi-bin/externalcontact/get?external_userid=</c>: an external contact as WeCom answers it
    /// (external_contact with name, type 1 for a WeChat user and unionid when the corporation is bound to an
    /// Open Platform account; follow_user); 84061 for a contact the corporation does not have.
    /// </summary>
    public static IResult ExternalContact(HttpRequest request, FakeChannelState state)
    {
        if (!state.IsValid(request.Query["access_token"]))
        {
            return Error(42001, "access_token expired");
        }

        if (request.Query["external_userid"] is not { Count: 1 } ids || ids[0] is not { Length: > 0 } externalUserId)
        {
            return Error(40096, "invalid external userid");
        }

        state.Calls.Enqueue(new RecordedCall("wecom", "externalcontact_get", new JsonObject { ["external_userid"] = externalUserId }));
        if (!state.ExternalContacts.TryGetValue(externalUserId, out var unionId))
        {
            return Error(84061, "not external contact");
        }

        var contact = new JsonObject { ["external_userid"] = externalUserId, ["name"] = "客户", ["type"] = 1, ["gender"] = 0 };
        if (unionId is not null)
        {
            contact["unionid"] = unionId;
        }

        return TypedResults.Json(new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["external_contact"] = contact, ["follow_user"] = new JsonArray() });
    }
}
