using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.Crawler.Storage;

/// <summary>The crawler's own table: what each page answered last time, for conditional requests.</summary>
public class CrawlerDbContext(DbContextOptions options) : DbContext(options)
{
    internal DbSet<CrawledPageRow> Pages => Set<CrawledPageRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CrawledPageRow>(e =>
        {
            e.ToTable("crawler_pages");
            e.HasKey(x => new { x.Site, x.UrlHash });
            e.Property(x => x.Site).HasMaxLength(64);
            e.Property(x => x.UrlHash).HasMaxLength(64);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.ETag).HasColumnName("etag").HasMaxLength(256);
            e.Property(x => x.LastModified).HasMaxLength(64);
        });
    }
}

internal sealed class CrawledPageRow
{
    public string Site { get; set; } = "";

    /// <summary>SHA-256 of the URL, hex: URLs can be longer than an index key should be.</summary>
    public string UrlHash { get; set; } = "";
    public string Url { get; set; } = "";
    public string? ETag { get; set; }
    public string? LastModified { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long FetchedAt { get; set; }
}

public sealed class SqliteCrawlerDbContext(DbContextOptions<SqliteCrawlerDbContext> options) : CrawlerDbContext(options);

public sealed class PostgresCrawlerDbContext(DbContextOptions<PostgresCrawlerDbContext> options) : CrawlerDbContext(options);

internal sealed class SqliteCrawlerDesignFactory : IDesignTimeDbContextFactory<SqliteCrawlerDbContext>
{
    public SqliteCrawlerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCrawlerDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresCrawlerDesignFactory : IDesignTimeDbContextFactory<PostgresCrawlerDbContext>
{
    public PostgresCrawlerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCrawlerDbContext>().UseNpgsql("Host=localhost").Options);
}
