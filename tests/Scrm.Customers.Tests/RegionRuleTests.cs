using Scrm.Customers.Identity;
using Scrm.Customers.Merging;
using Scrm.Customers.Model;

namespace Scrm.Customers.Tests;

/// <summary>A region the customer gave and one read from their phone number: the given one always wins.</summary>
public sealed class RegionRuleTests
{
    private static CustomerRow Customer(string? province = null, string? city = null, string? source = null, string? phone = "+8613912345678") =>
        new() { Id = Guid.CreateVersion7(), Province = province, City = city, RegionSource = source, Phone = phone };

    // Regions are written province/city, ~ when inferred from a phone; "" is none, "=" none because a person cleared it.
    public static TheoryData<string, string?, string, string?, string?, bool, string> Cases => new()
    {
        // case, phone, before, hinted province, hinted city, hint inferred, after
        { "nothing said: the phone's area, marked inferred", "+8613912345678", "", null, null, false, "江苏/常州~" },
        { "stated replaces inferred, both halves", "+8613912345678", "江苏/常州~", "浙江", null, false, "浙江/" },
        { "a city stated replaces an inferred province too", "+8613912345678", "江苏/常州~", null, "杭州", false, "/杭州" },
        { "stated fills an empty region", "+8613912345678", "", "浙江", "杭州", false, "浙江/杭州" },
        { "stated never overwrites stated", "+8613912345678", "上海/上海", "浙江", "杭州", false, "上海/上海" },
        { "a region is one statement: no half filled from another", "+8613912345678", "浙江/", null, "深圳", false, "浙江/" },
        { "inferred never replaces stated", "+8613912345678", "上海/上海", "北京", "北京", true, "上海/上海" },
        { "a known region is not inferred over", "+8613912345678", "上海/", null, null, false, "上海/" },
        { "a region a person cleared is not inferred again", "+8613912345678", "=", null, null, false, "=" },
        { "a landline places by its area code", "+8675588886666", "", null, null, false, "广东/深圳~" },
        { "an area code of several cities gives the province", "+862488886666", "", null, null, false, "辽宁/~" },
        { "a number from abroad places nothing", "+14155552671", "", null, null, false, "" },
        { "no number places nothing", null, "", null, null, false, "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_stated_region_wins_and_the_phone_fills_only_what_nobody_stated(
        string because, string? phone, string before, string? province, string? city, bool inferred, string after)
    {
        var customer = Read(before, phone);

        ProfileUpdate.FillEmpty(customer, new ProfileHints { Province = province, City = city, RegionInferred = inferred });

        Write(customer).ShouldBe(after, because);
    }

    private static CustomerRow Read(string region, string? phone)
    {
        if (region.Length == 0 || region == "=")
        {
            return Customer(source: region == "=" ? RegionSources.Stated : null, phone: phone);
        }

        var parts = region.TrimEnd('~').Split('/');
        return Customer(parts[0].Length == 0 ? null : parts[0], parts[1].Length == 0 ? null : parts[1],
            region.EndsWith('~') ? RegionSources.Inferred : RegionSources.Stated, phone);
    }

    private static string Write(CustomerRow c) =>
        c.Province is null && c.City is null ? c.RegionSource == RegionSources.Stated ? "=" : ""
        : $"{c.Province}/{c.City}{(c.RegionSource == RegionSources.Inferred ? "~" : "")}";

    [Fact]
    public void A_merge_keeps_the_region_someone_gave_over_one_inferred()
    {
        var inferred = new MergeSide(CustomerSnapshot.Of(Customer("江苏", "常州", RegionSources.Inferred)), [], [], []);
        var given = new MergeSide(CustomerSnapshot.Of(Customer("浙江", "杭州", RegionSources.Stated, phone: null)), [], [], []);

        var plan = MergePlanner.Plan(inferred, given, 1000);
        var reverse = MergePlanner.Plan(given, inferred, 1000);

        (plan.SurvivorAfter.Province, plan.SurvivorAfter.City, plan.SurvivorAfter.RegionSource).ShouldBe(("浙江", "杭州", RegionSources.Stated));
        (reverse.SurvivorAfter.Province, reverse.SurvivorAfter.City, reverse.SurvivorAfter.RegionSource).ShouldBe(("浙江", "杭州", RegionSources.Stated));
    }
}
