using System.Security.Cryptography;

namespace Scrm.Campaigns.Sending;

/// <summary>
/// A/B variants and the holdout group. Each recipient's group follows from a hash of campaign ×
/// customer alone, so a rerun, a restart or a dry run puts everyone where the send put them.
/// </summary>
internal static class Split
{
    /// <summary>The group that receives nothing, kept to measure what the campaign changed.</summary>
    public const string Holdout = "holdout";

    /// <summary>Outside an A/B test's share: gets the winner once it is picked.</summary>
    public const string Rest = "rest";

    public const int MaxHoldout = 50;
    public const int MaxVariants = 5;
    public const int MaxWeight = 100;

    private const int Buckets = 10_000;

    /// <summary>A stable number in [0, 10000) for the pair: the first 8 bytes of SHA-256(campaign ‖ customer).</summary>
    public static int Bucket(Guid campaign, Guid customer)
    {
        Span<byte> input = stackalloc byte[32];
        campaign.TryWriteBytes(input[..16]);
        customer.TryWriteBytes(input[16..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        return (int)(BitConverter.ToUInt64(hash) % Buckets);
    }

    /// <summary><see cref="Holdout"/>, the name of the customer's variant, or null for a campaign without variants.</summary>
    public static string? Assign(Guid campaign, Guid customer, CampaignPlan plan)
    {
        var bucket = Bucket(campaign, customer);
        var holdout = Math.Clamp(plan.Holdout, 0, MaxHoldout) * (Buckets / 100);
        if (bucket < holdout)
        {
            return Holdout;
        }

        if (plan.Variants is not { Count: > 0 } variants)
        {
            return null;
        }

        // The rest of the range (its test share, with a test), cut in proportion to the weights.
        var range = plan.Test is { } test ? (Buckets - holdout) * Math.Clamp(test.Share, 1, 100) / 100 : Buckets - holdout;
        if (bucket - holdout >= range)
        {
            return Rest;
        }

        var total = variants.Sum(v => (long)Math.Max(v.Weight, 1));
        var position = (long)(bucket - holdout) * total / range;
        foreach (var v in variants)
        {
            position -= Math.Max(v.Weight, 1);
            if (position < 0)
            {
                return v.Name;
            }
        }

        return variants[^1].Name;
    }

    /// <summary>The channels (and content) the recipient's variant sends; the campaign's own without variants; the rest gets the winner's.</summary>
    public static IReadOnlyList<ChannelPlan> ChannelsOf(CampaignPlan plan, string? variant, string? winner = null)
    {
        var name = variant == Rest ? winner : variant;
        return name is null ? plan.Channels : plan.Variants?.FirstOrDefault(v => v.Name == name)?.Channels ?? plan.Channels;
    }
}
