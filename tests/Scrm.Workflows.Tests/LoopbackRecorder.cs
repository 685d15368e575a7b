using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scrm.Workflows.Tests;

/// <summary>
/// An HTTP endpoint on loopback that side-effect activities call: it records every request's path
/// and Idempotency-Key. <c>POST /hold</c> does not answer while <see cref="Holding"/> is set, so a
/// test can stop a workflow in the middle of a burst.
/// </summary>
internal sealed class LoopbackRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackRecorder(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Path, string? Key)> Requests { get; } = new();

    /// <summary>Completes when a request to <c>/hold</c> is being held.</summary>
    public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Holding { get; set; } = true;

    /// <summary>While set, <c>POST /flaky</c> drops the connection without an answer.</summary>
    public bool Failing { get; set; } = true;

    public Uri Address { get; private set; } = null!;

    public IEnumerable<string?> KeysFor(string path) => Requests.Where(r => r.Path == path).Select(r => r.Key);

    public static async Task<LoopbackRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var recorder = new LoopbackRecorder(app);
        app.MapPost("/{path}", async (string path, HttpContext context) =>
        {
            recorder.Requests.Enqueue((path, context.Request.Headers["Idempotency-Key"].FirstOrDefault()));
            if (path == "flaky" && recorder.Failing)
            {
                context.Abort();
                return Results.Empty;
            }

            if (path == "hold" && recorder.Holding)
            {
                recorder.Held.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }

                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Json(new { path, ok = true });
        });
        await app.StartAsync();
        recorder.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
