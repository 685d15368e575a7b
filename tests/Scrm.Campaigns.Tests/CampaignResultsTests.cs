using Scrm.Campaigns.Attribution;

namespace Scrm.Campaigns.Tests;

/// <summary>Conversions, uplift, cost and ROI of a small campaign, each figure worked out by hand in the comments.</summary>
public sealed class CampaignResultsTests
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    private static long At(int month, int day, int hour, int minute = 0) => new DateTimeOffset(2026, month, day, hour, minute, 0, China).ToUnixTimeMilliseconds();

    private static Guid C(int n) => Guid.Parse($"00000000-0000-7000-8000-{n:D12}");

    [Fact]
    public void Orders_within_the_window_after_a_send_or_click_are_attributed_and_compared_with_the_holdout()
    {
        // Started 18 June 10:00 China time (T = 18 June); a 7-day window.
        var started = At(6, 18, 10);
        ResultRecipient[] recipients =
        [
            new(C(1), "A", false, "sms", At(6, 18, 10, 5), null),
            new(C(2), "A", false, "email", At(6, 18, 10, 10), null),
            new(C(3), "B", false, "sms", At(6, 18, 10, 6), At(6, 24, 10)),
            new(C(4), "B", false, "wechat", At(6, 18, 10, 7), null),
            new(C(5), "B", false, "email", At(6, 18, 10, 8), null),
            new(C(11), null, true, null, null, null),
            new(C(12), null, true, null, null, null),
            new(C(13), null, true, null, null, null),
            new(C(14), null, true, null, null, null),
            // Held back (unreachable): never counted, whatever they buy.
            new(C(21), "A", false, null, null, null),
        ];
        ResultOrder[] orders =
        [
            new(C(1), At(6, 18, 9), 99_900),      // before the message: not attributed
            new(C(1), At(6, 18, 12), 10_000),     // ¥100, on T
            new(C(1), At(6, 19, 9), 5_000),       // ¥50, on T+1
            new(C(3), At(6, 30, 10), 30_000),     // ¥300, 12 days after the SMS but 6 after the click: attributed, after T+2
            new(C(4), At(6, 20, 23, 30), 8_000),  // ¥80 on T+2
            new(C(4), At(6, 26, 10), 2_000),      // 8 days after the message: outside the window
            new(C(11), At(6, 19, 15), 6_000),     // holdout, ¥60 within the window
            new(C(13), At(6, 17, 15), 1_000),     // holdout, before the start
            new(C(14), At(6, 25, 10, 1), 1_000),  // holdout, a minute after the window
            new(C(21), At(6, 19, 10), 50_000),    // held back: not a recipient who was sent anything
        ];
        var costs = new Dictionary<string, decimal> { ["sms"] = 0.05m, ["email"] = 0.01m };

        var report = CampaignResults.Build(recipients, orders, started, TimeSpan.FromDays(7), costs);

        report.AttributionDays.ShouldBe(7);
        // Sent: 5 recipients, 3 converted (C1, C3, C4) = 0.6; revenue 150 + 300 + 80 = ¥530.
        report.Sent.ShouldBe(new ConversionFigures(5, 3, 0.6, 530m));
        // Holdout: 4, 1 converted (C11) = 0.25; ¥60.
        report.Holdout.ShouldBe(new ConversionFigures(4, 1, 0.25, 60m));
        // Uplift 0.6 − 0.25 = 0.35; incremental conversions 0.35 × 5 = 1.75.
        report.Uplift.ShouldBe(0.35);
        report.IncrementalConversions.ShouldBe(1.75);
        // Cost: 2 SMS × ¥0.05 + 2 e-mails × ¥0.01 + 1 WeChat × ¥0 = ¥0.12.
        report.CostByChannel.ShouldBe(new Dictionary<string, decimal> { ["email"] = 0.02m, ["sms"] = 0.10m, ["wechat"] = 0m }, ignoreOrder: true);
        report.Cost.ShouldBe(0.12m);
        // Revenue by the end of T+1 (before 20 June 00:00): 100 + 50 = 150; by the end of T+2 also C4's 80 = 230.
        report.RevenueT1.ShouldBe(150m);
        report.RevenueT2.ShouldBe(230m);
        // ROI (150 − 0.12) / 0.12 = 1249; (230 − 0.12) / 0.12 = 1915.6667.
        report.RoiT1.ShouldBe(1249);
        report.RoiT2.ShouldBe(1915.6667);
        // Per channel: e-mail 2 sent, none converted; SMS 2 and 2 (¥450); WeChat 1 and 1 (¥80).
        report.ByChannel["email"].ShouldBe(new ConversionFigures(2, 0, 0, 0m));
        report.ByChannel["sms"].ShouldBe(new ConversionFigures(2, 2, 1, 450m));
        report.ByChannel["wechat"].ShouldBe(new ConversionFigures(1, 1, 1, 80m));
        // Variant A: C1, C2 → 1 of 2 (¥150), uplift 0.5 − 0.25 = 0.25. B: C3–C5 → 2 of 3 = 0.6667 (¥380), uplift 0.4167.
        report.Variants["A"].ShouldBe(new VariantResult(new ConversionFigures(2, 1, 0.5, 150m), 0.25));
        report.Variants["B"].ShouldBe(new VariantResult(new ConversionFigures(3, 2, 0.6667, 380m), 0.4167));
    }

    [Fact]
    public void Without_a_holdout_or_a_cost_there_is_no_uplift_and_no_roi()
    {
        var started = At(11, 11, 0);
        var report = CampaignResults.Build([new(C(1), null, false, "wecom", At(11, 11, 0, 1), null)], [new(C(1), At(11, 11, 8), 12_345)], started,
            TimeSpan.FromDays(3), new Dictionary<string, decimal>());
        report.Sent.ShouldBe(new ConversionFigures(1, 1, 1, 123.45m));
        report.Holdout.ShouldBeNull();
        report.Uplift.ShouldBeNull();
        report.IncrementalConversions.ShouldBeNull();
        report.Cost.ShouldBe(0m);
        report.RoiT1.ShouldBeNull();
        report.RevenueT1.ShouldBe(123.45m);
        report.Variants.ShouldBeEmpty();
    }

    [Fact]
    public void Costs_entered_for_the_campaign_add_to_the_message_costs_and_set_the_roi()
    {
        var started = At(11, 11, 0);
        // Two SMS at ¥0.05 = ¥0.10; entered: ¥10 for SMS, ¥40 for the campaign as a whole → cost ¥50.10.
        // Revenue ¥100 on the start day: ROI = (100 − 50.10) / 50.10 = 0.99601 → 0.996.
        var report = CampaignResults.Build(
            [new(C(1), null, false, "sms", At(11, 11, 0, 1), null), new(C(2), null, false, "sms", At(11, 11, 0, 1), null)],
            [new(C(1), At(11, 11, 8), 10_000)], started, TimeSpan.FromDays(3), new Dictionary<string, decimal> { ["sms"] = 0.05m },
            [new EnteredCost("sms", 1_000), new EnteredCost(null, 4_000)]);
        report.Cost.ShouldBe(50.10m);
        report.CostEntered.ShouldBe(50m);
        report.CostByChannel.ShouldBe(new Dictionary<string, decimal> { [CampaignResults.WholeCampaign] = 40m, ["sms"] = 10.10m });
        report.RevenueT1.ShouldBe(100m);
        report.RoiT1.ShouldBe(0.996);
    }
    [Fact]
    public void A_lead_won_by_sales_is_a_conversion_like_an_order_and_its_payments_are_revenue()
    {
        // Started 11 November 09:00 (T); a 3-day window; ¥20 entered for the campaign.
        var started = At(11, 11, 9);
        ResultRecipient[] recipients =
        [
            new(C(1), "A", false, "sms", At(11, 11, 9, 1), null),
            new(C(2), "A", false, "sms", At(11, 11, 9, 1), null),
            new(C(3), "B", false, "email", At(11, 11, 9, 2), null),
            new(C(11), null, true, null, null, null),
            new(C(12), null, true, null, null, null),
        ];
        ResultOrder[] events =
        [
            new(C(1), At(11, 11, 15), 5_000),                 // an order, ¥50 on T
            new(C(1), At(11, 12, 10), 300_000, Lead: true),    // and a lead won on T+1, ¥3,000 paid: C1 converts once
            new(C(2), At(11, 13, 8), 1_200_000, Lead: true),   // a lead won on T+2, ¥12,000
            new(C(3), At(11, 10, 8), 800_000, Lead: true),     // won before the message: not attributed
            new(C(3), At(11, 15, 8), 800_000, Lead: true),     // won 4 days after the message: outside the window
            new(C(11), At(11, 12, 8), 100_000, Lead: true),    // the holdout wins one too, ¥1,000
        ];

        var report = CampaignResults.Build(recipients, events, started, TimeSpan.FromDays(3), new Dictionary<string, decimal>(), [new EnteredCost(null, 2_000)]);

        // Sent 3, converted C1 and C2 = 0.6667; revenue 50 + 3,000 + 12,000 = ¥15,050; two leads won.
        report.Sent.ShouldBe(new ConversionFigures(3, 2, 0.6667, 15_050m, 2));
        // Holdout 2, C11 converted = 0.5, ¥1,000, one lead.
        report.Holdout.ShouldBe(new ConversionFigures(2, 1, 0.5, 1_000m, 1));
        report.Uplift.ShouldBe(0.1667);
        // By the end of T+1: 50 + 3,000; by the end of T+2 also 12,000. ROI (3,050 − 20) / 20 = 151.5; (15,050 − 20) / 20 = 751.5.
        report.RevenueT1.ShouldBe(3_050m);
        report.RevenueT2.ShouldBe(15_050m);
        report.RoiT1.ShouldBe(151.5);
        report.RoiT2.ShouldBe(751.5);
        report.ByChannel["sms"].ShouldBe(new ConversionFigures(2, 2, 1, 15_050m, 2));
        report.ByChannel["email"].ShouldBe(new ConversionFigures(1, 0, 0, 0m, 0));
        report.Variants["A"].Figures.LeadsWon.ShouldBe(2);
        report.Variants["B"].Figures.Converted.ShouldBe(0);
    }

    [Theory]
    [InlineData("customer:0198f2a4-1c3b-7d2e-9a6f-3b2c1d0e9f8a", "0198f2a4-1c3b-7d2e-9a6f-3b2c1d0e9f8a")]
    [InlineData("phone:+8613800000001", null)]
    [InlineData("email:a@example.com", null)]
    [InlineData("weibo:123", null)]
    [InlineData("customer:not-a-guid", null)]
    [InlineData("Customer:0198f2a4-1c3b-7d2e-9a6f-3b2c1d0e9f8a", null)]
    [InlineData(null, null)]
    public void A_leads_customer_key_names_a_customer_only_once_resolved(string? key, string? expected) =>
        LeadConversions.CustomerOf(key).ShouldBe(expected is null ? null : Guid.Parse(expected));
}
