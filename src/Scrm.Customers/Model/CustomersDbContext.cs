using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Effects;
using Scrm.Platform.Storage;

namespace Scrm.Customers.Model;

/// <summary>The customer model's tables. Column names are the snake_case of the property names.</summary>
public class CustomersDbContext(DbContextOptions options) : DbContext(options)
{
    internal DbSet<CustomerRow> Customers => Set<CustomerRow>();
    internal DbSet<IdentityRow> Identities => Set<IdentityRow>();
    internal DbSet<ConsentRow> Consents => Set<ConsentRow>();
    internal DbSet<TagRow> Tags => Set<TagRow>();
    internal DbSet<TimelineRow> Timeline => Set<TimelineRow>();
    internal DbSet<ContactRow> Contacts => Set<ContactRow>();
    internal DbSet<MergeRow> Merges => Set<MergeRow>();
    internal DbSet<AuditRow> Audit => Set<AuditRow>();
    internal DbSet<SharedNumberRow> SharedNumbers => Set<SharedNumberRow>();
    internal DbSet<OrderRow> Orders => Set<OrderRow>();
    internal DbSet<OrderLineRow> OrderLines => Set<OrderLineRow>();
    internal DbSet<ProductCycleRow> ProductCycles => Set<ProductCycleRow>();
    internal DbSet<ImportJobRow> ImportJobs => Set<ImportJobRow>();
    internal DbSet<ValueStateRow> ValueState => Set<ValueStateRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapEffectOutcomes("customer");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CustomersDbContext).Assembly);
    }
}

internal sealed class SqliteCustomersDbContext(DbContextOptions<SqliteCustomersDbContext> options) : CustomersDbContext(options);

internal sealed class PostgresCustomersDbContext(DbContextOptions<PostgresCustomersDbContext> options) : CustomersDbContext(options);

internal sealed class SqliteCustomersDesignFactory : IDesignTimeDbContextFactory<SqliteCustomersDbContext>
{
    public SqliteCustomersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCustomersDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresCustomersDesignFactory : IDesignTimeDbContextFactory<PostgresCustomersDbContext>
{
    public PostgresCustomersDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCustomersDbContext>().UseNpgsql("Host=localhost").Options);
}
