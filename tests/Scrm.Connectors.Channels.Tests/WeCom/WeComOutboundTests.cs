using Scrm.Ingestion;
using Microsoft.Extensions.Time.Testing;
using Scrm.Connectors.Channels.Tests.Compliance;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.WeCom;
using Scrm.Connectors.WeCom.Outbound;
using Scrm.FakeChannels;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.WeCom;

internal static class WeComOutbound
{
    public static Task<ModuleHost> StartAsync(FakeChannelServer fake, StorageUnderTest storage, TimeProvider? time = null) =>
        ModuleHost.StartAsync(storage, (s, c) => s.AddScrmIngestion(c).AddScrmWeComConnector(c), WeComDeliveries.Account("corp", fake.WeCom.ToString()), time);

    public static OutboundMessage Welcome(string key) => new("wecom", "corp", "wmEXT001", key, new WelcomeContent("WELCOMECODE", "您好，我是您的专属顾问张三。"));
}

public sealed class SqliteWeComOutboundCompliance(PostgresServer postgres) : WeComOutboundCompliance(postgres, usePostgres: false);

public sealed class PostgresWeComOutboundCompliance(PostgresServer postgres) : WeComOutboundCompliance(postgres, usePostgres: true);

public abstract class WeComOutboundCompliance(PostgresServer postgres, bool usePostgres) : OutboundConnectorCompliance(postgres, usePostgres)
{
    protected override string SendApi => "send_welcome_msg";

    protected override IOutboundChannel Channel => Host.Get<IEnumerable<IOutboundChannel>>().Single(c => c.Channel == "wecom");

    protected override Task<ModuleHost> StartHostAsync(FakeChannelServer fake, StorageUnderTest storage) => WeComOutbound.StartAsync(fake, storage);

    protected override OutboundMessage Message(string key) => WeComOutbound.Welcome(key);
}

public sealed class SqliteWeComOutboundTests(PostgresServer postgres) : WeComOutboundTests(postgres, usePostgres: false);

public sealed class PostgresWeComOutboundTests(PostgresServer postgres) : WeComOutboundTests(postgres, usePostgres: true);

/// <summary>Welcome messages and mass sends; the monthly limit's atomic reservation runs on both providers.</summary>
public abstract class WeComOutboundTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 15, 0, 0, TimeSpan.Zero));
    private FakeChannelServer _fake = null!;
    private ModuleHost _host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WeComSender Sender => _host.Get<WeComSender>();

    public async ValueTask InitializeAsync()
    {
        var storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
        _host = await WeComOutbound.StartAsync(_fake, storage, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_welcome_message_goes_out_with_the_events_welcome_code()
    {
        (await Sender.SendAsync(WeComOutbound.Welcome("welcome-1"), Ct)).Status.ShouldBe(SendStatus.Sent);

        var body = _fake.State.CallsTo("send_welcome_msg").ShouldHaveSingleItem().Body;
        ((string?)body["welcome_code"]).ShouldBe("WELCOMECODE");
        ((string?)body["text"]!["content"]).ShouldBe("您好，我是您的专属顾问张三。");
    }

    [Fact]
    public async Task A_customer_service_reply_goes_out_through_kf_send_msg_once_per_key_and_the_sixth_in_a_window_is_outside_it()
    {
        _fake.State.AddKfMessage(new System.Text.Json.Nodes.JsonObject
        {
            ["msgid"] = "kf-in-1", ["open_kfid"] = "wkService", ["external_userid"] = "wmKf1", ["send_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["origin"] = 3, ["msgtype"] = "text", ["text"] = new System.Text.Json.Nodes.JsonObject { ["content"] = "在吗" },
        });
        OutboundMessage Reply(string key) => new("wecom", "corp", "wmKf1", key, new TextContent("您好，在的。")) { InReplyTo = new OutboundReference("kf-in-1", "wkService") };

        (await Sender.SendAsync(Reply("kf-1"), Ct)).Status.ShouldBe(SendStatus.Sent);
        (await Sender.SendAsync(Reply("kf-1"), Ct)).Status.ShouldBe(SendStatus.AlreadySent);

        var body = _fake.State.CallsTo("kf_send_msg").ShouldHaveSingleItem().Body;
        ((string?)body["touser"], (string?)body["open_kfid"], (string?)body["msgtype"], (string?)body["text"]!["content"]).ShouldBe(("wmKf1", "wkService", "text", "您好，在的。"));
        ((string?)body["msgid"]).ShouldBe(WeComSender.KfMessageId("kf-1"));
        ((string?)body["msgid"])!.Length.ShouldBe(32);
        _fake.State.CallsTo("add_msg_template").ShouldBeEmpty();

        for (var i = 2; i <= 5; i++)
        {
            (await Sender.SendAsync(Reply($"kf-{i}"), Ct)).Status.ShouldBe(SendStatus.Sent);
        }

        var sixth = await Sender.SendAsync(Reply("kf-6"), Ct);
        (sixth.Status, sixth.ErrorCode).ShouldBe((SendStatus.OutsideWindow, 95001));
        _fake.State.CallsTo("kf_send_msg").Count().ShouldBe(5);
    }

    [Fact]
    public async Task Mass_sends_stop_at_the_monthly_limit_per_customer_and_start_again_next_month()
    {
        var results = new List<MassSendResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await Sender.MassSendAsync(new MassSendRequest("corp", $"campaign-{i}", ["wmA", i < 2 ? "wmB" : "wmC"], "双十一会员专享", "zhangsan"), Ct));
        }

        results.Take(4).ShouldAllBe(r => r.Status == SendStatus.Sent && r.Sent.Contains("wmA"));
        results[4].Sent.ShouldBe(["wmC"]);
        results[4].OverLimit.ShouldBe(["wmA"]);
        var lastCall = _fake.State.CallsTo("add_msg_template").Last().Body;
        lastCall["external_userid"]!.AsArray().Select(n => (string?)n).ShouldBe(["wmC"]);

        var alone = await Sender.MassSendAsync(new MassSendRequest("corp", "campaign-5", ["wmA"], "还是双十一", null), Ct);
        alone.Status.ShouldBe(SendStatus.QuotaExceeded);

        // 1 December in China time is 30 November 16:00 UTC.
        _time.Advance(TimeSpan.FromHours(1));
        var nextMonth = await Sender.MassSendAsync(new MassSendRequest("corp", "campaign-5", ["wmA"], "还是双十一", null), Ct);
        nextMonth.Status.ShouldBe(SendStatus.Sent);
        nextMonth.Sent.ShouldBe(["wmA"]);
    }

    [Fact]
    public async Task A_mass_send_the_channel_refused_gives_the_customers_their_allowance_back()
    {
        _fake.State.FailNext("add_msg_template", 45009, times: 4);
        for (var i = 0; i < 4; i++)
        {
            (await Sender.MassSendAsync(new MassSendRequest("corp", $"busy-{i}", ["wmZ"], "hi", null), Ct)).Status.ShouldBe(SendStatus.RateLimited);
        }

        (await Sender.MassSendAsync(new MassSendRequest("corp", "after", ["wmZ"], "hi", null), Ct)).Sent.ShouldBe(["wmZ"]);
    }

    [Fact]
    public async Task A_retried_mass_send_does_not_send_or_count_twice()
    {
        var request = new MassSendRequest("corp", "same-campaign", ["wmR"], "hi", null);

        var first = await Sender.MassSendAsync(request, Ct);
        var retry = await Sender.MassSendAsync(request, Ct);

        first.Status.ShouldBe(SendStatus.Sent);
        retry.Status.ShouldBe(SendStatus.AlreadySent);
        _fake.State.CallsTo("add_msg_template").Count().ShouldBe(1);
        for (var i = 0; i < 3; i++)
        {
            (await Sender.MassSendAsync(request with { IdempotencyKey = $"more-{i}" }, Ct)).Status.ShouldBe(SendStatus.Sent);
        }
    }
}

public sealed class MassSendMonthTests
{
    [Theory]
    [InlineData("2026-11-30T15:59:59Z", "2026-11")]
    [InlineData("2026-11-30T16:00:00Z", "2026-12")]
    [InlineData("2026-12-31T16:00:00Z", "2027-01")]
    public void Months_are_counted_in_china_time(string utc, string month) =>
        MassSendQuota.Month(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(month);
}
