using System.ComponentModel.DataAnnotations;

namespace Scrm.Customers.Value;

/// <summary><c>Scrm:Customers:Value</c>: the weighted value model, tier thresholds and the nightly run.</summary>
internal sealed class ValueOptions
{
    public const string Section = "Scrm:Customers:Value";

    /// <summary>
    /// The model's indicators. Built-in sources: <c>recency</c>, <c>frequency</c> (transaction),
    /// <c>monetary</c> (financial), each scored by quintile; <c>field:NAME</c> reads a numeric custom
    /// field (service, feedback, anything else) scaled between its Min and Max.
    /// </summary>
    public List<ValueIndicator> Indicators { get; set; } =
    [
        new() { Name = "recency", Source = "recency", Weight = 0.3 },
        new() { Name = "transaction", Source = "frequency", Weight = 0.3 },
        new() { Name = "financial", Source = "monetary", Weight = 0.4 },
    ];

    /// <summary>Score (0–100) from which a customer is high value.</summary>
    [Range(0, 100)]
    public double HighValueScore { get; set; } = 75;

    /// <summary>Monetary quintile (1–5) from which a customer who is not high value is high contribution.</summary>
    [Range(1, 5)]
    public int HighContributionMonetary { get; set; } = 4;

    /// <summary>Days without an order after which a customer is dormant.</summary>
    [Range(1, 3650)]
    public int DormantDays { get; set; } = 180;

    /// <summary>Cron (Quartz) of the full recompute that applies time decay and new quantiles.</summary>
    [Required]
    public string NightlyCron { get; set; } = "0 30 2 * * ?";
}

internal sealed class ValueIndicator
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string Source { get; set; } = "";

    [Range(0, 1000)]
    public double Weight { get; set; }

    public double Min { get; set; }

    public double Max { get; set; } = 100;
}
