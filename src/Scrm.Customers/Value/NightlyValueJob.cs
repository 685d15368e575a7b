using Quartz;

namespace Scrm.Customers.Value;

/// <summary>The nightly full recompute: time decay (recency) and new quintiles for every customer.</summary>
[DisallowConcurrentExecution]
internal sealed class NightlyValueJob(ValueRecompute recompute) : IJob
{
    public static readonly JobKey Key = new("customers.value.nightly", "customers");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await recompute.RunAsync(cancellationToken);
}
