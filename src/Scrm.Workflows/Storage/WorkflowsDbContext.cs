using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Storage;

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

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WorkflowsDbContext).Assembly);
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
