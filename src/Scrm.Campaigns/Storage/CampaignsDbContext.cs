using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Connectors.Sdk.Outbound;

namespace Scrm.Campaigns.Storage;

/// <summary>The campaigns module's tables. Times are Unix milliseconds. The SMS and e-mail senders keep their sent keys here.</summary>
internal class CampaignsDbContext(DbContextOptions options) : OutboundLedgerDbContext(options)
{
    /// <summary>On SQLite the campaigns module has a file of its own (<c>campaigns.db</c>).</summary>
    public const string Store = "campaigns";

    internal DbSet<SegmentRow> Segments => Set<SegmentRow>();

    internal DbSet<CampaignRow> Campaigns => Set<CampaignRow>();

    internal DbSet<RecipientRow> Recipients => Set<RecipientRow>();

    internal DbSet<ContactRow> Contacts => Set<ContactRow>();

    internal DbSet<UnsubscribeRow> Unsubscribes => Set<UnsubscribeRow>();

    internal DbSet<ClickRow> Clicks => Set<ClickRow>();

    internal DbSet<CostRow> Costs => Set<CostRow>();

    internal DbSet<SegmentMemberRow> SegmentMembers => Set<SegmentMemberRow>();

    internal DbSet<SegmentChangeRow> SegmentChanges => Set<SegmentChangeRow>();

    protected override string SentMessagesTable => "campaign_sent_messages";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        CampaignTables.Map(modelBuilder);
        modelBuilder.Entity<SegmentRow>(e =>
        {
            e.ToTable("campaign_segments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Name).HasMaxLength(SegmentRow.NameLength);
            e.Property(x => x.Description).HasMaxLength(SegmentRow.DescriptionLength);
            e.Property(x => x.CreatedBy).HasMaxLength(128);
            e.Property(x => x.UpdatedBy).HasMaxLength(128);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.Name);
        });
    }
}

internal sealed class SqliteCampaignsDbContext(DbContextOptions<SqliteCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class PostgresCampaignsDbContext(DbContextOptions<PostgresCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class SqliteCampaignsDesignFactory : IDesignTimeDbContextFactory<SqliteCampaignsDbContext>
{
    public SqliteCampaignsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCampaignsDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresCampaignsDesignFactory : IDesignTimeDbContextFactory<PostgresCampaignsDbContext>
{
    public PostgresCampaignsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCampaignsDbContext>().UseNpgsql("Host=localhost").Options);
}

/// <summary>A saved segment: its name and rule tree (the JSON as the marketer saved it, after validation).</summary>
internal sealed class SegmentRow
{
    public const int NameLength = 200;
    public const int DescriptionLength = 2_000;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Rule { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public long UpdatedAt { get; set; }

    /// <summary>Bumped on every change; an update that names an older version is refused (409).</summary>
    public int Version { get; set; }

    /// <summary>When the segment watch first took its members (null: not yet); who is in it then entered nothing.</summary>
    public long? MembersAt { get; set; }
}
