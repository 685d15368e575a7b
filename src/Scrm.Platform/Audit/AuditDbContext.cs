using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Storage;

namespace Scrm.Platform.Audit;

/// <summary>The audit log's one table. Times are Unix milliseconds.</summary>
public class AuditDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>On SQLite the audit log has a file of its own (<c>audit.db</c>).</summary>
    public const string Store = "audit";

    internal DbSet<AuditRow> Entries => Set<AuditRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Actor).HasMaxLength(128);
            e.Property(x => x.Action).HasMaxLength(64);
            e.Property(x => x.Resource).HasMaxLength(64);
            e.Property(x => x.ResourceId).HasMaxLength(128);
            e.Property(x => x.Detail).HasMaxLength(4000);
            e.Property(x => x.Origin).HasMaxLength(200);
            e.HasIndex(x => x.At);
            e.HasIndex(x => x.Origin).IsUnique();
            e.HasIndex(x => new { x.Resource, x.ResourceId });
            e.HasIndex(x => new { x.Actor, x.Id });
        });
    }
}

internal sealed class AuditRow
{
    public long Id { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Resource { get; set; } = "";
    public string? ResourceId { get; set; }
    public string? Detail { get; set; }

    /// <summary>Where an entry written in a change's own transaction came from (<see cref="AuditOutbox"/>): each arrives once.</summary>
    public string? Origin { get; set; }
}

internal sealed class SqliteAuditDbContext(DbContextOptions<SqliteAuditDbContext> options) : AuditDbContext(options);

internal sealed class PostgresAuditDbContext(DbContextOptions<PostgresAuditDbContext> options) : AuditDbContext(options);

internal sealed class SqliteAuditDesignFactory : IDesignTimeDbContextFactory<SqliteAuditDbContext>
{
    public SqliteAuditDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAuditDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresAuditDesignFactory : IDesignTimeDbContextFactory<PostgresAuditDbContext>
{
    public PostgresAuditDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAuditDbContext>().UseNpgsql("Host=localhost").Options);
}
