using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Connectors.WeCom.Storage;

/// <summary>The WeCom connector's own tables: sent idempotency keys and mass messages per customer per month.</summary>
public class WeComDbContext(DbContextOptions options) : OutboundLedgerDbContext(options)
{
    public const string MassSendCountsTable = "wecom_mass_send_counts";

    protected override string SentMessagesTable => "wecom_sent_messages";

    internal DbSet<MassSendCountRow> MassSendCounts => Set<MassSendCountRow>();

    internal DbSet<KfCursorRow> KfCursors => Set<KfCursorRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<MassSendCountRow>(e =>
        {
            e.ToTable(MassSendCountsTable);
            e.HasKey(x => new { x.Account, x.ExternalUserId, x.Month });
            e.Property(x => x.Account).HasMaxLength(64);
            e.Property(x => x.ExternalUserId).HasMaxLength(128);
            e.Property(x => x.Month).HasMaxLength(7);
        });
        modelBuilder.Entity<KfCursorRow>(e =>
        {
            e.ToTable("wecom_kf_cursors");
            e.HasKey(x => new { x.Account, x.OpenKfId });
            e.Property(x => x.Account).HasMaxLength(64);
            e.Property(x => x.OpenKfId).HasColumnName("open_kfid").HasMaxLength(128);
            e.Property(x => x.Cursor).HasMaxLength(256);
        });
    }
}

/// <summary>How many mass messages one customer received from the corporation in one month (<c>yyyy-MM</c>, China time).</summary>
internal sealed class MassSendCountRow
{
    public string Account { get; set; } = "";
    public string ExternalUserId { get; set; } = "";
    public string Month { get; set; } = "";
    public int Count { get; set; }
}

/// <summary>How far <c>kf/sync_msg</c> has read one customer-service account's messages: the next pull starts at <see cref="Cursor"/>.</summary>
internal sealed class KfCursorRow
{
    public string Account { get; set; } = "";
    public string OpenKfId { get; set; } = "";
    public string Cursor { get; set; } = "";

    /// <summary>Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }
}

public sealed class SqliteWeComDbContext(DbContextOptions<SqliteWeComDbContext> options) : WeComDbContext(options);

public sealed class PostgresWeComDbContext(DbContextOptions<PostgresWeComDbContext> options) : WeComDbContext(options);

internal sealed class SqliteWeComDesignFactory : IDesignTimeDbContextFactory<SqliteWeComDbContext>
{
    public SqliteWeComDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWeComDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresWeComDesignFactory : IDesignTimeDbContextFactory<PostgresWeComDbContext>
{
    public PostgresWeComDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWeComDbContext>().UseNpgsql("Host=localhost").Options);
}
