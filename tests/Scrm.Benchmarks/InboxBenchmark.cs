using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Community.Conversations;
using Scrm.Community.Storage;
using Scrm.Platform.Security;
using Scrm.Testing;

namespace Scrm.Benchmarks;

/// <summary>
/// The inbox query on the embedded store at a large conversation count (1M conversations with 5M messages by default): an agent's own inbox
/// (assignee=me), with filters, and following its keyset cursor page by page, each timed as the
/// endpoint runs it (<see cref="ConversationQueries.InboxAsync"/>), and one through HTTP with the
/// agent's key. The baseline in the same run is a plain primary-key page of the same size.
/// </summary>
internal static class InboxBenchmark
{
    public const string Usage = "  inbox [--conversations 1000000] [--messages-per-conversation 5] [--agents 200] [--samples 2000]";

    private static readonly string[] Channels = ["wechat", "wechat", "wechat", "wechat", "wechat", "wecom", "wecom", "weibo", "weibo", "web"];
    private static readonly string[] Intents = ["complaint", "question", "question", "praise", "purchase", "other", "spam"];

    public static async Task RunAsync(string[] args)
    {
        var conversations = int.Parse(LoadDriver.Option(args, "--conversations", "1000000"), CultureInfo.InvariantCulture);
        var agents = int.Parse(LoadDriver.Option(args, "--agents", "200"), CultureInfo.InvariantCulture);
        var samples = int.Parse(LoadDriver.Option(args, "--samples", "2000"), CultureInfo.InvariantCulture);
        var perConversation = int.Parse(LoadDriver.Option(args, "--messages-per-conversation", "5"), CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Scrm:Scheduling:Store"] = "Memory",
            ["Scrm:Auth:ApiKeys:7:Key"] = "agent-7-key-0123456789abcdef",
            ["Scrm:Auth:ApiKeys:7:Role"] = "community",
            ["Scrm:Auth:ApiKeys:7:Name"] = "agent-7",
            ["Scrm:Access:Reach:community:conversations"] = "All",
        };
        Console.WriteLine($"Inbox benchmark: {conversations:N0} conversations, {(long)conversations * perConversation:N0} messages, {agents} agents (and 10 % unassigned), {samples:N0} samples per query, {Environment.ProcessorCount} cores, SQLite");
        await using var app = new ScrmApp(StorageUnderTest.Sqlite, settings);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", "agent-7-key-0123456789abcdef");
        (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode();

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var seed = Stopwatch.StartNew();
        await SeedAsync(app, conversations, perConversation, agents, now);
        Console.WriteLine($"seeded in {seed.Elapsed.TotalSeconds:N1} s");
        await using (var count = await app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>().CreateDbContextAsync())
        {
            Console.WriteLine($"stored: {await count.Conversations.LongCountAsync():N0} conversations, {await count.Messages.LongCountAsync():N0} messages");
        }

        var queries = app.Services.GetRequiredService<ConversationQueries>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>();
        var random = new Random(7);
        string Agent() => $"agent-{random.Next(agents)}";

        async Task<ConversationPage> Inbox(InboxFilter filter) => await queries.InboxAsync(filter, OwnerScope.All, masked: false, CancellationToken.None);

        var results = new List<(string Name, double[] Ms)>
        {
            await TimeAsync("baseline: primary-key page of 50", samples, async () =>
            {
                await using var db = await contexts.CreateDbContextAsync();
                var from = random.NextInt64(conversations);
                await db.Conversations.AsNoTracking().Where(c => c.Id > from).OrderBy(c => c.Id).Take(51).ToListAsync();
            }),
            await TimeAsync("assignee=me, first page of 50", samples, () => Inbox(new InboxFilter(Agent(), null, null, null, null, null, 50))),
            await TimeAsync("assignee=me&status=open", samples, () => Inbox(new InboxFilter(Agent(), "open", null, null, null, null, 50))),
            await TimeAsync("assignee=me&status=open&intent=complaint&channel=wechat", samples,
                () => Inbox(new InboxFilter(Agent(), "open", "complaint", "wechat", null, null, 50))),
            await TimeAsync("assignee=me&breaching=true", samples, () => Inbox(new InboxFilter(Agent(), null, null, null, true, null, 50))),
            await TimeAsync("assignee=me, pages 2 to 5 by cursor (per page)", samples / 4, async () =>
            {
                var agent = Agent();
                var page = await Inbox(new InboxFilter(agent, null, null, null, null, null, 50));
                for (var p = 0; p < 4 && page.Next is not null; p++)
                {
                    _ = InboxCursor.TryParse(page.Next, out var cursor);
                    page = await Inbox(new InboxFilter(agent, null, null, null, null, cursor, 50));
                }
            }, perCall: 4),
            await TimeAsync("status=open (a team lead's whole open inbox)", samples, () => Inbox(new InboxFilter(null, "open", null, null, null, null, 50))),
            await TimeAsync("one conversation with its messages (the detail's read)", samples, async () =>
            {
                await using var db = await contexts.CreateDbContextAsync();
                var id = 1 + random.NextInt64(conversations);
                await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == id);
                await db.Messages.AsNoTracking().Where(m => m.ConversationId == id).OrderBy(m => m.Id).Take(500).ToListAsync();
            }),
            await TimeAsync("HTTP GET /api/v1/conversations?assignee=me&status=open", samples, async () =>
            {
                using var response = await client.GetAsync("/api/v1/conversations?assignee=me&status=open");
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }),
        };

        foreach (var (name, ms) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-60} p50 {Percentile(ms, 50),7:N2} ms   p95 {Percentile(ms, 95),7:N2} ms   p99 {Percentile(ms, 99),7:N2} ms"));
        }

        Console.WriteLine($"process RSS {LoadDriver.RssMegabytes():N0} MB");
    }

    /// <summary>
    /// Conversations and their messages (<paramref name="perConversation"/> each: the customer's, and replies
    /// after the first) written straight into the module's tables in one transaction; indexes as the migrations made them.
    /// </summary>
    private static async Task SeedAsync(ScrmApp app, int count, int perConversation, int agents, long now)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<CommunityDbContext>>().CreateDbContextAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO community_conversations (thread_key, channel, account, contact, contact_name, status, assignee, team, intent, sentiment, preview,
                opened_at, last_inbound_at, last_message_at, due_at, urgency, messages, version)
            VALUES ($thread, $channel, 'brand', $contact, $name, $status, $assignee, 'care', $intent, 'neutral', $preview, $opened, $inbound, $last, $due, $urgency, $messages, 1)
            """;
        string[] names = ["$thread", "$channel", "$contact", "$name", "$status", "$assignee", "$intent", "$preview", "$opened", "$inbound", "$last", "$due", "$urgency", "$messages"];
        var parameters = names.ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter(n, null)));
        insert.Prepare();
        await using var message = connection.CreateCommand();
        message.Transaction = transaction;
        message.CommandText = """
            INSERT INTO community_messages (conversation_id, source_key, direction, type, text, author, at, intent, sentiment, topics, model, status)
            VALUES ($conversation, $key, $direction, 'text', $text, $author, $at, $intent, $sentiment, $topics, $model, $status)
            """;
        string[] messageNames = ["$conversation", "$key", "$direction", "$text", "$author", "$at", "$intent", "$sentiment", "$topics", "$model", "$status"];
        var m = messageNames.ToDictionary(n => n, n => message.Parameters.Add(new SqliteParameter(n, null)));
        message.Prepare();
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            var channel = Channels[random.Next(Channels.Length)];
            var roll = random.Next(100);
            var status = roll < 20 ? ConversationStatus.Open : roll < 50 ? ConversationStatus.Pending : ConversationStatus.Resolved;
            var opened = now - random.NextInt64(90L * 24 * 3_600_000);
            var last = Math.Min(now, opened + random.NextInt64(3 * 24 * 3_600_000L));
            long? due = status == ConversationStatus.Open ? last + random.NextInt64(1, 8) * 3_600_000 - 6 * 3_600_000 : null;
            var row = new ConversationRow { Status = status, DueAt = due, LastMessageAt = last };
            parameters["$thread"].Value = $"{channel}:brand:c{i}";
            parameters["$channel"].Value = channel;
            parameters["$contact"].Value = $"c{i}";
            parameters["$name"].Value = $"客户{i}";
            parameters["$status"].Value = status;
            parameters["$assignee"].Value = random.Next(10) == 0 ? DBNull.Value : $"agent-{random.Next(agents)}";
            parameters["$intent"].Value = Intents[random.Next(Intents.Length)];
            parameters["$preview"].Value = "请问订单什么时候发货？";
            parameters["$opened"].Value = opened;
            parameters["$inbound"].Value = last;
            parameters["$last"].Value = last;
            parameters["$due"].Value = due is { } d ? d : DBNull.Value;
            parameters["$urgency"].Value = ConversationRules.Urgency(row);
            parameters["$messages"].Value = perConversation;
            await insert.ExecuteNonQueryAsync();
            for (var j = 0; j < perConversation; j++)
            {
                var inbound = j % 2 == 0;
                m["$conversation"].Value = i + 1L;
                m["$key"].Value = inbound ? $"{channel}:brand:c{i}:m{j}" : $"reply:{i + 1}:r{j}";
                m["$direction"].Value = inbound ? "in" : "out";
                m["$text"].Value = inbound ? "请问订单什么时候发货？我等了好几天了" : "您好，已为您查询，预计明天送达。";
                m["$author"].Value = inbound ? DBNull.Value : parameters["$assignee"].Value;
                m["$at"].Value = opened + (last - opened) * j / Math.Max(1, perConversation - 1);
                m["$intent"].Value = inbound ? parameters["$intent"].Value : DBNull.Value;
                m["$sentiment"].Value = inbound ? "neutral" : DBNull.Value;
                m["$topics"].Value = inbound ? "[\"delivery\"]" : DBNull.Value;
                m["$model"].Value = inbound ? "trained-v1" : DBNull.Value;
                m["$status"].Value = inbound ? DBNull.Value : "sent";
                await message.ExecuteNonQueryAsync();
            }
        }

        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<(string, double[])> TimeAsync(string name, int samples, Func<Task> run, int perCall = 1)
    {
        for (var i = 0; i < 20; i++)
        {
            await run();
        }

        var ms = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await run();
            ms[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds / perCall;
        }

        return (name, ms);
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
