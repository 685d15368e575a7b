using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.FakeChannels;

/// <summary>
/// The WeChat Official Account, WeCom and Weibo APIs the product calls, answering on loopback in
/// the documented shapes: <c>{base}/wechat/cgi-bin/...</c>, <c>{base}/wecom/cgi-bin/...</c>,
/// <c>{base}/weibo/2/...</c>; and the callbacks the platforms send, encrypted and signed, posted to
/// Scrm on request (<c>POST /fake/wechat/callbacks</c>, <c>POST /fake/wecom/callbacks</c>). For
/// tests (in process) and demos (<c>dotnet run</c>).
/// </summary>
public sealed class FakeChannelServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeChannelServer(WebApplication app, FakeChannelState state, Uri baseAddress)
    {
        _app = app;
        State = state;
        BaseAddress = baseAddress;
    }

    public FakeChannelState State { get; }

    /// <summary>The server's root, ending in '/'.</summary>
    public Uri BaseAddress { get; }

    public Uri WeChat => new(BaseAddress, "wechat/");

    public Uri WeCom => new(BaseAddress, "wecom/");

    public Uri Weibo => new(BaseAddress, "weibo/");

    /// <param name="scrm">Where the callbacks go (Scrm's root); <c>http://127.0.0.1:5080/</c> unless given.</param>
    public static async Task<FakeChannelServer> StartAsync(int port = 0, Uri? scrm = null, CancellationToken cancellationToken = default)
    {
        var callbacksTo = scrm ?? new Uri("http://127.0.0.1:5080/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var state = new FakeChannelState();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        var wechat = app.MapGroup("/wechat/cgi-bin");
        wechat.MapPost("/stable_token", WeChatApi.TokenAsync);
        wechat.MapPost("/message/custom/send", (HttpRequest r, FakeChannelState s) => WeChatApi.SendAsync(r, s, "wechat", "custom_send"));
        wechat.MapGet("/user/info", WeChatApi.UserInfo);
        wechat.MapPost("/message/template/send", (HttpRequest r, FakeChannelState s) => WeChatApi.SendAsync(r, s, "wechat", "template_send"));
        var wecom = app.MapGroup("/wecom/cgi-bin");
        wecom.MapGet("/gettoken", WeChatApi.WeComTokenAsync);
        wecom.MapPost("/externalcontact/send_welcome_msg", (HttpRequest r, FakeChannelState s) => WeChatApi.SendAsync(r, s, "wecom", "send_welcome_msg"));
        wecom.MapPost("/kf/sync_msg", WeChatApi.KfSyncAsync);
        wecom.MapPost("/kf/send_msg", WeChatApi.KfSendAsync);
        wecom.MapPost("/kf/customer/batchget", WeChatApi.KfCustomersAsync);
        wecom.MapGet("/externalcontact/get", WeChatApi.ExternalContact);
        wecom.MapPost("/externalcontact/add_msg_template", (HttpRequest r, FakeChannelState s) => WeChatApi.SendAsync(r, s, "wecom", "add_msg_template"));
        var weibo = app.MapGroup("/weibo/2");
        weibo.MapGet("/statuses/mentions.json", (HttpRequest r, FakeChannelState s) => WeiboApi.Page(r, s, "mentions"));
        weibo.MapGet("/comments/to_me.json", (HttpRequest r, FakeChannelState s) => WeiboApi.Page(r, s, "comments"));
        weibo.MapPost("/comments/reply.json", (HttpRequest r, FakeChannelState s) => WeiboApi.CommentAsync(r, s, "comments_reply")).DisableAntiforgery();
        weibo.MapPost("/comments/create.json", (HttpRequest r, FakeChannelState s) => WeiboApi.CommentAsync(r, s, "comments_create")).DisableAntiforgery();
        app.MapGet("/fake/calls", (FakeChannelState s) => TypedResults.Ok(s.Calls.Select(c => new { c.Channel, c.Api, Body = c.Body.ToJsonString() })));
        app.MapPost("/fake/weibo/mentions", async (HttpRequest r, FakeChannelState s) =>
        {
            var body = (await JsonNode.ParseAsync(r.Body))!.AsObject();
            s.AddMention(new WeiboPost((long)body["id"]!, (string)body["created_at"]!, (string)body["text"]!, (long)body["user_id"]!, (string)body["screen_name"]!));
            return TypedResults.NoContent();
        });
        app.MapPost("/fake/wechat/callbacks", (HttpRequest r) => TencentCallbacks.WeChatAsync(r, callbacksTo));
        app.MapPost("/fake/wecom/callbacks", (HttpRequest r) => TencentCallbacks.WeComAsync(r, callbacksTo));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeChannelServer(app, state, new Uri(address.TrimEnd('/') + "/"));
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
