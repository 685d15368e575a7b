using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Compliance;

/// <summary>A callback as the platform sends it: the signed query string and the body.</summary>
public sealed record Delivery(string Query, string Body);

/// <summary>
/// The inbound half of the connector compliance suite: what every signed-callback connector must
/// do, through the real host on a real socket. A connector's test class derives from this and
/// says how its platform signs (and encrypts) a callback and what a storable message looks like.
/// </summary>
public abstract class CallbackConnectorCompliance(ScrmApp app)
{
    private static long _ids = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    protected ScrmApp Host { get; } = app;

    /// <summary>The callback endpoint of the configured test account.</summary>
    protected abstract string Path { get; }

    /// <summary>The account's callback token.</summary>
    protected abstract string Token { get; }

    /// <summary>A callback body the connector stores, with its own id (its dedupe key comes from <paramref name="id"/>).</summary>
    protected abstract string Message(long id, DateTimeOffset at);

    /// <summary>Signs (and encrypts, if the platform does) <paramref name="plaintext"/> with <paramref name="token"/>.</summary>
    protected abstract Delivery Deliver(string plaintext, long timestamp, string token);

    /// <summary>The idempotency key the connector gives <see cref="Message"/>.</summary>
    protected abstract string KeyFor(long id, DateTimeOffset at);

    protected virtual string Acknowledgement => "success";

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static long NextId() => Interlocked.Increment(ref _ids);

    protected static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    protected JournalReader Journal => Host.Services.GetRequiredService<JournalReader>();

    [Fact]
    public async Task Redelivered_callback_is_stored_once_and_acknowledged_each_time()
    {
        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        var delivery = Deliver(Message(id, at), Now, Token);

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var response = await PostAsync(delivery);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync(Ct)).ShouldBe(Acknowledgement);
        }

        var stored = await Journal.FindAsync(KeyFor(id, at), Ct);
        stored.ShouldNotBeNull();
        var all = await Journal.ReadAsync(stored.Position - 1, 100, Ct);
        all.Count(e => e.IdempotencyKey == stored.IdempotencyKey).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_redeliveries_are_stored_once()
    {
        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        var delivery = Deliver(Message(id, at), Now, Token);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(delivery)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var stored = await Journal.FindAsync(KeyFor(id, at), Ct);
        stored.ShouldNotBeNull();
        (await Journal.ReadAsync(stored.Position - 1, 100, Ct)).Count(e => e.IdempotencyKey == stored.IdempotencyKey).ShouldBe(1);
    }

    [Fact]
    public async Task Bad_signature_is_refused_and_nothing_is_stored()
    {
        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        await RefusedAsync(Deliver(Message(id, at), Now, Token + "x"), HttpStatusCode.Forbidden, "bad_signature");
        (await Journal.FindAsync(KeyFor(id, at), Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData(-3600)]
    [InlineData(-301 - 30)]
    [InlineData(301 + 30)]
    public async Task Replay_outside_the_window_is_refused_even_with_a_valid_signature(int skewSeconds)
    {
        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        await RefusedAsync(Deliver(Message(id, at), Now + skewSeconds, Token), HttpStatusCode.Forbidden, "replay_window");
        (await Journal.FindAsync(KeyFor(id, at), Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData(-240)]
    [InlineData(240)]
    public async Task Clock_skew_within_the_window_is_accepted(int skewSeconds)
    {
        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        var response = await PostAsync(Deliver(Message(id, at), Now + skewSeconds, Token));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Journal.FindAsync(KeyFor(id, at), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Malformed_body_is_refused_and_nothing_is_stored()
    {
        var unclosed = Message(NextId(), DateTimeOffset.UtcNow);
        unclosed = unclosed[..(unclosed.Length / 2)];
        await RefusedAsync(Deliver(unclosed, Now, Token), HttpStatusCode.BadRequest, "malformed_xml");
        await RefusedAsync(Deliver(Message(NextId(), DateTimeOffset.UtcNow), Now, Token) with { Body = "not xml at all" }, HttpStatusCode.BadRequest, "malformed_xml");
    }

    [Fact]
    public async Task Oversized_body_is_refused_before_it_is_read()
    {
        var huge = HostileGenerator.Evaluate(Fixtures.Negative("neg-oversized").GetProperty("inputs").Text("generator"));
        await RefusedAsync(Deliver(Message(NextId(), DateTimeOffset.UtcNow), Now, Token) with { Body = huge }, HttpStatusCode.RequestEntityTooLarge, "oversized");
    }

    [Theory]
    [InlineData("xml-xxe")]
    [InlineData("xml-billion-laughs")]
    [InlineData("xml-unclosed")]
    public async Task Hostile_xml_is_refused_nothing_is_stored_and_the_endpoint_keeps_serving(string hostile)
    {
        var text = Encoding.UTF8.GetString(Fixtures.Hostile(hostile));
        var category = hostile == "xml-unclosed" ? "malformed_xml" : "xxe";

        // As the body itself, and (for platforms that encrypt) sealed inside a validly signed envelope.
        await RefusedAsync(Deliver(Message(NextId(), DateTimeOffset.UtcNow), Now, Token) with { Body = text }, HttpStatusCode.BadRequest, category);
        await RefusedAsync(Deliver(text, Now, Token), HttpStatusCode.BadRequest, category);

        var (id, at) = (NextId(), DateTimeOffset.UtcNow);
        (await PostAsync(Deliver(Message(id, at), Now, Token))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Journal.FindAsync(KeyFor(id, at), Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Unknown_account_is_404_with_problem_details()
    {
        using var client = Host.CreateClient();
        var delivery = Deliver(Message(NextId(), DateTimeOffset.UtcNow), Now, Token);
        var path = Path[..(Path.LastIndexOf('/') + 1)] + "no-such-account";

        var response = await client.PostAsync(path + delivery.Query, new StringContent(delivery.Body, Encoding.UTF8, "text/xml"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    protected async Task<HttpResponseMessage> PostAsync(Delivery delivery)
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path + delivery.Query)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "text/xml"),
        };

        // A large body asks first, as well-behaved clients do: the server refuses it before it is
        // sent instead of closing the connection under a client still writing (a broken pipe).
        request.Headers.ExpectContinue = delivery.Body.Length > 64 * 1024;
        return await client.SendAsync(request, Ct);
    }

    protected async Task RefusedAsync(Delivery delivery, HttpStatusCode status, string category)
    {
        var before = await Journal.LastPositionAsync(Ct);
        var response = await PostAsync(delivery);

        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        problem.GetProperty("category").GetString().ShouldBe(category);
        (await Journal.LastPositionAsync(Ct)).ShouldBe(before);
    }
}
