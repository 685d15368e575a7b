using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Leads.Funnel;
using Scrm.Platform.Effects;
using Scrm.Platform.Storage;

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

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapEffectOutcomes("lead");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LeadsDbContext).Assembly);
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
