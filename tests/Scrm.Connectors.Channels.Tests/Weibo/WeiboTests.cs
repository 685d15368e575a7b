using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Connectors.Weibo;
using Scrm.Connectors.Weibo.Mentions;
using Scrm.Connectors.Weibo.Polling;
using Scrm.FakeChannels;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Platform.Scheduling;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Weibo;

public sealed class WeiboMentionVectorTests
{
    public static TheoryData<string> Mentions => Fixtures.VectorIds("weibo_mention");

    [Theory]
    [MemberData(nameof(Mentions))]
    public void Statuses_map_to_mentions_with_created_at_parsed_exactly(string id)
    {
        var v = Fixtures.Vector(id);
        var (status, expected) = (v.GetProperty("inputs").GetProperty("json"), v.GetProperty("expected"));

        var item = WeiboMentions.Map("brand", WeiboFeed.Mentions, status, out var problem).ShouldNotBeNull();

        problem.ShouldBeNull();
        var at = DateTimeOffset.Parse(expected.Text("createdAtUtc"), System.Globalization.CultureInfo.InvariantCulture);
        item.OccurredAt.ShouldBe(at);
        item.OccurredAt.Offset.ShouldBe(TimeSpan.Zero);
        item.IdempotencyKey.ShouldBe($"weibo:brand:mention:{expected.Text("externalId")}");
        var payload = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.MentionPayload)!;
        (payload.ExternalId, payload.Author!.Id, payload.Author.Name).ShouldBe((expected.Text("externalId"), expected.Text("authorId"), expected.Text("authorName")));
        payload.Text.ShouldBe(status.Text("text"));
        payload.CreatedAt.ShouldBe(at);
    }

    [Theory]
    [InlineData("2011-05-31 17:46:55")]
    [InlineData("Tue May 31 17:46:55 2011")]
    [InlineData("周二 5月 31 17:46:55 +0800 2011")]
    [InlineData("Tue May 31 17:46:55 +0800 2011 extra")]
    public void Dates_not_in_weibos_format_are_not_guessed(string text) => WeiboMentions.ParseCreatedAt(text).ShouldBeNull();
}

public sealed class SqliteWeiboPollingTests(PostgresServer postgres) : WeiboPollingTests(postgres, usePostgres: false);

public sealed class PostgresWeiboPollingTests(PostgresServer postgres) : WeiboPollingTests(postgres, usePostgres: true);

/// <summary>Polling against the fake Weibo API, with checkpoints on both providers.</summary>
public abstract class WeiboPollingTests(PostgresServer postgres, bool usePostgres) : IAsyncLifetime
{
    private FakeChannelServer _fake = null!;
    private StorageUnderTest _storage = StorageUnderTest.Sqlite;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _storage = usePostgres ? StorageUnderTest.Postgres(await postgres.CreateDatabaseAsync()) : StorageUnderTest.Sqlite;
        _fake = await FakeChannelServer.StartAsync(cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private Dictionary<string, string?> Settings(string pollInterval = "01:00:00") => new()
    {
        ["Scrm:Connectors:Weibo:ApiBaseUrl"] = _fake.Weibo.ToString(),
        ["Scrm:Connectors:Weibo:Accounts:brand:AccessToken"] = "weibo-token",
        ["Scrm:Connectors:Weibo:Accounts:brand:PollInterval"] = pollInterval,
        ["Scrm:Connectors:Weibo:PageSize"] = "2",
        ["Scrm:Connectors:Weibo:RetryDelay"] = "00:00:00.010",
        ["Scrm:Connectors:Weibo:RateLimitDelay"] = "00:00:00.020",
    };

    private Task<ModuleHost> StartAsync(TempDirectory data, bool scheduled = false, Dictionary<string, string?>? more = null)
    {
        var settings = Settings(scheduled ? "00:00:01" : "01:00:00");
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return ModuleHost.StartAsync(_storage, (s, c) =>
        {
            s.AddScrmIngestion(c).AddScrmWeiboConnector(c);
            if (scheduled)
            {
                s.AddScrmScheduling(c);
            }
        }, settings, data: data);
    }

    private static WeiboPost Mention(long id, string text) => new(id, "Tue May 31 17:46:55 +0800 2011", text, 1404376560, "小红");

    [Fact]
    public async Task A_poll_picks_up_new_mentions_only_once_across_restarts()
    {
        var data = new TempDirectory("scrm-weibo");
        for (var id = 101; id <= 105; id++)
        {
            _fake.State.AddMention(Mention(id, $"@品牌官方 第{id}条"));
        }

        _fake.State.AddComment(Mention(900, "评论：什么时候发货？") with { InReplyTo = 4000 });
        var first = await StartAsync(data);
        var firstPoll = await first.Get<WeiboPoller>().PollAsync("brand", Ct);
        await first.StopAsync();

        _fake.State.AddMention(Mention(106, "@品牌官方 新的一条"));
        await using var second = await StartAsync(data);
        var requestsBefore = _fake.State.WeiboRequests.Count;
        var secondPoll = await second.Get<WeiboPoller>().PollAsync("brand", Ct);
        var thirdPoll = await second.Get<WeiboPoller>().PollAsync("brand", Ct);

        firstPoll.ShouldBe(new WeiboPollResult(6, 0, 0));
        secondPoll.ShouldBe(new WeiboPollResult(1, 0, 0));
        thirdPoll.ShouldBe(new WeiboPollResult(0, 0, 0));
        var afterRestart = _fake.State.WeiboRequests.Skip(requestsBefore).ToList();
        afterRestart.First(r => r.Api == "mentions").SinceId.ShouldBe(105);
        afterRestart.First(r => r.Api == "comments").SinceId.ShouldBe(900);
        var entries = await second.Get<JournalReader>().ReadAsync(0, 100, Ct);
        entries.Select(e => e.IdempotencyKey).ShouldBe(
            ["weibo:brand:mention:105", "weibo:brand:mention:104", "weibo:brand:mention:103", "weibo:brand:mention:102", "weibo:brand:mention:101",
             "weibo:brand:comment:900", "weibo:brand:mention:106"]);
        entries.ShouldAllBe(e => e.Kind == InboundKind.Mention && e.Channel == "weibo");
        (await second.Get<JournalReader>().StatsAsync(Ct)).Duplicates.ShouldBe(0);
        var comment = JsonSerializer.Deserialize(entries[5].Payload, InboundJson.Default.MentionPayload)!;
        comment.Metadata!["inReplyTo"].GetString().ShouldBe("4000");
    }

    [Fact]
    public async Task Rate_limits_and_errors_are_retried_with_backoff_and_the_poll_completes()
    {
        await using var host = await StartAsync(new TempDirectory("scrm-weibo"));
        _fake.State.AddMention(Mention(1, "@品牌官方 你好"));
        _fake.State.FailNext("mentions", 10023, times: 2, httpStatus: 403);
        _fake.State.FailNext("comments", 10001, times: 1, httpStatus: 500);

        var result = await host.Get<WeiboPoller>().PollAsync("brand", Ct);

        result.Appended.ShouldBe(1);
        _fake.State.WeiboRequests.Count(r => r.Api == "mentions").ShouldBe(3);
        _fake.State.WeiboRequests.Count(r => r.Api == "comments").ShouldBe(2);
    }

    [Fact]
    public async Task A_feed_that_keeps_failing_leaves_the_checkpoint_where_it_was()
    {
        await using var host = await StartAsync(new TempDirectory("scrm-weibo"));
        _fake.State.AddMention(Mention(7, "@品牌官方 你好"));
        _fake.State.FailNext("mentions", 10023, times: 4, httpStatus: 403);

        await Should.ThrowAsync<WeiboApiException>(() => host.Get<WeiboPoller>().PollAsync("brand", Ct));
        _fake.State.WeiboRequests.Count.ShouldBe(4);
        var next = await host.Get<WeiboPoller>().PollAsync("brand", Ct);

        next.Appended.ShouldBe(1);
        _fake.State.WeiboRequests.Skip(4).First().ShouldBe(("mentions", 0L));
    }

    [Fact]
    public async Task The_scheduled_job_polls_each_configured_account()
    {
        // Two accounts on their own schedules: the fake answers every token with the same timeline,
        // so each account's poll shows as the mention under that account's own key.
        _fake.State.AddMention(Mention(42, "@品牌官方 定时任务"));
        await using var host = await StartAsync(new TempDirectory("scrm-weibo"), scheduled: true, new()
        {
            ["Scrm:Connectors:Weibo:Accounts:service:AccessToken"] = "weibo-token-service",
            ["Scrm:Connectors:Weibo:Accounts:service:PollInterval"] = "00:00:01",
        });
        var journal = host.Get<JournalReader>();
        string[] keys = ["weibo:brand:mention:42", "weibo:service:mention:42"];

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await MissingAsync() > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Ct);
        }

        foreach (var key in keys)
        {
            (await journal.FindAsync(key, Ct)).ShouldNotBeNull(key);
        }

        async Task<int> MissingAsync()
        {
            var missing = 0;
            foreach (var key in keys)
            {
                missing += await journal.FindAsync(key, Ct) is null ? 1 : 0;
            }

            return missing;
        }
    }
}

public sealed class WeiboPollApiTests
{
    [Fact]
    public async Task Admins_can_poll_now_through_the_api_against_the_fake_channel_server()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fake = await FakeChannelServer.StartAsync(cancellationToken: ct);
        fake.State.AddMention(new WeiboPost(77, "Sat Jan 01 00:30:00 +0800 2022", "@品牌官方 新年快乐", 1404376560, "小红"));
        await using var app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:Connectors:Weibo:ApiBaseUrl"] = fake.Weibo.ToString(),
            ["Scrm:Connectors:Weibo:Accounts:brand:AccessToken"] = "weibo-token",
            ["Scrm:Connectors:Weibo:Accounts:brand:PollInterval"] = "01:00:00",
        });
        using var admin = app.ClientFor("admin");
        using var sales = app.ClientFor("sales");

        var forbidden = await sales.PostAsync("/api/v1/connectors/weibo/brand/poll", null, ct);
        var missing = await admin.PostAsync("/api/v1/connectors/weibo/nobody/poll", null, ct);
        var polled = await admin.PostAsync("/api/v1/connectors/weibo/brand/poll", null, ct);

        forbidden.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        missing.StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        polled.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var item = (await app.Services.GetRequiredService<JournalReader>().FindAsync("weibo:brand:mention:77", ct)).ShouldNotBeNull();
        item.OccurredAt.ShouldBe(new DateTimeOffset(2021, 12, 31, 16, 30, 0, TimeSpan.Zero));
    }
}
