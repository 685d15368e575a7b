using Microsoft.EntityFrameworkCore;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.Sdk.Outbound;

/// <summary>
/// A connector's context with its table of sent idempotency keys. Each connector derives its own
/// context (and table name), so connectors never share tables.
/// </summary>
public abstract class OutboundLedgerDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The connector's table, e.g. <c>wechat_sent_messages</c>.</summary>
    protected abstract string SentMessagesTable { get; }

    internal DbSet<SentMessageRow> SentMessages => Set<SentMessageRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SentMessageRow>(e =>
        {
            e.ToTable(SentMessagesTable);
            e.HasKey(x => x.IdempotencyKey);
            e.Property(x => x.IdempotencyKey).HasMaxLength(300);
            e.Property(x => x.Account).HasMaxLength(64);
            e.Property(x => x.Recipient).HasMaxLength(128);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.ChannelMessageId).HasMaxLength(128);
            e.Property(x => x.Detail).HasMaxLength(500);
        });
    }
}

/// <summary>One idempotency key: claimed before the channel is called, completed after.</summary>
public sealed class SentMessageRow
{
    public string IdempotencyKey { get; set; } = "";
    public string Account { get; set; } = "";
    public string Recipient { get; set; } = "";

    /// <summary><c>sending</c> while the call is under way; then the final <see cref="Contract.SendStatus"/> name.</summary>
    public string Status { get; set; } = "";
    public string? ChannelMessageId { get; set; }
    public int? ErrorCode { get; set; }
    public string? Detail { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long ClaimedAt { get; set; }
    public long? CompletedAt { get; set; }
}
