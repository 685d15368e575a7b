using Microsoft.EntityFrameworkCore;

namespace Scrm.Campaigns.Storage;

/// <summary>Campaigns, their recipients, the per-customer contact ledger and unsubscribes.</summary>
internal static class CampaignTables
{
    public static void Map(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CampaignRow>(e =>
        {
            e.ToTable("campaigns");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Name).HasMaxLength(CampaignRow.NameLength);
            e.Property(x => x.Status).HasMaxLength(32);
            e.Property(x => x.CreatedBy).HasMaxLength(128);
            e.Property(x => x.UpdatedBy).HasMaxLength(128);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.Status);
        });
        modelBuilder.Entity<RecipientRow>(e =>
        {
            e.ToTable("campaign_recipients");
            e.HasKey(x => new { x.CampaignId, x.CustomerId });
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.Account).HasMaxLength(64);
            e.Property(x => x.Address).HasMaxLength(256);
            e.Property(x => x.Reason).HasMaxLength(32);
            e.Property(x => x.Detail).HasMaxLength(500);
            e.Property(x => x.ChannelMessageId).HasMaxLength(128);
            e.Property(x => x.Variant).HasMaxLength(32);
            e.HasIndex(x => new { x.CampaignId, x.Status, x.CustomerId });
        });
        modelBuilder.Entity<ContactRow>(e =>
        {
            e.ToTable("campaign_contacts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Channel).HasMaxLength(32);
            e.HasIndex(x => new { x.CustomerId, x.At });
            // One marketing message per customer per campaign, whatever runs the send.
            e.HasIndex(x => new { x.CampaignId, x.CustomerId }).IsUnique();
        });
        modelBuilder.Entity<ClickRow>(e =>
        {
            e.ToTable("campaign_clicks");
            e.HasKey(x => new { x.CampaignId, x.CustomerId });
            e.Property(x => x.Channel).HasMaxLength(32);
        });
        modelBuilder.Entity<CostRow>(e =>
        {
            e.ToTable("campaign_costs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Channel).HasMaxLength(32);
            e.Property(x => x.Note).HasMaxLength(CostRow.NoteLength);
            e.Property(x => x.CreatedBy).HasMaxLength(128);
            e.HasIndex(x => x.CampaignId);
        });
        modelBuilder.Entity<SegmentMemberRow>(e =>
        {
            e.ToTable("segment_members");
            e.HasKey(x => new { x.SegmentId, x.CustomerId });
        });
        modelBuilder.Entity<SegmentChangeRow>(e =>
        {
            e.ToTable("segment_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedOnAdd();
            e.Property(x => x.Kind).HasMaxLength(16);
        });
        modelBuilder.Entity<UnsubscribeRow>(e =>
        {
            e.ToTable("campaign_unsubscribes");
            e.HasKey(x => new { x.CustomerId, x.Channel });
            e.Property(x => x.Channel).HasMaxLength(32);
        });
    }
}

/// <summary>A campaign: the segment it sends to, its plan (channels in order with content, quiet hours) as JSON, and where it stands.</summary>
internal sealed class CampaignRow
{
    public const int NameLength = 200;

    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public Guid SegmentId { get; set; }
    public string Plan { get; set; } = "";

    /// <summary><see cref="Sending.CampaignStatus"/>.</summary>
    public string Status { get; set; } = "";
    public long? ScheduledAt { get; set; }
    public long? StartedAt { get; set; }
    public long? FinishedAt { get; set; }

    /// <summary>How many recipients the start materialised.</summary>
    public int? Audience { get; set; }
    public string CreatedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    public long UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>The A/B test's winner decision (JSON), once made.</summary>
    public string? Decision { get; set; }
}

/// <summary>One customer of a started campaign (the segment's members when it started) and what became of them.</summary>
internal sealed class RecipientRow
{
    public Guid CampaignId { get; set; }
    public Guid CustomerId { get; set; }

    /// <summary><see cref="Sending.RecipientStatus"/>.</summary>
    public string Status { get; set; } = "";
    public string? Channel { get; set; }
    public string? Account { get; set; }

    /// <summary>The channel's id for the customer (OpenID, external user id, phone, e-mail).</summary>
    public string? Address { get; set; }

    /// <summary>Part of the idempotency key: campaign × recipient × step.</summary>
    public int Step { get; set; }

    /// <summary>Why held back or failed (<see cref="Sending.HoldReason"/> or a send status).</summary>
    public string? Reason { get; set; }
    public string? Detail { get; set; }
    public string? ChannelMessageId { get; set; }
    public int Attempts { get; set; }
    public long? NextAttemptAt { get; set; }
    public long? ClaimedAt { get; set; }
    public long? DoneAt { get; set; }

    /// <summary>The A/B variant the recipient was assigned, <see cref="Sending.Split.Holdout"/>, or null without variants.</summary>
    public string? Variant { get; set; }
}

/// <summary>A marketing message claimed for a customer: the frequency cap counts these across campaigns and channels.</summary>
internal sealed class ContactRow
{
    public long Id { get; set; }
    public Guid CustomerId { get; set; }
    public Guid CampaignId { get; set; }
    public string Channel { get; set; } = "";
    public long At { get; set; }
}

/// <summary>A customer who asked for no more marketing on a channel (<c>*</c>: on any channel).</summary>
internal sealed class UnsubscribeRow
{
    public Guid CustomerId { get; set; }
    public string Channel { get; set; } = "";
    public Guid? CampaignId { get; set; }
    public long At { get; set; }
}

/// <summary>A recipient's first click on a campaign's tracked link.</summary>
internal sealed class ClickRow
{
    public Guid CampaignId { get; set; }
    public Guid CustomerId { get; set; }
    public string Channel { get; set; } = "";
    public long At { get; set; }
}

/// <summary>A cost a marketer entered for a campaign (in fen, CNY), optionally for one channel.</summary>
internal sealed class CostRow
{
    public const int NoteLength = 500;

    public long Id { get; set; }
    public Guid CampaignId { get; set; }
    public long Fen { get; set; }
    public string Currency { get; set; } = "CNY";
    public string? Channel { get; set; }
    public string? Note { get; set; }
    public string CreatedBy { get; set; } = "";
    public long At { get; set; }
}

/// <summary>A customer in a saved segment, since when (the segment watch keeps these).</summary>
internal sealed class SegmentMemberRow
{
    public Guid SegmentId { get; set; }
    public Guid CustomerId { get; set; }
    public long EnteredAt { get; set; }
}

/// <summary>A customer entered or left a saved segment; kept until the workflow engine has been told.</summary>
internal sealed class SegmentChangeRow
{
    public long Id { get; set; }
    public Guid SegmentId { get; set; }
    public Guid CustomerId { get; set; }

    /// <summary><c>entered</c> or <c>left</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>When the membership began: with the kind, it makes the event's idempotency key.</summary>
    public long EnteredAt { get; set; }
    public long At { get; set; }
}
