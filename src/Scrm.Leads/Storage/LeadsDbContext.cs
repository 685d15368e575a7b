using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Leads.Funnel;
using Scrm.Platform.Effects;

namespace Scrm.Leads.Storage;

/// <summary>The leads module's tables. Times are Unix milliseconds; money is decimal(18,2).</summary>
public class LeadsDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>On SQLite the leads have a file of their own (<c>leads.db</c>): intake and routing never wait behind another module's commit.</summary>
    public const string Store = "leads";

    internal DbSet<LeadRow> Leads => Set<LeadRow>();
    internal DbSet<StageChangeRow> StageChanges => Set<StageChangeRow>();
    internal DbSet<AssignmentRow> Assignments => Set<AssignmentRow>();
    internal DbSet<FollowUpRow> FollowUps => Set<FollowUpRow>();
    internal DbSet<NotificationRow> Notifications => Set<NotificationRow>();
    internal DbSet<TeamCursorRow> TeamCursors => Set<TeamCursorRow>();
    internal DbSet<RepLoadRow> RepLoads => Set<RepLoadRow>();
    internal DbSet<PaymentRow> Payments => Set<PaymentRow>();
    internal DbSet<ChannelCostRow> ChannelCosts => Set<ChannelCostRow>();
    internal DbSet<OnboardingTaskRow> OnboardingTasks => Set<OnboardingTaskRow>();
    internal DbSet<TouchRow> Touches => Set<TouchRow>();
    internal DbSet<LeadChangeRow> Changes => Set<LeadChangeRow>();
    internal DbSet<HandoverRow> Handovers => Set<HandoverRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapEffectOutcomes("lead");
        modelBuilder.Entity<LeadRow>(e =>
        {
            // The triggers keep lead_rep_loads; declared so that EF does not read back through RETURNING.
            e.ToTable("leads", t =>
            {
                t.HasTrigger("lead_rep_loads_insert");
                t.HasTrigger("lead_rep_loads_update");
                t.HasTrigger("lead_rep_loads_delete");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.SourceKey).HasColumnName("source_key").HasMaxLength(600);
            e.HasIndex(x => x.SourceKey).IsUnique();
            e.Property(x => x.CustomerKey).HasColumnName("customer_key").HasMaxLength(200);
            // One open lead per customer: a second intake attaches instead of racing to create.
            e.HasIndex(x => x.CustomerKey).IsUnique()
                .HasFilter("customer_key IS NOT NULL AND stage IN ('Lead', 'Prospect', 'Opportunity')")
                .HasDatabaseName("ux_leads_open_customer");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Phone).HasColumnName("phone").HasMaxLength(64);
            e.Property(x => x.Email).HasColumnName("email").HasMaxLength(254);
            e.Property(x => x.Company).HasColumnName("company").HasMaxLength(200);
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(200);
            e.Property(x => x.Message).HasColumnName("message").HasMaxLength(5000);
            e.Property(x => x.Stage).HasColumnName("stage").HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.FurthestStage).HasColumnName("furthest_stage").HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(128);
            e.HasIndex(x => new { x.Owner, x.Stage });
            // A scoped queue reads the newest ids of each owner in scope from this index alone.
            e.HasIndex(x => new { x.Owner, x.Id });
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.Pooled).HasColumnName("pooled");
            e.Property(x => x.AssignedAt).HasColumnName("assigned_at");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.HasIndex(x => x.CreatedAt);
            e.Property(x => x.Score).HasColumnName("score");
            e.Property(x => x.Hot).HasColumnName("hot");
            e.Property(x => x.ScoreBreakdown).HasColumnName("score_breakdown").HasMaxLength(2000);
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(64);
            e.Property(x => x.Account).HasColumnName("account").HasMaxLength(128);
            e.Property(x => x.Campaign).HasColumnName("campaign").HasMaxLength(200);
            e.Property(x => x.UtmSource).HasColumnName("utm_source").HasMaxLength(200);
            e.Property(x => x.UtmMedium).HasColumnName("utm_medium").HasMaxLength(200);
            e.Property(x => x.UtmCampaign).HasColumnName("utm_campaign").HasMaxLength(200);
            e.Property(x => x.Attribution).HasColumnName("attribution").HasMaxLength(200);
            e.Property(x => x.Province).HasColumnName("province").HasMaxLength(64);
            e.Property(x => x.City).HasColumnName("city").HasMaxLength(64);
            e.Property(x => x.Product).HasColumnName("product").HasMaxLength(128);
            e.Property(x => x.ValueTier).HasColumnName("value_tier").HasMaxLength(64);
            e.Property(x => x.CustomerOwner).HasColumnName("customer_owner").HasMaxLength(128);
            e.Property(x => x.RequestedOwner).HasColumnName("requested_owner").HasMaxLength(128);
            e.Property(x => x.FirstTouchAt).HasColumnName("first_touch_at");
            e.Property(x => x.LastTouchAt).HasColumnName("last_touch_at");
            e.Property(x => x.Touches).HasColumnName("touches");
            e.Property(x => x.ContactAttempts).HasColumnName("contact_attempts");
            e.Property(x => x.FirstContactAt).HasColumnName("first_contact_at");
            e.Property(x => x.Need).HasColumnName("need").HasMaxLength(2000);
            e.Property(x => x.Amount).HasColumnName("amount").HasPrecision(18, 2);
            e.Property(x => x.ExpectedClose).HasColumnName("expected_close");
            e.Property(x => x.PaidAmount).HasColumnName("paid_amount").HasPrecision(18, 2);
            e.Property(x => x.ClosedReason).HasColumnName("closed_reason").HasMaxLength(200);
            e.Property(x => x.SlaEscalatedAt).HasColumnName("sla_escalated_at");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        });
        modelBuilder.Entity<StageChangeRow>(e =>
        {
            e.ToTable("lead_stage_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.From).HasColumnName("from_stage").HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.To).HasColumnName("to_stage").HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.By).HasColumnName("changed_by").HasMaxLength(128);
            e.Property(x => x.Why).HasColumnName("why").HasMaxLength(1000);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<AssignmentRow>(e =>
        {
            e.ToTable("lead_assignments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(128);
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.Reasons).HasColumnName("reasons").HasMaxLength(4000);
            e.Property(x => x.By).HasColumnName("assigned_by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<FollowUpRow>(e =>
        {
            e.ToTable("lead_follow_ups");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(128);
            e.Property(x => x.DueAt).HasColumnName("due_at");
            e.HasIndex(x => new { x.DoneAt, x.DueAt });
            e.Property(x => x.Reason).HasColumnName("reason").HasConversion<string>().HasMaxLength(32);
            e.Property(x => x.Note).HasColumnName("note").HasMaxLength(1000);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.Outcome).HasColumnName("outcome").HasMaxLength(2000);
            e.Property(x => x.DoneAt).HasColumnName("done_at");
            e.Property(x => x.RemindedAt).HasColumnName("reminded_at");
            e.Property(x => x.EscalatedAt).HasColumnName("escalated_at");
        });
        modelBuilder.Entity<NotificationRow>(e =>
        {
            e.ToTable("lead_notifications");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(128);
            e.HasIndex(x => new { x.Recipient, x.Id });
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.Property(x => x.DedupKey).HasColumnName("dedup_key").HasMaxLength(200);
            e.HasIndex(x => x.DedupKey).IsUnique();
            e.Property(x => x.Text).HasColumnName("text").HasMaxLength(1000);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ReadAt).HasColumnName("read_at");
            e.Property(x => x.HookAttempts).HasColumnName("hook_attempts");
            e.Property(x => x.HookNextAt).HasColumnName("hook_next_at");
            e.Property(x => x.HookDeliveredAt).HasColumnName("hook_delivered_at");
            e.HasIndex(x => x.CreatedAt).HasFilter("hook_delivered_at IS NULL").HasDatabaseName("ix_lead_notifications_hook_pending");
        });
        modelBuilder.Entity<TeamCursorRow>(e =>
        {
            e.ToTable("lead_team_cursors");
            e.HasKey(x => x.Team);
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.LastRep).HasColumnName("last_rep").HasMaxLength(128);
            e.Property(x => x.Weights).HasColumnName("weights").HasMaxLength(4000);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        });
        modelBuilder.Entity<RepLoadRow>(e =>
        {
            // Kept by triggers on leads (see the RepLoads migrations), never written by the code.
            e.ToTable("lead_rep_loads");
            e.HasKey(x => x.Owner);
            e.Property(x => x.Owner).HasColumnName("owner").HasMaxLength(128);
            e.Property(x => x.OpenLeads).HasColumnName("open_leads");
        });
        modelBuilder.Entity<PaymentRow>(e =>
        {
            e.ToTable("lead_payments");
            e.HasKey(x => x.PaymentId);
            e.Property(x => x.PaymentId).HasColumnName("payment_id").HasMaxLength(128);
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.Amount).HasColumnName("amount").HasPrecision(18, 2);
            e.Property(x => x.PaidAt).HasColumnName("paid_at");
        });
        modelBuilder.Entity<ChannelCostRow>(e =>
        {
            e.ToTable("lead_channel_costs");
            e.HasKey(x => new { x.Channel, x.Day });
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(64);
            e.Property(x => x.Day).HasColumnName("day");
            e.Property(x => x.Amount).HasColumnName("amount").HasPrecision(18, 2);
        });
        modelBuilder.Entity<TouchRow>(e =>
        {
            e.ToTable("lead_touches");
            e.HasKey(x => x.SourceKey);
            e.Property(x => x.SourceKey).HasColumnName("source_key").HasMaxLength(600);
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(64);
            e.Property(x => x.At).HasColumnName("at");
            // LeadOwners reads touches in the order they were made.
            e.HasIndex(x => new { x.At, x.SourceKey });
        });
        modelBuilder.Entity<LeadChangeRow>(e =>
        {
            e.ToTable("lead_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => x.LeadId);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.By).HasColumnName("changed_by").HasMaxLength(128);
            e.Property(x => x.Detail).HasColumnName("detail").HasMaxLength(4000);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<HandoverRow>(e =>
        {
            e.ToTable("lead_handovers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.From).HasColumnName("from_rep").HasMaxLength(128);
            e.Property(x => x.To).HasColumnName("to_rep").HasMaxLength(128);
            e.Property(x => x.By).HasColumnName("handed_by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.CustomersMovedAt).HasColumnName("customers_moved_at");
            e.HasIndex(x => x.CustomersMovedAt);
        });
        modelBuilder.Entity<OnboardingTaskRow>(e =>
        {
            e.ToTable("lead_onboarding_tasks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.LeadId).HasColumnName("lead_id");
            e.HasIndex(x => new { x.LeadId, x.Title }).IsUnique();
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(200);
            e.Property(x => x.SalesOwner).HasColumnName("sales_owner").HasMaxLength(128);
            e.Property(x => x.DueAt).HasColumnName("due_at");
            e.Property(x => x.DoneAt).HasColumnName("done_at");
        });
    }
}

internal sealed class SqliteLeadsDbContext(DbContextOptions<SqliteLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class PostgresLeadsDbContext(DbContextOptions<PostgresLeadsDbContext> options) : LeadsDbContext(options);

internal sealed class SqliteLeadsDesignFactory : IDesignTimeDbContextFactory<SqliteLeadsDbContext>
{
    public SqliteLeadsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLeadsDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresLeadsDesignFactory : IDesignTimeDbContextFactory<PostgresLeadsDbContext>
{
    public PostgresLeadsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLeadsDbContext>().UseNpgsql("Host=localhost").Options);
}

internal sealed class LeadRow
{
    public long Id { get; set; }
    public string SourceKey { get; set; } = "";
    public string? CustomerKey { get; set; }
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? Company { get; set; }
    /// <summary>The person's job title, as they gave it.</summary>
    public string? Title { get; set; }
    public string? Message { get; set; }
    public LeadStage Stage { get; set; }
    public LeadStage FurthestStage { get; set; }
    public string? Owner { get; set; }
    public string? Team { get; set; }
    public bool Pooled { get; set; }
    public long? AssignedAt { get; set; }
    public long CreatedAt { get; set; }
    public int Score { get; set; }
    public bool Hot { get; set; }
    public string? ScoreBreakdown { get; set; }
    public string Channel { get; set; } = "";
    public string? Account { get; set; }
    public string? Campaign { get; set; }
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    /// <summary>The channel's own attribution: WeChat QR scene, WeCom State, crawler site, partner.</summary>
    public string? Attribution { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    public string? Product { get; set; }
    public string? ValueTier { get; set; }
    /// <summary>The customer's owner in the customer model when the lead came in.</summary>
    public string? CustomerOwner { get; set; }
    /// <summary>The rep who entered the lead by hand and asked to keep it: routing gives it to them unless the customer has an owner.</summary>
    public string? RequestedOwner { get; set; }
    public long FirstTouchAt { get; set; }
    public long LastTouchAt { get; set; }
    public int Touches { get; set; }
    public int ContactAttempts { get; set; }
    public long? FirstContactAt { get; set; }
    public string? Need { get; set; }
    public decimal? Amount { get; set; }
    public DateOnly? ExpectedClose { get; set; }
    public decimal PaidAmount { get; set; }
    public string? ClosedReason { get; set; }
    public long? SlaEscalatedAt { get; set; }
    public long Version { get; set; }

    public bool IsOpen => Stage is LeadStage.Lead or LeadStage.Prospect or LeadStage.Opportunity;
}

internal sealed class StageChangeRow
{
    public long Id { get; set; }
    public long LeadId { get; set; }
    public LeadStage From { get; set; }
    public LeadStage To { get; set; }
    public string By { get; set; } = "";
    public string? Why { get; set; }
    public long At { get; set; }
}

internal sealed class AssignmentRow
{
    public long Id { get; set; }
    public long LeadId { get; set; }
    public string? Owner { get; set; }
    public string? Team { get; set; }
    /// <summary><c>routed</c>, <c>pooled</c>, <c>claimed</c>, <c>handover</c>, <c>rerouted</c>.</summary>
    public string Kind { get; set; } = "";
    public string Reasons { get; set; } = "";
    public string By { get; set; } = "";
    public long At { get; set; }
}

internal sealed class FollowUpRow
{
    public long Id { get; set; }
    public long LeadId { get; set; }
    public string? Owner { get; set; }
    public long DueAt { get; set; }
    public FollowUps.FollowUpReason Reason { get; set; }
    public string Note { get; set; } = "";
    public string? Kind { get; set; }
    public string? Outcome { get; set; }
    public long? DoneAt { get; set; }
    public long? RemindedAt { get; set; }
    public long? EscalatedAt { get; set; }
}

internal sealed class NotificationRow
{
    public long Id { get; set; }
    public string Recipient { get; set; } = "";
    public string Kind { get; set; } = "";
    public long? LeadId { get; set; }
    public string DedupKey { get; set; } = "";
    public string Text { get; set; } = "";
    public long CreatedAt { get; set; }
    public long? ReadAt { get; set; }

    /// <summary>Outbound hook: attempts so far, when to try next, when it was delivered.</summary>
    public int HookAttempts { get; set; }
    public long? HookNextAt { get; set; }
    public long? HookDeliveredAt { get; set; }
}

internal sealed class TeamCursorRow
{
    public string Team { get; set; } = "";
    public string? LastRep { get; set; }
    public string Weights { get; set; } = "{}";
    public long Version { get; set; }
}

/// <summary>A rep's open leads (lead, prospect, opportunity): what routing balances and caps, without counting the leads table.</summary>
internal sealed class RepLoadRow
{
    public string Owner { get; set; } = "";
    public int OpenLeads { get; set; }
}

internal sealed class PaymentRow
{
    public string PaymentId { get; set; } = "";
    public long LeadId { get; set; }
    public decimal Amount { get; set; }
    public long PaidAt { get; set; }
}

internal sealed class ChannelCostRow
{
    public string Channel { get; set; } = "";
    public DateOnly Day { get; set; }
    public decimal Amount { get; set; }
}

internal sealed class OnboardingTaskRow
{
    public long Id { get; set; }
    public long LeadId { get; set; }
    public string Title { get; set; } = "";
    public string? SalesOwner { get; set; }
    public long DueAt { get; set; }
    public long? DoneAt { get; set; }
}

/// <summary>Every inbound item that created or touched a lead: redeliveries are recognised, first and last touch kept.</summary>
internal sealed class TouchRow
{
    public string SourceKey { get; set; } = "";
    public long LeadId { get; set; }
    public string Channel { get; set; } = "";
    public long At { get; set; }
}

/// <summary>Who changed a lead and how (need, amount, contact, payment): every change names its actor.</summary>
internal sealed class LeadChangeRow
{
    public long Id { get; set; }
    public long LeadId { get; set; }
    /// <summary><c>update</c>, <c>contact</c>, <c>payment</c>.</summary>
    public string Kind { get; set; } = "";
    public string By { get; set; } = "";
    /// <summary>What changed, as JSON.</summary>
    public string Detail { get; set; } = "{}";
    public long At { get; set; }
}

/// <summary>
/// A departing rep's handover, committed with the leads it moved; the customers they owned follow
/// (<see cref="CustomersMovedAt"/>), retried by the sweep until they have.
/// </summary>
internal sealed class HandoverRow
{
    public long Id { get; set; }
    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string By { get; set; } = "";
    public long At { get; set; }
    public long? CustomersMovedAt { get; set; }
}
