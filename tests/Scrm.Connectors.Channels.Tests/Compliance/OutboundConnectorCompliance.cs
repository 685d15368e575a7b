using Scrm.Connectors.Sdk.Contract;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Compliance;

/// <summary>
/// The outbound half of the connector compliance suite: a retried send never reaches the customer
/// twice, whether the retry comes after success, concurrently, or after the channel refused for now.
/// The channel API is the fake channel server; storage is real SQLite or PostgreSQL.
/// </summary>
public abstract class OutboundConnectorCompliance(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    protected FakeChannelServer Fake { get; private set; } = null!;

    protected ModuleHost Host { get; private set; } = null!;

    /// <summary>The API (as the fake server names it) a send calls.</summary>
    protected abstract string SendApi { get; }

    /// <summary>The channel's "busy, try again" error code.</summary>
    protected virtual int BusyErrorCode => -1;

    protected abstract Task<ModuleHost> StartHostAsync(FakeChannelServer fake, StorageUnderTest storage);

    protected abstract IOutboundChannel Channel { get; }

    /// <summary>A message the channel accepts, under <paramref name="key"/>.</summary>
    protected abstract OutboundMessage Message(string key);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        Fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        Host = await StartHostAsync(Fake, storage);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Fake.DisposeAsync();
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_sends_once()
    {
        var first = await Channel.SendAsync(Message("step-1"), Ct);
        var retry = await Channel.SendAsync(Message("step-1"), Ct);

        first.Status.ShouldBe(SendStatus.Sent);
        retry.Status.ShouldBe(SendStatus.AlreadySent);
        retry.ChannelMessageId.ShouldBe(first.ChannelMessageId);
        Fake.State.CallsTo(SendApi).Count().ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_retries_with_the_same_key_send_once()
    {
        Fake.State.SendDelay = TimeSpan.FromMilliseconds(200);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Channel.SendAsync(Message("step-2"), Ct))));

        results.Count(r => r.Status == SendStatus.Sent).ShouldBe(1);
        results.ShouldAllBe(r => r.Status == SendStatus.Sent || r.Status == SendStatus.InProgress || r.Status == SendStatus.AlreadySent);
        Fake.State.CallsTo(SendApi).Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_send_the_channel_refused_for_now_is_sent_exactly_once_on_retry()
    {
        Fake.State.FailNext(SendApi, BusyErrorCode);

        var busy = await Channel.SendAsync(Message("step-3"), Ct);
        var retry = await Channel.SendAsync(Message("step-3"), Ct);
        var again = await Channel.SendAsync(Message("step-3"), Ct);

        busy.Status.ShouldBe(SendStatus.Unavailable);
        busy.Retriable.ShouldBeTrue();
        retry.Status.ShouldBe(SendStatus.Sent);
        again.Status.ShouldBe(SendStatus.AlreadySent);
        Fake.State.CallsTo(SendApi).Count().ShouldBe(1);
    }

    [Fact]
    public async Task Different_keys_are_different_sends()
    {
        (await Channel.SendAsync(Message("a"), Ct)).Status.ShouldBe(SendStatus.Sent);
        (await Channel.SendAsync(Message("b"), Ct)).Status.ShouldBe(SendStatus.Sent);

        Fake.State.CallsTo(SendApi).Count().ShouldBe(2);
    }
}
