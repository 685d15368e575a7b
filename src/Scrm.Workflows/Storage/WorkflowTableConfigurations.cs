using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Scrm.Workflows.Storage;

// One configuration per row type: what the snake_case convention (Scrm.Platform.Storage.ModelConventions) does not say.

internal sealed class DefinitionRowConfiguration : IEntityTypeConfiguration<DefinitionRow>
{
    public void Configure(EntityTypeBuilder<DefinitionRow> e)
    {
        e.ToTable("workflow_definitions");
        e.HasKey(x => new { x.Id, x.Version });
        e.Property(x => x.Id).HasMaxLength(100);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Json).HasColumnName("definition");
        e.HasIndex(x => new { x.Id, x.State }).HasDatabaseName("ix_workflow_definitions_id_state");
    }
}

internal sealed class TriggerRowConfiguration : IEntityTypeConfiguration<TriggerRow>
{
    public void Configure(EntityTypeBuilder<TriggerRow> e)
    {
        e.ToTable("workflow_triggers");
        e.HasKey(x => new { x.DefinitionId, x.ActivityId });
        e.Property(x => x.DefinitionId).HasMaxLength(100);
        e.Property(x => x.ActivityId).HasMaxLength(100);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Key).HasMaxLength(400);
        e.Property(x => x.Hash).HasMaxLength(32);
        e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_triggers_hash");
    }
}

internal sealed class InstanceRowConfiguration : IEntityTypeConfiguration<InstanceRow>
{
    public void Configure(EntityTypeBuilder<InstanceRow> e)
    {
        e.ToTable("workflow_instances");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(36);
        e.Property(x => x.DefinitionId).HasMaxLength(100);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.CorrelationId).HasMaxLength(200);
        e.Property(x => x.SingletonKey).HasMaxLength(310);
        e.Property(x => x.ParentId).HasMaxLength(36);
        e.Property(x => x.LeaseOwner).HasMaxLength(128);
        e.HasIndex(x => new { x.DefinitionId, x.Status, x.CreatedAt }).HasDatabaseName("ix_workflow_instances_definition_status");
        e.HasIndex(x => new { x.Status, x.UpdatedAt }).HasDatabaseName("ix_workflow_instances_status_updated");
        e.HasIndex(x => x.SingletonKey).IsUnique().HasDatabaseName("ux_workflow_instances_singleton_key");
        // The instances of one lead, one conversation: what the safety net looks up to resume a workflow.
        e.HasIndex(x => x.CorrelationId).HasDatabaseName("ix_workflow_instances_correlation");
    }
}

internal sealed class LogRowConfiguration : IEntityTypeConfiguration<LogRow>
{
    public void Configure(EntityTypeBuilder<LogRow> e)
    {
        e.ToTable("workflow_log");
        e.HasKey(x => new { x.InstanceId, x.Seq });
        e.Property(x => x.InstanceId).HasMaxLength(36);
    }
}

internal sealed class BookmarkRowConfiguration : IEntityTypeConfiguration<BookmarkRow>
{
    public void Configure(EntityTypeBuilder<BookmarkRow> e)
    {
        e.ToTable("workflow_bookmarks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(250);
        e.Property(x => x.InstanceId).HasMaxLength(36);
        e.Property(x => x.Hash).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.ActivityId).HasMaxLength(100);
        e.Property(x => x.CorrelationId).HasMaxLength(200);
        e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_bookmarks_hash");
        e.HasIndex(x => x.InstanceId).HasDatabaseName("ix_workflow_bookmarks_instance");
        e.HasIndex(x => x.DueAt).HasFilter("due_at IS NOT NULL").HasDatabaseName("ix_workflow_bookmarks_due_at");
    }
}

internal sealed class CountRowConfiguration : IEntityTypeConfiguration<CountRow>
{
    public void Configure(EntityTypeBuilder<CountRow> e)
    {
        e.ToTable("workflow_activity_counts");
        e.HasKey(x => new { x.DefinitionId, x.Version, x.ActivityId });
        e.Property(x => x.DefinitionId).HasMaxLength(100);
        e.Property(x => x.ActivityId).HasMaxLength(100);
    }
}

internal sealed class RunKeyRowConfiguration : IEntityTypeConfiguration<RunKeyRow>
{
    public void Configure(EntityTypeBuilder<RunKeyRow> e)
    {
        e.ToTable("workflow_run_keys");
        e.HasKey(x => x.Key);
        // An integer key: on SQLite the table's own b-tree (rowid), a few bytes a row.
        e.Property(x => x.Key).ValueGeneratedNever();
        e.HasIndex(x => x.At).HasDatabaseName("ix_workflow_run_keys_at");
    }
}

internal sealed class EffectRowConfiguration : IEntityTypeConfiguration<EffectRow>
{
    public void Configure(EntityTypeBuilder<EffectRow> e)
    {
        e.ToTable("workflow_effects");
        e.HasKey(x => x.Key);
        e.Property(x => x.Key).HasMaxLength(250);
        e.Property(x => x.InstanceId).HasMaxLength(36);
        e.Property(x => x.ActivityId).HasMaxLength(100);
        e.HasIndex(x => x.InstanceId).HasDatabaseName("ix_workflow_effects_instance");
    }
}

internal sealed class PendingStimulusRowConfiguration : IEntityTypeConfiguration<PendingStimulusRow>
{
    public void Configure(EntityTypeBuilder<PendingStimulusRow> e)
    {
        e.ToTable("workflow_pending_stimuli");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Key).HasMaxLength(400);
        e.Property(x => x.Hash).HasMaxLength(32);
        e.HasIndex(x => x.Hash).HasDatabaseName("ix_workflow_pending_stimuli_hash");
    }
}
