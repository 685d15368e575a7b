using System.Data.Common;
using System.Text.Json.Nodes;
using Scrm.Platform.Storage;

namespace Scrm.Testing;

/// <summary>
/// What became of leads, read straight from each module's store with plain SQL (SQLite files or
/// the PostgreSQL database), so a crash test or a soak can check a host it killed.
/// </summary>
public sealed class LeadAudit : IAsyncDisposable
{
    private readonly ScrmDatabase _database;

    public LeadAudit(StorageUnderTest storage, string dataDirectory) =>
        _database = new ScrmDatabase(new StorageOptions
        {
            Provider = storage.Provider == "Postgres" ? StorageProvider.Postgres : StorageProvider.Sqlite,
            ConnectionString = storage.ConnectionString,
            DataDirectory = dataDirectory,
        });

    /// <summary>Every lead with its routing record, and the journal item positions that made or touched it.</summary>
    public async Task<IReadOnlyList<AuditedLead>> LeadsAsync()
    {
        var leads = new Dictionary<long, AuditedLead>();
        await using var connection = await _database.Store("leads").OpenConnectionAsync(CancellationToken.None);
        foreach (var row in await RowsAsync(connection, "SELECT id, name, owner, pooled, stage FROM leads"))
        {
            leads[Convert.ToInt64(row[0])] = new AuditedLead(Convert.ToInt64(row[0]), row[1] as string, row[2] as string, Convert.ToBoolean(row[3]), (string)row[4]!);
        }

        foreach (var row in await RowsAsync(connection, "SELECT lead_id, kind FROM lead_assignments"))
        {
            if (leads.TryGetValue(Convert.ToInt64(row[0]), out var lead))
            {
                lead.AssignmentKinds.Add((string)row[1]!);
            }
        }

        foreach (var row in await RowsAsync(connection, "SELECT lead_id, kind FROM lead_notifications WHERE lead_id IS NOT NULL"))
        {
            if (leads.TryGetValue(Convert.ToInt64(row[0]), out var lead))
            {
                lead.NotificationKinds.Add((string)row[1]!);
            }
        }

        foreach (var row in await RowsAsync(connection, "SELECT lead_id FROM lead_follow_ups"))
        {
            if (leads.TryGetValue(Convert.ToInt64(row[0]), out var lead))
            {
                lead.FollowUps++;
            }
        }

        foreach (var row in await RowsAsync(connection, "SELECT lead_id, source_key FROM lead_touches"))
        {
            if (leads.TryGetValue(Convert.ToInt64(row[0]), out var lead) && ((string)row[1]!).StartsWith("journal:", StringComparison.Ordinal))
            {
                lead.JournalPositions.Add(long.Parse(((string)row[1]!)["journal:".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return [.. leads.Values.OrderBy(l => l.Id)];
    }

    /// <summary>One lead's outcome, found by its name, with its customer's owner and its workflow's steps; null while no such lead exists.</summary>
    public async Task<LeadOutcome?> OutcomeAsync(string name)
    {
        var matching = (await LeadsAsync()).Where(l => l.Name == name).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        var instance = await CreatingInstanceAsync(matching[0].Id);
        // Read the lead again after its workflow: an instance seen ended has every effect of its steps committed before.
        matching = [.. (await LeadsAsync()).Where(l => l.Name == name)];
        var lead = matching[0];
        string? customerKey;
        await using (var leads = await _database.Store("leads").OpenConnectionAsync(CancellationToken.None))
        {
            customerKey = (await RowsAsync(leads, $"SELECT customer_key FROM leads WHERE id = {lead.Id}"))[0][0] as string;
        }

        string? customerOwner = null;
        if (customerKey?.StartsWith("customer:", StringComparison.Ordinal) == true)
        {
            await using var customers = await _database.OpenConnectionAsync(CancellationToken.None);
            customerOwner = (await RowsAsync(customers, $"SELECT owner_id FROM customers WHERE lower(CAST(id AS TEXT)) = '{customerKey["customer:".Length..].ToLowerInvariant()}'"))
                .Select(r => r[0] as string).FirstOrDefault();
        }

        var timers = 0;
        if (instance is not null)
        {
            await using var scheduler = await _database.Store("scheduler").OpenConnectionAsync(CancellationToken.None);
            timers = Convert.ToInt32((await RowsAsync(scheduler,
                $"SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_group = 'workflow-timers' AND trigger_name LIKE '{instance.Value.Id}:%'"))[0][0]);
        }

        return new LeadOutcome(lead.Id, instance?.Id, new LeadShape(
            matching.Count, lead.Owner, lead.Pooled, string.Join(",", lead.AssignmentKinds.Order()), string.Join(",", lead.NotificationKinds.Order()),
            lead.FollowUps, customerOwner, instance?.Status, instance?.Steps, timers), instance?.Log);
    }

    /// <summary>The workflow instance that worked on the lead (correlated to it), its status and its steps as logged: "activity:status:outcome", in order.</summary>
    private async Task<(string Id, string Status, string Steps, string Log)?> CreatingInstanceAsync(long leadId)
    {
        await using var connection = await _database.Store("workflows").OpenConnectionAsync(CancellationToken.None);
        var rows = await RowsAsync(connection, $"SELECT id, status, state FROM workflow_instances WHERE correlation_id = 'lead:{leadId}' ORDER BY created_at");
        if (rows.Count == 0)
        {
            return null;
        }

        var id = (string)rows[0][0]!;
        var steps = new List<string>();
        var outputs = new List<string>();
        var logs = (await RowsAsync(connection, $"SELECT records FROM workflow_log WHERE instance_id = '{id}' ORDER BY seq"))
            .Select(log => Scrm.Workflows.Storage.StoredJson.Decode(log[0]!))
            // A finished instance's last burst may be stored with its state.
            .Append(Scrm.Workflows.Storage.StoredJson.DecodeWithLog(rows[0][2]!).Log)
            .OfType<string>();
        foreach (var log in logs)
        {
            foreach (var record in JsonNode.Parse(log)!.AsArray())
            {
                steps.Add($"{record!["activityId"]}:{record["status"]}:{record["outcome"]}");
                outputs.Add($"{record["activityId"]} {record["startedAt"]} {record["outputs"]?.ToJsonString()}");
            }
        }

        return (id, (string)rows[0][1]!, string.Join(" ", steps), string.Join("\n", outputs));
    }

    /// <summary>Timer bookmarks in the workflow store and workflow timer triggers in the scheduler's: after any crash the two must match.</summary>
    public async Task<(long Bookmarks, long Triggers)> TimerCountsAsync()
    {
        await using var workflows = await _database.Store("workflows").OpenConnectionAsync(CancellationToken.None);
        var bookmarks = Convert.ToInt64((await RowsAsync(workflows, "SELECT COUNT(*) FROM workflow_bookmarks WHERE due_at IS NOT NULL"))[0][0]);
        await using var scheduler = await _database.Store("scheduler").OpenConnectionAsync(CancellationToken.None);
        var triggers = Convert.ToInt64((await RowsAsync(scheduler, "SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_group = 'workflow-timers'"))[0][0]);
        return (bookmarks, triggers);
    }

    /// <summary>Each journal consumer's lease holder (null when none).</summary>
    public async Task<Dictionary<string, string?>> LeaseOwnersAsync()
    {
        await using var journal = await _database.Store("journal").OpenConnectionAsync(CancellationToken.None);
        return (await RowsAsync(journal, "SELECT consumer, lease_owner FROM journal_checkpoints")).ToDictionary(r => (string)r[0]!, r => r[1] as string);
    }

    /// <summary>Plays a replica that died holding a journal consumer: its lease row names it and runs for <paramref name="lease"/> more.</summary>
    public async Task HoldConsumerLeaseAsync(string consumer, string replica, TimeSpan lease)
    {
        await using var journal = await _database.Store("journal").OpenConnectionAsync(CancellationToken.None);
        await using var command = journal.CreateCommand();
        command.CommandText = $"UPDATE journal_checkpoints SET lease_owner = '{replica}', lease_until = {DateTimeOffset.UtcNow.Add(lease).ToUnixTimeMilliseconds()} WHERE consumer = '{consumer}'";
        Xunit.Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<List<object?[]>> RowsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}

/// <summary>A lead as the audit sees it.</summary>
public sealed record AuditedLead(long Id, string? Name, string? Owner, bool Pooled, string Stage)
{
    public List<string> AssignmentKinds { get; } = [];

    public List<string> NotificationKinds { get; } = [];

    public List<long> JournalPositions { get; } = [];

    public int FollowUps { get; set; }

    /// <summary>Routed exactly once: one owner or the pool, one routing record, and an owner notified once.</summary>
    public bool RoutedOnce =>
        AssignmentKinds.Count(k => k is "routed" or "pooled") == 1
        && (Owner is not null ? NotificationKinds.Count(k => k == "new-lead") == 1 : Pooled);
}

/// <summary>A lead's outcome without its ids: two leads that went the same way have equal shapes.</summary>
public sealed record LeadShape(
    int LeadsWithName,
    string? Owner,
    bool Pooled,
    string Assignments,
    string Notifications,
    int FollowUps,
    string? CustomerOwner,
    string? InstanceStatus,
    string? Steps,
    int TimersLeft);

/// <param name="Log">The instance's log, a line per step with its outputs: what a failing test shows.</param>
public sealed record LeadOutcome(long LeadId, string? InstanceId, LeadShape Shape, string? Log = null);
