using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Effects;

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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CustomerRow>(e =>
        {
            e.ToTable("customers");
            e.HasKey(x => x.Id);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.NameKey).HasMaxLength(200);
            e.Property(x => x.Nickname).HasMaxLength(200);
            e.Property(x => x.Company).HasMaxLength(200);
            e.Property(x => x.CompanyKey).HasMaxLength(200);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Province).HasMaxLength(64);
            e.Property(x => x.City).HasMaxLength(64);
            e.Property(x => x.RegionSource).HasMaxLength(16);
            e.Property(x => x.Source).HasMaxLength(128);
            e.Property(x => x.Industry).HasMaxLength(128);
            e.Property(x => x.Phone).HasMaxLength(64);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.OwnerId).HasMaxLength(128);
            e.Property(x => x.Tier).HasMaxLength(32);
            e.HasIndex(x => new { x.NameKey, x.CompanyKey });
            e.HasIndex(x => x.CompanyKey);
            e.HasIndex(x => x.OwnerId);
            e.HasIndex(x => x.Tier);
            e.HasIndex(x => x.Province);
            e.HasIndex(x => x.City);
            e.HasIndex(x => x.Source);
            e.HasIndex(x => x.Phone);
            e.HasIndex(x => x.MergedInto);
            // CustomerChanges reads customers in the order they changed.
            e.HasIndex(x => new { x.UpdatedAt, x.Id });
        });
        modelBuilder.Entity<IdentityRow>(e =>
        {
            e.ToTable("customer_identities");
            e.HasKey(x => x.Id);
            e.Property(x => x.Type).HasMaxLength(32);
            e.Property(x => x.Account).HasMaxLength(128);
            e.Property(x => x.Value).HasMaxLength(256);
            e.HasIndex(x => new { x.Type, x.Value, x.Account }).IsUnique().HasDatabaseName("ux_customer_identities_type_value_account");
            e.HasIndex(x => x.CustomerId);
        });
        modelBuilder.Entity<ConsentRow>(e =>
        {
            e.ToTable("customer_consents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Channel).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(128);
            e.HasIndex(x => new { x.CustomerId, x.Channel });
        });
        modelBuilder.Entity<TagRow>(e =>
        {
            e.ToTable("customer_tags");
            e.HasKey(x => x.Id);
            e.Property(x => x.Tag).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.HasIndex(x => new { x.CustomerId, x.Tag });
            e.HasIndex(x => x.Tag);
        });
        modelBuilder.Entity<TimelineRow>(e =>
        {
            e.ToTable("customer_timeline");
            e.HasKey(x => x.Id);
            e.Property(x => x.EventKey).HasMaxLength(160);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.Property(x => x.Channel).HasMaxLength(64);
            e.Property(x => x.Summary).HasMaxLength(500);
            e.HasIndex(x => x.EventKey).IsUnique().HasDatabaseName("ux_customer_timeline_event_key");
            e.HasIndex(x => new { x.CustomerId, x.OccurredAt, x.Id });
        });
        modelBuilder.Entity<ContactRow>(e =>
        {
            e.ToTable("customer_contacts");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Role).HasMaxLength(32);
            e.HasIndex(x => x.CompanyId);
        });
        modelBuilder.Entity<MergeRow>(e =>
        {
            e.ToTable("customer_merges");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(128);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.UndoneBy).HasMaxLength(128);
            e.HasIndex(x => x.SurvivorId);
            e.HasIndex(x => x.MergedId);
        });
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("customer_audit");
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(128);
            e.Property(x => x.Action).HasMaxLength(32);
            e.HasIndex(x => new { x.CustomerId, x.Id });
        });
        modelBuilder.Entity<SharedNumberRow>(e =>
        {
            e.ToTable("customer_shared_numbers");
            e.HasKey(x => x.Value);
            e.Property(x => x.Value).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(200);
        });
        modelBuilder.Entity<OrderRow>(e =>
        {
            e.ToTable("customer_orders");
            e.HasKey(x => x.OrderId);
            e.Property(x => x.OrderId).HasMaxLength(128);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Channel).HasMaxLength(64);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.HasIndex(x => new { x.CustomerId, x.OccurredAt });
        });
        modelBuilder.Entity<OrderLineRow>(e =>
        {
            e.ToTable("customer_order_lines");
            e.HasKey(x => x.Id);
            e.Property(x => x.OrderId).HasMaxLength(128);
            e.Property(x => x.Product).HasMaxLength(128);
            e.HasIndex(x => x.OrderId);
        });
        modelBuilder.Entity<ProductCycleRow>(e =>
        {
            e.ToTable("customer_product_cycles");
            e.HasKey(x => new { x.CustomerId, x.Product });
            e.Property(x => x.Product).HasMaxLength(128);
            e.HasIndex(x => x.NextDueAt);
        });
        modelBuilder.Entity<ImportJobRow>(e =>
        {
            e.ToTable("customer_import_jobs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Actor).HasMaxLength(128);
        });
        modelBuilder.Entity<ValueStateRow>(e =>
        {
            e.ToTable("customer_value_state");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
        });
        modelBuilder.MapEffectOutcomes("customer");

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {

            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    internal static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(name[i]));
        }

        return result.ToString();
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
