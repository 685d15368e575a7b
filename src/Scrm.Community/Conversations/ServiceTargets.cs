using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Scrm.Community.Classification;
using Scrm.Community.Storage;
using Scrm.Customers.Value;
using Scrm.Platform.Text;

namespace Scrm.Community.Conversations;

/// <summary>
/// One row of the service-level table: the first-response and resolution targets, in business
/// minutes, for conversations of this intent, customer value tier and channel. A null key matches
/// any value; a null target means none is owed (spam waits for no one).
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
internal sealed record ServiceTarget(
    string? Intent, string? Tier, string? Channel, int? FirstResponseMinutes, int? ResolutionMinutes, string? Note = null)
{
    /// <summary>How many keys the row names: the more, the more specific.</summary>
    [JsonIgnore]
    public int Keys => (Intent is null ? 0 : 1) + (Tier is null ? 0 : 1) + (Channel is null ? 0 : 1);

    /// <summary>Among rows naming as many keys: intent outweighs tier, tier outweighs channel.</summary>
    [JsonIgnore]
    public int Weight => (Intent is null ? 0 : 4) + (Tier is null ? 0 : 2) + (Channel is null ? 0 : 1);

    public TimeSpan? FirstResponse => FirstResponseMinutes is { } m ? TimeSpan.FromMinutes(m) : null;

    public TimeSpan? Resolution => ResolutionMinutes is { } m ? TimeSpan.FromMinutes(m) : null;

    public bool Matches(string? intent, string? tier, string? channel) =>
        (Intent is null || Intent == intent) && (Tier is null || Tier == tier) && (Channel is null || Channel == channel);
}

/// <summary>
/// The service-level targets per intent × customer value tier × channel. The most specific matching
/// row decides (most keys named; on a tie intent, then tier, then channel); the row naming no key is
/// the default every conversation falls back to. Pure.
/// </summary>
internal sealed record ServiceTargetTable(int Version, IReadOnlyList<ServiceTarget> Targets)
{
    public const int MaxRows = 500;
    public const int MaxMinutes = 60 * 24 * 30;
    public const int MaxNote = 200;

    /// <summary>
    /// The shipped table: complaints and buyers within the hour, questions within two, praise within a
    /// working day; high-value customers twice as fast; a public complaint on Weibo within half an hour.
    /// </summary>
    public static readonly ServiceTargetTable Default = new(0,
    [
        new(null, null, null, 240, 1_440, "默认：4 个工作小时内首次回复，3 个工作日内解决"),
        new("complaint", null, null, 60, 480, "投诉：1 小时内首次回复，1 个工作日内解决"),
        new("purchase", null, null, 60, 480, "购买意向：1 小时内首次回复"),
        new("question", null, null, 120, 960, "咨询：2 小时内首次回复，2 个工作日内解决"),
        new("praise", null, null, 480, 2_400, "表扬：1 个工作日内回复"),
        new("spam", null, null, null, null, "垃圾信息：不计时"),
        new(null, Tiers.HighValue, null, 120, 720, "高价值客户：2 小时内首次回复"),
        new("complaint", Tiers.HighValue, null, 30, 240, "高价值客户投诉：30 分钟内首次回复，半个工作日内解决"),
        new("purchase", Tiers.HighValue, null, 30, 240, "高价值客户购买意向：30 分钟内首次回复"),
        new("question", Tiers.HighValue, null, 60, 480, "高价值客户咨询：1 小时内首次回复"),
        new("complaint", null, "weibo", 30, 480, "微博公开投诉：30 分钟内首次回复"),
        new("complaint", Tiers.HighValue, "weibo", 15, 240, "高价值客户在微博公开投诉：15 分钟内首次回复"),
    ]);

    /// <summary>The row that decides for a conversation of this intent, tier and channel.</summary>
    public ServiceTarget For(string? intent, string? tier, string? channel)
    {
        ServiceTarget? best = null;
        foreach (var row in Targets)
        {
            if (row.Matches(intent, tier, channel) && (best is null || row.Keys > best.Keys || (row.Keys == best.Keys && row.Weight > best.Weight)))
            {
                best = row;
            }
        }

        // A checked table has a default row; an unchecked one still answers.
        return best ?? Default.For(intent, tier, channel);
    }

    /// <summary>What is wrong with an edited table, in the reader's language; empty when it can be used.</summary>
    public IReadOnlyList<UserText> Problems(IReadOnlyList<string> channels)
    {
        var problems = new List<UserText>();
        if (Targets.Count is 0 or > MaxRows)
        {
            problems.Add(Texts.Rows.Filled(MaxRows));
            return problems;
        }

        var seen = new HashSet<(string?, string?, string?)>();
        for (var i = 0; i < Targets.Count; i++)
        {
            if (Targets[i] is not { } t)
            {
                problems.Add(Texts.Empty.Filled(i));
                continue;
            }

            if (t.Intent is not null && !Taxonomy.Intents.All.Contains(t.Intent))
            {
                problems.Add(Texts.Intent.Filled(i, string.Join(", ", Taxonomy.Intents.All)));
            }

            if (t.Tier is not null && !Tiers.Pyramid.Contains(t.Tier))
            {
                problems.Add(Texts.Tier.Filled(i, string.Join(", ", Tiers.Pyramid)));
            }

            if (t.Channel is not null && !channels.Contains(t.Channel))
            {
                problems.Add(Texts.Channel.Filled(i, string.Join(", ", channels)));
            }

            if (t.FirstResponseMinutes is < 1 or > MaxMinutes || t.ResolutionMinutes is < 1 or > MaxMinutes)
            {
                problems.Add(Texts.Minutes.Filled(i, MaxMinutes));
            }
            else if (t.FirstResponseMinutes is { } first && t.ResolutionMinutes is { } resolution && resolution < first)
            {
                problems.Add(Texts.Order.Filled(i));
            }

            if (t.Note is { } note && (note.Length > MaxNote || note.Any(char.IsControl)))
            {
                problems.Add(Texts.Note.Filled(i, MaxNote));
            }

            if (!seen.Add((t.Intent, t.Tier, t.Channel)))
            {
                problems.Add(Texts.Duplicate.Filled(i));
            }
        }

        if (!seen.Contains((null, null, null)))
        {
            problems.Add(Texts.NoDefault);
        }

        return problems;
    }

    private static class Texts
    {
        public static readonly UserText Rows = new("targets 必须有 1 到 {0} 行", "targets must have 1 to {0} rows");
        public static readonly UserText Empty = new("targets[{0}] 为空", "targets[{0}] is empty");
        public static readonly UserText Intent = new("targets[{0}]：intent 必须是 {1} 之一，或不填（任意）", "targets[{0}]: intent must be one of {1}, or absent (any)");
        public static readonly UserText Tier = new("targets[{0}]：tier 必须是 {1} 之一，或不填（任意）", "targets[{0}]: tier must be one of {1}, or absent (any)");
        public static readonly UserText Channel = new("targets[{0}]：channel 必须是 {1} 之一，或不填（任意）", "targets[{0}]: channel must be one of {1}, or absent (any)");
        public static readonly UserText Minutes = new("targets[{0}]：目标为 1 到 {1} 个工作分钟，或不填（不计时）", "targets[{0}]: a target is 1 to {1} business minutes, or absent (none owed)");
        public static readonly UserText Order = new("targets[{0}]：解决时限不能短于首次回复时限", "targets[{0}]: the resolution target cannot be shorter than the first-response target");
        public static readonly UserText Note = new("targets[{0}]：note 最多 {1} 个字符，且不含控制字符", "targets[{0}]: note has at most {1} characters and no control characters");
        public static readonly UserText Duplicate = new("targets[{0}]：与前面某行的 intent、tier、channel 相同", "targets[{0}]: an earlier row has the same intent, tier and channel");
        public static readonly UserText NoDefault = new("需要一行不填 intent、tier、channel 的默认目标", "one row must name no intent, tier or channel: the default");
    }
}

/// <summary>
/// The service-level table in use: the shipped one until an admin replaces it; every replacement is kept
/// as a new version. Each replica keeps the table in memory and, when read through <see cref="FreshAsync"/>,
/// compares its version with the stored one at most every <see cref="RecheckEvery"/> (one read of the
/// highest version number), so a table replaced on another replica is in use here within that time.
/// </summary>
internal sealed class ServiceTargets(IDbContextFactory<CommunityDbContext> contexts, TimeProvider time)
{
    /// <summary>How long a replica may go on with its copy before it looks for a newer version.</summary>
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(5);

    private volatile ServiceTargetTable _current = ServiceTargetTable.Default;
    private long _checkedAt = long.MinValue;

    /// <summary>The table as this replica last read it (no database read).</summary>
    public ServiceTargetTable Current => _current;

    /// <summary>
    /// The table in use, looking for a newer stored version first when this replica last looked more than
    /// <paramref name="maxAge"/> (default <see cref="RecheckEvery"/>) ago.
    /// </summary>
    public async ValueTask<ServiceTargetTable> FreshAsync(CancellationToken cancellationToken, TimeSpan? maxAge = null)
    {
        var checkedAt = Interlocked.Read(ref _checkedAt);
        if (checkedAt != long.MinValue && time.GetElapsedTime(checkedAt) < (maxAge ?? RecheckEvery))
        {
            return _current;
        }

        var started = time.GetTimestamp();
        int latest;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            latest = await db.ServiceTargets.MaxAsync(t => (int?)t.Version, cancellationToken) ?? 0;
        }

        if (latest != _current.Version)
        {
            await LoadAsync(cancellationToken);
        }
        else
        {
            Interlocked.Exchange(ref _checkedAt, started);
        }

        return _current;
    }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ServiceTargets.AsNoTracking().OrderByDescending(t => t.Version).FirstOrDefaultAsync(cancellationToken);
        _current = row is null ? ServiceTargetTable.Default
            : new ServiceTargetTable(row.Version, JsonSerializer.Deserialize<List<ServiceTarget>>(row.Json, JsonSerializerOptions.Web)!);
        Interlocked.Exchange(ref _checkedAt, started);
    }

    /// <summary>Stores <paramref name="targets"/> as the version after <paramref name="version"/>; false when someone else replaced the table meanwhile.</summary>
    public async Task<bool> SetAsync(int version, IReadOnlyList<ServiceTarget> targets, string by, CancellationToken cancellationToken)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var latest = await db.ServiceTargets.MaxAsync(t => (int?)t.Version, cancellationToken) ?? 0;
            if (latest != version)
            {
                await LoadAsync(cancellationToken);
                return false;
            }

            db.ServiceTargets.Add(new ServiceTargetRow
            {
                Version = version + 1,
                Json = JsonSerializer.Serialize(targets, JsonSerializerOptions.Web),
                By = by,
                At = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replacement took the same version first.
                await LoadAsync(cancellationToken);
                return false;
            }
        }

        await LoadAsync(cancellationToken);
        return true;
    }
}
