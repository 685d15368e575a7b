using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Connectors.Weibo.Storage;

/// <summary>The Weibo connector's own tables: how far each account's feeds have been read, and the idempotency keys of replies it sent.</summary>
public class WeiboDbContext(DbContextOptions options) : OutboundLedgerDbContext(options)
{
    protected override string SentMessagesTable => "weibo_sent_messages";

    internal DbSet<WeiboCheckpointRow> Checkpoints => Set<WeiboCheckpointRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<WeiboCheckpointRow>(e =>
        {
            e.ToTable("weibo_checkpoints");
            e.HasKey(x => new { x.Account, x.Feed });
            e.Property(x => x.Account).HasMaxLength(64);
            e.Property(x => x.Feed).HasMaxLength(32);
        });
    }
}

/// <summary>The highest id read from one feed: the next poll asks for newer ones only.</summary>
internal sealed class WeiboCheckpointRow
{
    public string Account { get; set; } = "";
    public string Feed { get; set; } = "";
    public long SinceId { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long UpdatedAt { get; set; }
}

public sealed class SqliteWeiboDbContext(DbContextOptions<SqliteWeiboDbContext> options) : WeiboDbContext(options);

public sealed class PostgresWeiboDbContext(DbContextOptions<PostgresWeiboDbContext> options) : WeiboDbContext(options);

internal sealed class SqliteWeiboDesignFactory : IDesignTimeDbContextFactory<SqliteWeiboDbContext>
{
    public SqliteWeiboDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWeiboDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresWeiboDesignFactory : IDesignTimeDbContextFactory<PostgresWeiboDbContext>
{
    public PostgresWeiboDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWeiboDbContext>().UseNpgsql("Host=localhost").Options);
}
