using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

/// <summary>The notification list also goes out through a signed webhook, once per notification, retried while the receiver fails.</summary>
public sealed class NotificationHookTests : IAsyncLifetime
{
    private const string Secret = "hook-s3cret";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));
    private readonly Receiver _receiver = new();
    private ModuleHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        var url = await _receiver.StartAsync();
        var settings = RoutingConcurrencyTests.Team();
        settings["Scrm:Leads:NotificationHook:Url"] = url;
        settings["Scrm:Leads:NotificationHook:Secret"] = Secret;
        settings["Scrm:Leads:NotificationHook:MaxAttempts"] = "3";
        settings["Scrm:Leads:NotificationHook:RetryDelay"] = "00:01:00";
        _host = await ModuleHost.StartAsync(StorageUnderTest.Sqlite, (s, c) => s.AddScrmLeads(c), settings, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<(long Lead, string Owner)> RoutedLeadAsync(string key)
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await _host.Get<LeadIntake>().IntakeAsync(new LeadDraft(key, "web", Name: "王小明", Phone: "+8613800138000", CustomerKey: $"phone:{key}"), ct)).LeadId;
        var owner = (await _host.Get<LeadRouting>().RouteAsync(id, "test", ct)).Owner!;
        return (id, owner);
    }

    private Task DeliverAsync() => _host.Get<NotificationHook>().DeliverDueAsync(TestContext.Current.CancellationToken);

    private List<Received> NewLeadCalls(long lead) =>
        [.. _receiver.Calls.Where(c => c.Json.GetProperty("kind").GetString() == "new-lead" && c.Json.GetProperty("leadId").GetInt64() == lead)];

    [Fact]
    public async Task A_routed_lead_reaches_its_owner_through_the_signed_hook_exactly_once()
    {
        var (lead, owner) = await RoutedLeadAsync("hook-once");

        await DeliverAsync();
        await DeliverAsync();
        _time.Advance(TimeSpan.FromHours(2));
        await DeliverAsync();

        var call = NewLeadCalls(lead).ShouldHaveSingleItem();
        call.Json.GetProperty("recipient").GetString().ShouldBe(owner);
        call.Json.GetProperty("text").GetString()!.ShouldContain("王小明");
        call.IdempotencyKey.ShouldBe($"notification:{call.Json.GetProperty("id").GetInt64()}");
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes(call.Timestamp + ".").Concat(call.Body).ToArray()));
        call.Signature.ShouldBe("sha256=" + expected);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_after_doubling_waits_and_then_given_up()
    {
        _receiver.Status = StatusCodes.Status503ServiceUnavailable;
        var (lead, _) = await RoutedLeadAsync("hook-down");

        await DeliverAsync();
        await DeliverAsync();
        NewLeadCalls(lead).Count.ShouldBe(1);

        _time.Advance(TimeSpan.FromSeconds(59));
        await DeliverAsync();
        NewLeadCalls(lead).Count.ShouldBe(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync();
        NewLeadCalls(lead).Count.ShouldBe(2);

        _time.Advance(TimeSpan.FromMinutes(2));
        await DeliverAsync();
        NewLeadCalls(lead).Count.ShouldBe(3);

        // Three attempts were allowed: nothing more, however long it waits.
        _time.Advance(TimeSpan.FromHours(3));
        await DeliverAsync();
        NewLeadCalls(lead).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_receiver_that_recovers_gets_the_notification_again_under_the_same_key_and_then_no_more()
    {
        _receiver.Status = StatusCodes.Status500InternalServerError;
        var (lead, _) = await RoutedLeadAsync("hook-flaky");
        await DeliverAsync();

        _receiver.Status = StatusCodes.Status200OK;
        _time.Advance(TimeSpan.FromMinutes(1));
        await DeliverAsync();
        _time.Advance(TimeSpan.FromHours(1));
        await DeliverAsync();

        var calls = NewLeadCalls(lead);
        calls.Count.ShouldBe(2);
        calls.Select(c => c.IdempotencyKey).Distinct().ShouldHaveSingleItem();
    }

    private sealed record Received(byte[] Body, JsonElement Json, string? IdempotencyKey, string? Timestamp, string? Signature);

    /// <summary>A webhook receiver on loopback that answers with <see cref="Status"/> and keeps what it got.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private WebApplication? _app;

        public ConcurrentQueue<Received> Calls { get; } = new();

        public int Status { get; set; } = StatusCodes.Status204NoContent;

        public async Task<string> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapPost("/hook", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                var body = buffer.ToArray();
                var headers = context.Request.Headers;
                Calls.Enqueue(new Received(body, JsonDocument.Parse(body).RootElement.Clone(),
                    headers["Idempotency-Key"].FirstOrDefault(), headers["X-Scrm-Timestamp"].FirstOrDefault(), headers["X-Scrm-Signature"].FirstOrDefault()));
                return Results.StatusCode(Status);
            });
            await _app.StartAsync();
            return _app.Urls.First() + "/hook";
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }
    }
}

public sealed class NotificationHookSettingsTests
{
    [Theory]
    [InlineData("Url", "not a url")]
    [InlineData("MaxAttempts", "0")]
    [InlineData("RetryDelay", "00:00:00")]
    public async Task A_bad_hook_setting_stops_the_host_from_starting(string setting, string value)
    {
        var settings = RoutingConcurrencyTests.Team();
        settings["Scrm:Leads:NotificationHook:Url"] = "http://127.0.0.1:9/hook";
        settings[$"Scrm:Leads:NotificationHook:{setting}"] = value;

        var failure = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
            await (await ModuleHost.StartAsync(StorageUnderTest.Sqlite, (s, c) => s.AddScrmLeads(c), settings)).DisposeAsync());

        failure.Message.ShouldContain("NotificationHook");
    }
}
