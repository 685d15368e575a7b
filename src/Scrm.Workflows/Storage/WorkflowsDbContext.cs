using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Scrm.Workflows.Storage;

/// <summary>
/// The engine's tables. Times are Unix milliseconds. The hot path (commits, bookmark lookups)
/// runs prepared SQL over the same tables; this context owns the schema, its migrations and the
/// API's queries.
/// </summary>
internal class WorkflowsDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>On SQLite the engine's tables have a file of their own (<c>workflows.db</c>): instance commits never wait behind another module's.</summary>
    public const string Store = "workflows";

    internal DbSet<DefinitionRow> Definitions => Set<DefinitionRow>();

    internal DbSet<TriggerRow> Triggers => Set<TriggerRow>();

    internal DbSet<InstanceRow> Instances => Set<InstanceRow>();

    internal DbSet<LogRow> Log => Set<LogRow>();

    internal DbSet<BookmarkRow> Bookmarks => Set<BookmarkRow>();

    internal DbSet<CountRow> Counts => Set<CountRow>();

    internal DbSet<EffectRow> Effects => Set<EffectRow>();

    internal DbSet<RunKeyRow> RunKeys => Set<RunKeyRow>();

    internal DbSet<PendingStimulusRow> PendingStimuli => Set<PendingStimulusRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DefinitionRow>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(x => new { x.Id, x.Version });
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(100);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.State).HasColumnName("state").HasMaxLength(16);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Json).HasColumnName("definition");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.PublishedAt).HasColumnName("published_at");
            e.HasIndex(x => new { x.Id, x.State }).HasDatabaseName("ix_workflow_definitions_id_state");
        });
        modelBuilder.Entity<TriggerRow>(e =>
        {
            e.ToTable("workflow_triggers");
            e.HasKey(x => new { x.DefinitionId, x.ActivityId });
            e.Property(x => x.DefinitionId).HasColumnName("definition_id").HasMaxLength(100);
            e.Property(x => x.ActivityId).HasColumnName("activity_id").HasMaxLength(100);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(400);
            e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(32);
            e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_triggers_hash");
        });
        modelBuilder.Entity<InstanceRow>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(36);
            e.Property(x => x.DefinitionId).HasColumnName("definition_id").HasMaxLength(100);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.CorrelationId).HasColumnName("correlation_id").HasMaxLength(200);
            e.Property(x => x.SingletonKey).HasColumnName("singleton_key").HasMaxLength(310);
            e.Property(x => x.ParentId).HasColumnName("parent_id").HasMaxLength(36);
            e.Property(x => x.State).HasColumnName("state");
            e.Property(x => x.IncidentCount).HasColumnName("incident_count");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.FinishedAt).HasColumnName("finished_at");
            e.Property(x => x.RowVersion).HasColumnName("row_version");
            e.Property(x => x.LeaseOwner).HasColumnName("lease_owner").HasMaxLength(128);
            e.Property(x => x.LeaseUntil).HasColumnName("lease_until");
            e.HasIndex(x => new { x.DefinitionId, x.Status, x.CreatedAt }).HasDatabaseName("ix_workflow_instances_definition_status");
            e.HasIndex(x => new { x.Status, x.UpdatedAt }).HasDatabaseName("ix_workflow_instances_status_updated");
            e.HasIndex(x => x.SingletonKey).IsUnique().HasDatabaseName("ux_workflow_instances_singleton_key");
            // The instances of one lead, one conversation: what the safety net looks up to resume a workflow.
            e.HasIndex(x => x.CorrelationId).HasDatabaseName("ix_workflow_instances_correlation");
        });
        modelBuilder.Entity<LogRow>(e =>
        {
            e.ToTable("workflow_log");
            e.HasKey(x => new { x.InstanceId, x.Seq });
            e.Property(x => x.InstanceId).HasColumnName("instance_id").HasMaxLength(36);
            e.Property(x => x.Seq).HasColumnName("seq");
            e.Property(x => x.Records).HasColumnName("records");
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<BookmarkRow>(e =>
        {
            e.ToTable("workflow_bookmarks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").HasMaxLength(250);
            e.Property(x => x.InstanceId).HasColumnName("instance_id").HasMaxLength(36);
            e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(32);
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.ActivityId).HasColumnName("activity_id").HasMaxLength(100);
            e.Property(x => x.CorrelationId).HasColumnName("correlation_id").HasMaxLength(200);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.DueAt).HasColumnName("due_at");
            e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_bookmarks_hash");
            e.HasIndex(x => x.InstanceId).HasDatabaseName("ix_workflow_bookmarks_instance");
            e.HasIndex(x => x.DueAt).HasFilter("due_at IS NOT NULL").HasDatabaseName("ix_workflow_bookmarks_due_at");
        });
        modelBuilder.Entity<CountRow>(e =>
        {
            e.ToTable("workflow_activity_counts");
            e.HasKey(x => new { x.DefinitionId, x.Version, x.ActivityId });
            e.Property(x => x.DefinitionId).HasColumnName("definition_id").HasMaxLength(100);
            e.Property(x => x.Version).HasColumnName("version");
            e.Property(x => x.ActivityId).HasColumnName("activity_id").HasMaxLength(100);
            e.Property(x => x.Entered).HasColumnName("entered");
            e.Property(x => x.Completed).HasColumnName("completed");
            e.Property(x => x.Faulted).HasColumnName("faulted");
            e.Property(x => x.Waiting).HasColumnName("waiting");
        });
        modelBuilder.Entity<RunKeyRow>(e =>
        {
            e.ToTable("workflow_run_keys");
            e.HasKey(x => x.Key);
            // An integer key: on SQLite the table's own b-tree (rowid), a few bytes a row.
            e.Property(x => x.Key).HasColumnName("key").ValueGeneratedNever();
            e.Property(x => x.At).HasColumnName("at");
            e.HasIndex(x => x.At).HasDatabaseName("ix_workflow_run_keys_at");
        });
        modelBuilder.Entity<EffectRow>(e =>
        {
            e.ToTable("workflow_effects");
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(250);
            e.Property(x => x.InstanceId).HasColumnName("instance_id").HasMaxLength(36);
            e.Property(x => x.ActivityId).HasColumnName("activity_id").HasMaxLength(100);
            e.Property(x => x.Result).HasColumnName("result");
            e.Property(x => x.CompletedAt).HasColumnName("completed_at");
            e.HasIndex(x => x.InstanceId).HasDatabaseName("ix_workflow_effects_instance");
        });
        modelBuilder.Entity<PendingStimulusRow>(e =>
        {
            e.ToTable("workflow_pending_stimuli");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(400);
            e.Property(x => x.Hash).HasColumnName("hash").HasMaxLength(32);
            e.Property(x => x.Payload).HasColumnName("payload");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_pending_stimuli_hash");
        });
    }
}

internal sealed class SqliteWorkflowsDbContext(DbContextOptions<SqliteWorkflowsDbContext> options) : WorkflowsDbContext(options);

internal sealed class PostgresWorkflowsDbContext(DbContextOptions<PostgresWorkflowsDbContext> options) : WorkflowsDbContext(options);

internal sealed class SqliteWorkflowsDesignFactory : IDesignTimeDbContextFactory<SqliteWorkflowsDbContext>
{
    public SqliteWorkflowsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWorkflowsDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresWorkflowsDesignFactory : IDesignTimeDbContextFactory<PostgresWorkflowsDbContext>
{
    public PostgresWorkflowsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWorkflowsDbContext>().UseNpgsql("Host=localhost").Options);
}
