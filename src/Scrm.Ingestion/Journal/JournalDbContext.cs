using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Storage;

namespace Scrm.Ingestion.Journal;

/// <summary>The journal's tables. Times are Unix milliseconds so both providers order and compare them alike.</summary>
public class JournalDbContext(DbContextOptions options) : DbContext(options)
{
    internal DbSet<JournalRow> Items => Set<JournalRow>();

    internal DbSet<CheckpointRow> Checkpoints => Set<CheckpointRow>();

    internal DbSet<CounterRow> Counters => Set<CounterRow>();

    internal DbSet<DeadLetterRow> DeadLetters => Set<DeadLetterRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<JournalRow>(e =>
        {
            e.ToTable("journal_items");
            e.HasKey(x => x.Position);
            e.Property(x => x.Position).ValueGeneratedOnAdd();
            e.Property(x => x.IdempotencyKey).HasMaxLength(600);
            e.Property(x => x.DedupKey).HasMaxLength(600);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Channel).HasMaxLength(64);
            e.Property(x => x.Account).HasMaxLength(128);
            e.HasIndex(x => x.IdempotencyKey).IsUnique().HasDatabaseName("ux_journal_items_idempotency_key");
            e.HasIndex(x => x.DedupKey).HasFilter("dedup_key IS NOT NULL").HasDatabaseName("ix_journal_items_dedup_key");
        });
        modelBuilder.Entity<CheckpointRow>(e =>
        {
            e.ToTable("journal_checkpoints");
            e.HasKey(x => x.Consumer);
            e.Property(x => x.Consumer).HasMaxLength(128);
            e.Property(x => x.LeaseOwner).HasMaxLength(128);
        });
        modelBuilder.Entity<CounterRow>(e =>
        {
            e.ToTable("journal_counters");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.HasData(new CounterRow { Name = JournalCounters.Appended }, new CounterRow { Name = JournalCounters.Duplicates });
        });
        modelBuilder.Entity<DeadLetterRow>(e =>
        {
            e.ToTable("journal_dead_letters");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Consumer).HasMaxLength(128);
            e.Property(x => x.Error).HasMaxLength(2000);
            e.HasIndex(x => new { x.Consumer, x.Position }).IsUnique();
        });
    }
}

internal sealed class SqliteJournalDbContext(DbContextOptions<SqliteJournalDbContext> options) : JournalDbContext(options);

internal sealed class PostgresJournalDbContext(DbContextOptions<PostgresJournalDbContext> options) : JournalDbContext(options);

internal sealed class SqliteJournalDesignFactory : IDesignTimeDbContextFactory<SqliteJournalDbContext>
{
    public SqliteJournalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteJournalDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresJournalDesignFactory : IDesignTimeDbContextFactory<PostgresJournalDbContext>
{
    public PostgresJournalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresJournalDbContext>().UseNpgsql("Host=localhost").Options);
}

internal sealed class JournalRow
{
    public long Position { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public string? DedupKey { get; set; }
    public string Kind { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Account { get; set; } = "";
    public long OccurredAt { get; set; }
    public long ReceivedAt { get; set; }
    public string Payload { get; set; } = "";
}

internal sealed class CheckpointRow
{
    public string Consumer { get; set; } = "";
    public long Position { get; set; }
    public string? LeaseOwner { get; set; }
    public long LeaseUntil { get; set; }
    public long UpdatedAt { get; set; }
}

internal sealed class CounterRow
{
    public string Name { get; set; } = "";
    public long Value { get; set; }
}

internal sealed class DeadLetterRow
{
    public long Id { get; set; }
    public string Consumer { get; set; } = "";
    public long Position { get; set; }
    public string Error { get; set; } = "";
    public long FailedAt { get; set; }
}

internal static class JournalCounters
{
    public const string Appended = "appended";
    public const string Duplicates = "duplicates";

    /// <summary>Retention's progress: positions up to here have had their payloads cleared.</summary>
    public const string PayloadsClearedThrough = "payloads_cleared_through";

    /// <summary>Retention's progress: positions up to here have been deleted.</summary>
    public const string RowsDeletedThrough = "rows_deleted_through";
}
