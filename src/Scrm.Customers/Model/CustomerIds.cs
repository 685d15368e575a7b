namespace Scrm.Customers.Model;

/// <summary>The one place customer ids come from: time-ordered (UUIDv7), so newer customers sort later.</summary>
internal sealed class CustomerIds(TimeProvider time)
{
    public Guid New() => Guid.CreateVersion7(time.GetUtcNow());
}
