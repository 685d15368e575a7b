using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Scrm.Customers.Model;

// One configuration per row type: what the snake_case convention (Scrm.Platform.Storage.ModelConventions) does not say.

internal sealed class CustomerRowConfiguration : IEntityTypeConfiguration<CustomerRow>
{
    public void Configure(EntityTypeBuilder<CustomerRow> e)
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
    }
}

internal sealed class IdentityRowConfiguration : IEntityTypeConfiguration<IdentityRow>
{
    public void Configure(EntityTypeBuilder<IdentityRow> e)
    {
        e.ToTable("customer_identities");
        e.HasKey(x => x.Id);
        e.Property(x => x.Type).HasMaxLength(32);
        e.Property(x => x.Account).HasMaxLength(128);
        e.Property(x => x.Value).HasMaxLength(256);
        e.HasIndex(x => new { x.Type, x.Value, x.Account }).IsUnique().HasDatabaseName("ux_customer_identities_type_value_account");
        e.HasIndex(x => x.CustomerId);
    }
}

internal sealed class ConsentRowConfiguration : IEntityTypeConfiguration<ConsentRow>
{
    public void Configure(EntityTypeBuilder<ConsentRow> e)
    {
        e.ToTable("customer_consents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Channel).HasMaxLength(64);
        e.Property(x => x.Source).HasMaxLength(128);
        e.HasIndex(x => new { x.CustomerId, x.Channel });
    }
}

internal sealed class TagRowConfiguration : IEntityTypeConfiguration<TagRow>
{
    public void Configure(EntityTypeBuilder<TagRow> e)
    {
        e.ToTable("customer_tags");
        e.HasKey(x => x.Id);
        e.Property(x => x.Tag).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.HasIndex(x => new { x.CustomerId, x.Tag });
        e.HasIndex(x => x.Tag);
    }
}

internal sealed class TimelineRowConfiguration : IEntityTypeConfiguration<TimelineRow>
{
    public void Configure(EntityTypeBuilder<TimelineRow> e)
    {
        e.ToTable("customer_timeline");
        e.HasKey(x => x.Id);
        e.Property(x => x.EventKey).HasMaxLength(160);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Channel).HasMaxLength(64);
        e.Property(x => x.Summary).HasMaxLength(500);
        e.HasIndex(x => x.EventKey).IsUnique().HasDatabaseName("ux_customer_timeline_event_key");
        e.HasIndex(x => new { x.CustomerId, x.OccurredAt, x.Id });
    }
}

internal sealed class ContactRowConfiguration : IEntityTypeConfiguration<ContactRow>
{
    public void Configure(EntityTypeBuilder<ContactRow> e)
    {
        e.ToTable("customer_contacts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Role).HasMaxLength(32);
        e.HasIndex(x => x.CompanyId);
    }
}

internal sealed class MergeRowConfiguration : IEntityTypeConfiguration<MergeRow>
{
    public void Configure(EntityTypeBuilder<MergeRow> e)
    {
        e.ToTable("customer_merges");
        e.HasKey(x => x.Id);
        e.Property(x => x.Actor).HasMaxLength(128);
        e.Property(x => x.Reason).HasMaxLength(500);
        e.Property(x => x.UndoneBy).HasMaxLength(128);
        e.HasIndex(x => x.SurvivorId);
        e.HasIndex(x => x.MergedId);
    }
}

internal sealed class AuditRowConfiguration : IEntityTypeConfiguration<AuditRow>
{
    public void Configure(EntityTypeBuilder<AuditRow> e)
    {
        e.ToTable("customer_audit");
        e.HasKey(x => x.Id);
        e.Property(x => x.Actor).HasMaxLength(128);
        e.Property(x => x.Action).HasMaxLength(32);
        e.HasIndex(x => new { x.CustomerId, x.Id });
    }
}

internal sealed class SharedNumberRowConfiguration : IEntityTypeConfiguration<SharedNumberRow>
{
    public void Configure(EntityTypeBuilder<SharedNumberRow> e)
    {
        e.ToTable("customer_shared_numbers");
        e.HasKey(x => x.Value);
        e.Property(x => x.Value).HasMaxLength(64);
        e.Property(x => x.Reason).HasMaxLength(200);
    }
}

internal sealed class OrderRowConfiguration : IEntityTypeConfiguration<OrderRow>
{
    public void Configure(EntityTypeBuilder<OrderRow> e)
    {
        e.ToTable("customer_orders");
        e.HasKey(x => x.OrderId);
        e.Property(x => x.OrderId).HasMaxLength(128);
        e.Property(x => x.Currency).HasMaxLength(3);
        e.Property(x => x.Channel).HasMaxLength(64);
        e.Property(x => x.ContentHash).HasMaxLength(64);
        e.HasIndex(x => new { x.CustomerId, x.OccurredAt });
    }
}

internal sealed class OrderLineRowConfiguration : IEntityTypeConfiguration<OrderLineRow>
{
    public void Configure(EntityTypeBuilder<OrderLineRow> e)
    {
        e.ToTable("customer_order_lines");
        e.HasKey(x => x.Id);
        e.Property(x => x.OrderId).HasMaxLength(128);
        e.Property(x => x.Product).HasMaxLength(128);
        e.HasIndex(x => x.OrderId);
    }
}

internal sealed class ProductCycleRowConfiguration : IEntityTypeConfiguration<ProductCycleRow>
{
    public void Configure(EntityTypeBuilder<ProductCycleRow> e)
    {
        e.ToTable("customer_product_cycles");
        e.HasKey(x => new { x.CustomerId, x.Product });
        e.Property(x => x.Product).HasMaxLength(128);
        e.HasIndex(x => x.NextDueAt);
    }
}

internal sealed class ImportJobRowConfiguration : IEntityTypeConfiguration<ImportJobRow>
{
    public void Configure(EntityTypeBuilder<ImportJobRow> e)
    {
        e.ToTable("customer_import_jobs");
        e.HasKey(x => x.Id);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Actor).HasMaxLength(128);
    }
}

internal sealed class ValueStateRowConfiguration : IEntityTypeConfiguration<ValueStateRow>
{
    public void Configure(EntityTypeBuilder<ValueStateRow> e)
    {
        e.ToTable("customer_value_state");
        e.HasKey(x => x.Name);
        e.Property(x => x.Name).HasMaxLength(64);
    }
}
