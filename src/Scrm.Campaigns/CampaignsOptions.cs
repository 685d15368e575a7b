using System.ComponentModel.DataAnnotations;

namespace Scrm.Campaigns;

/// <summary><c>Scrm:Campaigns</c>: how the segment fact index follows the customer change feed.</summary>
public sealed class CampaignsOptions
{
    public const string Section = "Scrm:Campaigns";

    /// <summary>How often the index asks for customer changes once it has caught up.</summary>
    public TimeSpan IndexPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Changes younger than this are read on a later poll, so that a transaction still committing with an earlier stamp is not skipped.</summary>
    public TimeSpan IndexSettleTime { get; set; } = TimeSpan.FromSeconds(2);

    [Range(100, 50_000)]
    public int IndexBatchSize { get; set; } = 5_000;

    /// <summary>How long a segment request waits for the index's first load before answering 503.</summary>
    public TimeSpan IndexStartWait { get; set; } = TimeSpan.FromSeconds(30);
}
