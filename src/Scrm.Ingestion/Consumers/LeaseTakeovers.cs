namespace Scrm.Ingestion.Consumers;

/// <summary>
/// Counts the consumer leases this process took over from another replica whose lease lapsed (it
/// died or stalled, rather than letting go on a graceful stop). Whatever that replica left half
/// done after its last commit — a timer bookmark without its scheduled trigger — is repaired by
/// the module that owns it when the count moves.
/// </summary>
public sealed class LeaseTakeovers
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    internal void Record() => Interlocked.Increment(ref _count);
}
