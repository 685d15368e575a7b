using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Scrm.Leads.Storage;

// One configuration per row type: what the snake_case convention (Scrm.Platform.Storage.ModelConventions) does not say.

internal sealed class LeadRowConfiguration : IEntityTypeConfiguration<LeadRow>
{
    public void Configure(EntityTypeBuilder<LeadRow> e)
    {
        // The triggers keep lead_rep_loads; declared so that EF does not read back through RETURNING.
        e.ToTable("leads", t =>
        {
            t.HasTrigger("lead_rep_loads_insert");
            t.HasTrigger("lead_rep_loads_update");
            t.HasTrigger("lead_rep_loads_delete");
        });
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.SourceKey).HasMaxLength(600);
        e.HasIndex(x => x.SourceKey).IsUnique();
        e.Property(x => x.CustomerKey).HasMaxLength(200);
        // One open lead per customer: a second intake attaches instead of racing to create.
        e.HasIndex(x => x.CustomerKey).IsUnique()
            .HasFilter("customer_key IS NOT NULL AND stage IN ('Lead', 'Prospect', 'Opportunity')")
            .HasDatabaseName("ux_leads_open_customer");
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Phone).HasMaxLength(64);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.Company).HasMaxLength(200);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Message).HasMaxLength(5000);
        e.Property(x => x.Stage).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.FurthestStage).HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.Owner).HasMaxLength(128);
        e.HasIndex(x => new { x.Owner, x.Stage });
        // A scoped queue reads the newest ids of each owner in scope from this index alone.
        e.HasIndex(x => new { x.Owner, x.Id });
        e.Property(x => x.Team).HasMaxLength(128);
        e.HasIndex(x => x.CreatedAt);
        e.Property(x => x.ScoreBreakdown).HasMaxLength(2000);
        e.Property(x => x.Channel).HasMaxLength(64);
        e.Property(x => x.Account).HasMaxLength(128);
        e.Property(x => x.Campaign).HasMaxLength(200);
        e.Property(x => x.UtmSource).HasMaxLength(200);
        e.Property(x => x.UtmMedium).HasMaxLength(200);
        e.Property(x => x.UtmCampaign).HasMaxLength(200);
        e.Property(x => x.Attribution).HasMaxLength(200);
        e.Property(x => x.Province).HasMaxLength(64);
        e.Property(x => x.City).HasMaxLength(64);
        e.Property(x => x.Product).HasMaxLength(128);
        e.Property(x => x.ValueTier).HasMaxLength(64);
        e.Property(x => x.CustomerOwner).HasMaxLength(128);
        e.Property(x => x.RequestedOwner).HasMaxLength(128);
        e.Property(x => x.Need).HasMaxLength(2000);
        e.Property(x => x.Amount).HasPrecision(18, 2);
        e.Property(x => x.PaidAmount).HasPrecision(18, 2);
        e.Property(x => x.ClosedReason).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class StageChangeRowConfiguration : IEntityTypeConfiguration<StageChangeRow>
{
    public void Configure(EntityTypeBuilder<StageChangeRow> e)
    {
        e.ToTable("lead_stage_changes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.From).HasColumnName("from_stage").HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.To).HasColumnName("to_stage").HasConversion<string>().HasMaxLength(16);
        e.Property(x => x.By).HasColumnName("changed_by").HasMaxLength(128);
        e.Property(x => x.Why).HasMaxLength(1000);
    }
}

internal sealed class AssignmentRowConfiguration : IEntityTypeConfiguration<AssignmentRow>
{
    public void Configure(EntityTypeBuilder<AssignmentRow> e)
    {
        e.ToTable("lead_assignments");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.Owner).HasMaxLength(128);
        e.Property(x => x.Team).HasMaxLength(128);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Reasons).HasMaxLength(4000);
        e.Property(x => x.By).HasColumnName("assigned_by").HasMaxLength(128);
    }
}

internal sealed class FollowUpRowConfiguration : IEntityTypeConfiguration<FollowUpRow>
{
    public void Configure(EntityTypeBuilder<FollowUpRow> e)
    {
        e.ToTable("lead_follow_ups");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.Owner).HasMaxLength(128);
        e.HasIndex(x => new { x.DoneAt, x.DueAt });
        e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(32);
        e.Property(x => x.Note).HasMaxLength(1000);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Outcome).HasMaxLength(2000);
    }
}

internal sealed class NotificationRowConfiguration : IEntityTypeConfiguration<NotificationRow>
{
    public void Configure(EntityTypeBuilder<NotificationRow> e)
    {
        e.ToTable("lead_notifications");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Recipient).HasMaxLength(128);
        e.HasIndex(x => new { x.Recipient, x.Id });
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.DedupKey).HasMaxLength(200);
        e.HasIndex(x => x.DedupKey).IsUnique();
        e.Property(x => x.Text).HasMaxLength(1000);
        e.HasIndex(x => x.CreatedAt).HasFilter("hook_delivered_at IS NULL").HasDatabaseName("ix_lead_notifications_hook_pending");
    }
}

internal sealed class TeamCursorRowConfiguration : IEntityTypeConfiguration<TeamCursorRow>
{
    public void Configure(EntityTypeBuilder<TeamCursorRow> e)
    {
        e.ToTable("lead_team_cursors");
        e.HasKey(x => x.Team);
        e.Property(x => x.Team).HasMaxLength(128);
        e.Property(x => x.LastRep).HasMaxLength(128);
        e.Property(x => x.Weights).HasMaxLength(4000);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class RepLoadRowConfiguration : IEntityTypeConfiguration<RepLoadRow>
{
    public void Configure(EntityTypeBuilder<RepLoadRow> e)
    {
        // Kept by triggers on leads (see the RepLoads migrations), never written by the code.
        e.ToTable("lead_rep_loads");
        e.HasKey(x => x.Owner);
        e.Property(x => x.Owner).HasMaxLength(128);
    }
}

internal sealed class PaymentRowConfiguration : IEntityTypeConfiguration<PaymentRow>
{
    public void Configure(EntityTypeBuilder<PaymentRow> e)
    {
        e.ToTable("lead_payments");
        e.HasKey(x => x.PaymentId);
        e.Property(x => x.PaymentId).HasMaxLength(128);
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.Amount).HasPrecision(18, 2);
    }
}

internal sealed class ChannelCostRowConfiguration : IEntityTypeConfiguration<ChannelCostRow>
{
    public void Configure(EntityTypeBuilder<ChannelCostRow> e)
    {
        e.ToTable("lead_channel_costs");
        e.HasKey(x => new { x.Channel, x.Day });
        e.Property(x => x.Channel).HasMaxLength(64);
        e.Property(x => x.Amount).HasPrecision(18, 2);
    }
}

internal sealed class TouchRowConfiguration : IEntityTypeConfiguration<TouchRow>
{
    public void Configure(EntityTypeBuilder<TouchRow> e)
    {
        e.ToTable("lead_touches");
        e.HasKey(x => x.SourceKey);
        e.Property(x => x.SourceKey).HasMaxLength(600);
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.Channel).HasMaxLength(64);
        // LeadOwners reads touches in the order they were made.
        e.HasIndex(x => new { x.At, x.SourceKey });
    }
}

internal sealed class LeadChangeRowConfiguration : IEntityTypeConfiguration<LeadChangeRow>
{
    public void Configure(EntityTypeBuilder<LeadChangeRow> e)
    {
        e.ToTable("lead_changes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.LeadId);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.By).HasColumnName("changed_by").HasMaxLength(128);
        e.Property(x => x.Detail).HasMaxLength(4000);
    }
}

internal sealed class HandoverRowConfiguration : IEntityTypeConfiguration<HandoverRow>
{
    public void Configure(EntityTypeBuilder<HandoverRow> e)
    {
        e.ToTable("lead_handovers");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.From).HasColumnName("from_rep").HasMaxLength(128);
        e.Property(x => x.To).HasColumnName("to_rep").HasMaxLength(128);
        e.Property(x => x.By).HasColumnName("handed_by").HasMaxLength(128);
        e.HasIndex(x => x.CustomersMovedAt);
    }
}

internal sealed class OnboardingTaskRowConfiguration : IEntityTypeConfiguration<OnboardingTaskRow>
{
    public void Configure(EntityTypeBuilder<OnboardingTaskRow> e)
    {
        e.ToTable("lead_onboarding_tasks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => new { x.LeadId, x.Title }).IsUnique();
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.SalesOwner).HasMaxLength(128);
    }
}
