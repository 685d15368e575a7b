using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.Connectors.Channels.Tests.Crawler;

/// <summary>A small website on loopback: contact pages in Chinese and Western formats, the hostile HTML fixtures, traps.</summary>
internal sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSite(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    public Uri Root { get; }

    public ConcurrentQueue<(string Path, int Status)> Requests { get; } = new();

    public static async Task<TestSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestSite? site = null;
        app.Use(async (context, next) =>
        {
            await next(context);
            site!.Requests.Enqueue((context.Request.Path.Value!, context.Response.StatusCode));
        });
        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nDisallow: /private\n\nUser-agent: OtherBot\nDisallow: /\n"));
        app.MapGet("/", (HttpContext c) => Html($"""
            <html><head><title>示例科技</title></head><body><h1>欢迎访问示例科技</h1>
            <a href="/contact">联系我们</a> <a href="/en/contact#team">Contact</a> <a href="/malformed">m</a> <a href="/hidden">h</a>
            <a href="/html-meta-refresh-loop.html">r</a> <a href="/huge">big</a> <a href="/private/secret">p</a> <a href="/loop-a">loop</a>
            <a href="/deep1">deeper</a> <a href="/gbk">旧站</a> <a href="http://localhost:{c.Connection.LocalPort}/elsewhere">elsewhere</a> <a href="javascript:void(0)">js</a>
            </body></html>
            """));
        app.MapGet("/contact", (HttpContext c) =>
        {
            const string etag = "\"contact-v1\"";
            if (c.Request.Headers.IfNoneMatch == etag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            c.Response.Headers.ETag = etag;
            return Html("""
                <html><head><title>联系我们</title><script>var hotline = "13900000000";</script><style>.x{}</style></head><body>
                <div class="contact">联系电话：138-0013-8000<br>邮箱：Ｓａｌｅｓ＠Example.COM<br>上海某某贸易有限公司</div>
                <p style="display: none">备用：13700000000</p><p hidden>13600000000</p>
                <footer>京ICP备12345678号 · 更新于 2026-11-24</footer></body></html>
                """);
        });
        app.MapGet("/en/contact", () => Html("""
            <html><head><title>Contact us</title></head><body>
            <address>Acme Widgets Inc.<br>Phone: +1 (415) 555-2671<br><a href="mailto:hello@acme.example">Email us</a></address>
            </body></html>
            """));
        app.MapGet("/malformed", () => Html(File.ReadAllText(Fixtures.HostileFile("html-malformed.html"))));
        app.MapGet("/hidden", () => Html(File.ReadAllText(Fixtures.HostileFile("html-hidden-form.html"))));
        app.MapGet("/html-meta-refresh-loop.html", () => Html(File.ReadAllText(Fixtures.HostileFile("html-meta-refresh-loop.html"))));
        app.MapGet("/huge", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            var huge = Fixtures.Hostile("html-huge");
            for (var offset = 0; offset < huge.Length && !c.RequestAborted.IsCancellationRequested; offset += 64 * 1024)
            {
                try
                {
                    await c.Response.Body.WriteAsync(huge.AsMemory(offset, Math.Min(64 * 1024, huge.Length - offset)), c.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        // An older Chinese site: GBK bytes, declared only in the page, not in Content-Type.
        app.MapGet("/gbk", () => Results.Bytes(GbkEncoding().GetBytes("""
            <html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>联系方式</title></head><body>
            <div class="contact">联系人：张经理 手机：139 1234 5678 邮箱：kefu@hz-example.cn<br>杭州某某网络科技有限公司</div></body></html>
            """), "text/html"));
        app.MapGet("/private/secret", () => Html("<p>内部电话 13811112222</p>"));
        app.MapGet("/loop-a", () => Results.Redirect("/loop-b"));
        app.MapGet("/loop-b", () => Results.Redirect("/loop-a"));
        app.MapGet("/deep1", () => Html("<a href=\"/deep2\">2</a>"));
        app.MapGet("/deep2", () => Html("<a href=\"/deep3\">3</a>"));
        app.MapGet("/deep3", () => Html("<p>客服 13822223333</p>"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new TestSite(app, new Uri(address.TrimEnd('/') + "/"));
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static Encoding GbkEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GBK");
    }

    private static IResult Html(string html) => Results.Text(html, "text/html", Encoding.UTF8);
}
