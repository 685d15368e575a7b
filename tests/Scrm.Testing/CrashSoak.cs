using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Scrm.Testing;

/// <summary>
/// Hard kills (SIGKILL of a child host, no crash points) under mixed load: clients post leads and
/// Weibo mentions, some with buying intent, while the host is killed once during the load, once
/// again while it catches up after a restart under more load, and once more while it works off the
/// backlog alone. Afterwards every acknowledged lead and every acknowledged mention with intent
/// must have made exactly one lead, routed exactly once.
/// </summary>
public sealed class CrashSoak(StorageUnderTest storage, CrashSoak.Options options)
{
    public sealed record Options(int Clients = 6, TimeSpan? LoadBefore = null, TimeSpan? LoadAfter = null, TimeSpan? CatchUpKillAfter = null, int Seed = 1)
    {
        public TimeSpan BeforeFirstKill => LoadBefore ?? TimeSpan.FromSeconds(4);

        public TimeSpan AfterFirstKill => LoadAfter ?? TimeSpan.FromSeconds(3);

        /// <summary>How long after the second start (the backlog still being worked) the second kill comes.</summary>
        public TimeSpan CatchUpKill => CatchUpKillAfter ?? TimeSpan.FromMilliseconds(600);
    }

    /// <summary>One run's counts.</summary>
    /// <param name="Unrouted">Leads in the store with no owner that are not pooled: made by acknowledged items or by items committed but never answered.</param>
    /// <param name="RoutedTwice">Leads in the store with more than one routing record or new-lead notification.</param>
    /// <param name="Kept">The data folder of a run with a miss, kept for a look, and the last host's last lines of output.</param>
    public sealed record Result(int Kills, int AcknowledgedLeads, int AcknowledgedMentions, int WithIntent, int Leads, int RoutedOnce, int Unrouted, int RoutedTwice, int Missing, int DeadLetters, TimeSpan Took, bool Settled = true, string? Kept = null, string? Output = null)
    {
        public bool Clean => Unrouted == 0 && RoutedTwice == 0 && Missing == 0 && DeadLetters == 0 && RoutedOnce == AcknowledgedLeads + WithIntent;

        public override string ToString() =>
            $"kills {Kills}, acknowledged {AcknowledgedLeads} leads + {AcknowledgedMentions} mentions ({WithIntent} with intent): " +
            $"{Leads} leads, routed once {RoutedOnce}, unrouted {Unrouted}, routed twice {RoutedTwice}, missing {Missing}, dead letters {DeadLetters} ({Took.TotalSeconds:N1} s)" +
            (Settled ? "" : $"; counted after {Patience.TotalSeconds:N0} s without progress") +
            (Kept is null ? "" : $"; data kept in {Kept}; the host said:\n{Output}");
    }

    /// <summary>How long the count waits for the routed leads to grow before it counts what it has.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private sealed record Sent(string Kind, long Position, bool Intent);

    // Every lead a new customer: a phone number of its own.
    private int _phones = options.Seed * 1_000_000;

    public static Dictionary<string, string> Settings() => new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Scrm:Journal:ConsumerPollInterval"] = "00:00:00.100",
        // The killed process's instance leases (PostgreSQL) lapse quickly.
        ["Scrm:Workflows:InstanceLease"] = "00:00:03",
        ["Scrm:Leads:Teams:0:Name"] = "sales",
        ["Scrm:Leads:Teams:0:TeamLead"] = "boss",
        ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-1",
        ["Scrm:Leads:Teams:0:Reps:1:Id"] = "rep-2",
        ["Scrm:Leads:Teams:0:Reps:2:Id"] = "rep-3",
        ["Scrm:Leads:Teams:0:Reps:0:Capacity"] = "1000000",
        ["Scrm:Leads:Teams:0:Reps:1:Capacity"] = "1000000",
        ["Scrm:Leads:Teams:0:Reps:2:Capacity"] = "1000000",
        ["Scrm:Leads:DefaultTeam"] = "sales",
    };

    public async Task<Result> RunAsync(CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        var data = new TempDirectory("scrm-soak");
        Result? result = null;
        var keep = false;
        var sent = new ConcurrentBag<Sent>();
        var host = await ChildHost.StartAsync(storage, data.Path, Settings());
        try
        {
            // 1. Killed during the load; 2. restarted, loaded again while it catches up, killed again.
            foreach (var load in new[] { options.BeforeFirstKill, options.AfterFirstKill })
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var clients = StartClients(host, sent, stop.Token);
                await Task.Delay(load, cancellationToken);
                host.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(clients);
                await host.DisposeAsync();
                host = await ChildHost.StartAsync(storage, data.Path, Settings());
            }

            // 3. Killed while it works off the backlog, with no new load.
            await Task.Delay(options.CatchUpKill, cancellationToken);
            host.Kill();
            await host.DisposeAsync();

            // A last start works off everything; then count.
            host = await ChildHost.StartAsync(storage, data.Path, Settings());
            result = await SettleAndCountAsync(host, data.Path, [.. sent], took, cancellationToken);
            return result.Clean ? result : result with { Kept = data.Path, Output = host.Output };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A host that stopped answering: what it wrote is the only clue, and the data stays for a look.
            keep = true;
            throw new InvalidOperationException($"The soak failed after {took.Elapsed.TotalSeconds:N0} s; data kept in {data.Path}; the last host said:\n{host.OutputTail()}", e);
        }
        finally
        {
            await host.DisposeAsync();
            if (result is not { Clean: false } && !keep)
            {
                data.Dispose();
            }
        }
    }

    private Task[] StartClients(ChildHost host, ConcurrentBag<Sent> sent, CancellationToken stop) =>
        [.. Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
        {
            using var client = host.ClientFor("ingest");
            var random = new Random(HashCode.Combine(options.Seed, c, host.ProcessId));
            while (!stop.IsCancellationRequested)
            {
                var mention = random.Next(3) == 0;
                var count = random.Next(1, 6);
                var intent = new bool[count];
                var body = new StringBuilder("[");
                for (var i = 0; i < count; i++)
                {
                    var id = Guid.NewGuid().ToString("N");
                    intent[i] = random.Next(2) == 0;
                    body.Append(i > 0 ? "," : "").Append(mention
                        ? $$"""{"source":"weibo","externalId":"{{id}}","author":{"id":"fan-{{id}}","name":"粉丝"},"text":"{{(intent[i] ? "请问企业版多少钱？" : "今天天气不错")}}"}"""
                        : $$"""{"name":"客户","phone":"+86 139 {{Interlocked.Increment(ref _phones):D8}}","company":"公司{{id[..6]}}","message":"想了解价格","externalId":"{{id}}"}""");
                }

                try
                {
                    using var response = await client.PostAsync(mention ? "/api/v1/mentions" : "/api/v1/ingest/leads", new StringContent(body.Append(']').ToString(), Encoding.UTF8, "application/json"), stop);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        continue;
                    }

                    var items = (await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("items");
                    for (var i = 0; i < count; i++)
                    {
                        var item = items[i];
                        if (item.GetProperty("status").GetString() == "accepted")
                        {
                            sent.Add(new Sent(mention ? "mention" : "lead", item.GetProperty("position").GetInt64(), !mention || intent[i]));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Killed mid-request: not acknowledged, so no promise was made.
                    return;
                }
                catch (OperationCanceledException)
                {
                    // The load is over.
                }
            }
        }, CancellationToken.None))];

    /// <summary>Waits until the workflows have caught up and every lead is settled (or nothing changes for a while), then counts.</summary>
    private async Task<Result> SettleAndCountAsync(ChildHost host, string dataDirectory, Sent[] sent, Stopwatch took, CancellationToken cancellationToken)
    {
        await using var audit = new LeadAudit(storage, dataDirectory);
        var expected = sent.Where(s => s.Intent).Select(s => s.Position).ToHashSet();
        IReadOnlyList<AuditedLead> leads = [];
        var lastChange = Stopwatch.StartNew();
        var lastSeen = (Leads: -1, Routed: -1);
        // Patience is measured from the last progress: on a starved machine a host can stall for tens of seconds.
        var settled = false;
        while (lastChange.Elapsed < Patience)
        {
            leads = await audit.LeadsAsync();
            var routed = leads.Count(l => l.RoutedOnce);
            // Every lead routed, the ones made by items the host committed but never answered too.
            if (routed == leads.Count && leads.Sum(l => l.JournalPositions.Count(expected.Contains)) >= expected.Count)
            {
                settled = true;
                break;
            }

            if ((leads.Count, routed) != lastSeen)
            {
                lastSeen = (leads.Count, routed);
                lastChange.Restart();
            }

            await Task.Delay(250, cancellationToken);
        }

        using var admin = host.ClientFor("admin");
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/v1/journal/stats", cancellationToken);
        var deadLetters = stats.GetProperty("consumers").EnumerateArray().Sum(c => c.GetProperty("deadLetters").GetInt32());
        var byPosition = leads.SelectMany(l => l.JournalPositions.Select(p => (Position: p, Lead: l))).ToDictionary(x => x.Position, x => x.Lead);
        return new Result(
            3,
            sent.Count(s => s.Kind == "lead"),
            sent.Count(s => s.Kind == "mention"),
            sent.Count(s => s.Kind == "mention" && s.Intent),
            leads.Count,
            expected.Count(p => byPosition.TryGetValue(p, out var l) && l.RoutedOnce),
            leads.Count(l => l.AssignmentKinds.Count == 0 && !l.Pooled),
            leads.Count(l => l.AssignmentKinds.Count > 1 || l.NotificationKinds.Count(k => k == "new-lead") > 1),
            expected.Count(p => !byPosition.ContainsKey(p)),
            deadLetters,
            took.Elapsed,
            settled);
    }
}
