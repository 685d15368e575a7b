using Scrm.Customers.Merging;
using Scrm.Customers.Model;
using Scrm.Customers.Orders;
using Scrm.Platform.Tables;
using Scrm.Platform.Security;
using Scrm.Customers.Value;
using Scrm.Customers.View;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class MaskingTests
{
    [Theory]
    [InlineData("+8613800138000", "138****8000")]
    [InlineData("+861088886666", "010****6666")]
    [InlineData("+14155550123", "141****0123")]
    [InlineData("400-123-4567", "400****4567")]
    [InlineData("12345", "***")]
    [InlineData(null, null)]
    public void Phones_keep_their_first_three_and_last_four_digits(string? value, string? masked) => Masking.Phone(value).ShouldBe(masked);

    [Theory]
    [InlineData("sales@example.com", "s***@example.com")]
    [InlineData("a@example.com", "a***@example.com")]
    [InlineData("not-an-address", "***")]
    public void Emails_keep_their_first_letter_and_domain(string value, string masked) => Masking.Email(value).ShouldBe(masked);

    [Theory]
    [InlineData(128_050, false, "1280.50")]
    [InlineData(128_050, true, "***")]
    public void Amounts_are_hidden_entirely_when_masked(long cents, bool masked, string shown) => Masking.Amount(cents, masked).ShouldBe(shown);

    public static TheoryData<string?, string?, string?, bool, bool> AccessCases => new()
    {
        // role, caller, owner, unmasked, audited
        { "marketer", "mkt", "rep-a", false, false },
        { "community", "cm", null, false, false },
        { "sales", "rep-a", "rep-a", true, false },
        { "sales", "rep-b", "rep-a", true, true },
        { "sales", "rep-b", null, true, true },
        { "admin", "root", "rep-a", true, true },
        { "ingest", "shop", "rep-a", false, false },
        { null, null, null, false, false },
    };

    [Theory]
    [MemberData(nameof(AccessCases))]
    public void Only_unmasked_roles_see_protected_fields_and_non_owners_are_audited(string? role, string? caller, string? owner, bool unmasked, bool audited) =>
        FieldPolicy.Decide(new Caller(caller ?? "anonymous", role), owner, ["admin", "sales"]).ShouldBe(new FieldAccess(unmasked, audited));
}

public sealed class CsvTests
{
    [Theory]
    [InlineData("csv-formula-0.txt")]
    [InlineData("csv-formula-1.txt")]
    [InlineData("csv-formula-2.txt")]
    [InlineData("csv-formula-3.txt")]
    public void Formula_cells_are_exported_with_a_leading_apostrophe(string fixture)
    {
        var text = File.ReadAllText(Repo.Fixture("hostile", fixture));

        var cell = Csv.Cell(text);

        cell.TrimStart('"').ShouldStartWith("'" + text[0]);
        Csv.Read(new StringReader(cell)).Single().Single().ShouldBe("'" + text);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("", "")]
    public void Cells_are_quoted_only_when_needed(string value, string cell) => Csv.Cell(value).ShouldBe(cell);

    [Fact]
    public void Quoted_fields_with_commas_quotes_and_newlines_read_back_whole()
    {
        var rows = Csv.Read(new StringReader("name,note\r\n\"张, 三\",\"line1\nline2 \"\"q\"\"\"\r\nb,c")).ToList();

        rows.Count.ShouldBe(3);
        rows[1].ShouldBe(["张, 三", "line1\nline2 \"q\""]);
        rows[2].ShouldBe(["b", "c"]);
    }
}

public sealed class MergePlannerTests
{
    private static CustomerSnapshot Customer(string? owner, long? lastSales, string? name = null, string? phone = null) =>
        CustomerSnapshot.Of(new CustomerRow { Id = Guid.CreateVersion7(), OwnerId = owner, OwnerSince = owner is null ? null : 1, LastSalesActivityAt = lastSales, Name = name, Phone = phone });

    public static TheoryData<string, string?, long?, string?, long?, string?, string?> OwnerCases => new()
    {
        // case, survivor owner, survivor last sales, merged owner, merged last sales, kept, dropped
        { "neither has an owner", null, null, null, null, null, null },
        { "only the survivor", "rep-a", 5, null, 9, "rep-a", null },
        { "only the merged customer", null, 5, "rep-b", 1, "rep-b", null },
        { "same owner", "rep-a", 1, "rep-a", 9, "rep-a", null },
        { "merged customer sold to more recently", "rep-a", 5, "rep-b", 9, "rep-b", "rep-a" },
        { "survivor sold to more recently", "rep-a", 9, "rep-b", 5, "rep-a", "rep-b" },
        { "tie goes to the survivor", "rep-a", 5, "rep-b", 5, "rep-a", "rep-b" },
        { "no activity counts as oldest", "rep-a", null, "rep-b", 1, "rep-b", "rep-a" },
    };

    [Theory]
    [MemberData(nameof(OwnerCases))]
    public void Exactly_one_owner_survives_a_merge_and_a_conflict_is_reported(string name, string? sOwner, long? sSales, string? mOwner, long? mSales, string? kept, string? dropped)
    {
        var decision = MergePlanner.Ownership(Customer(sOwner, sSales), Customer(mOwner, mSales));

        decision.Owner.ShouldBe(kept, name);
        decision.DroppedOwner.ShouldBe(dropped, name);
    }

    [Fact]
    public void The_plan_fills_empty_fields_unites_tags_and_keeps_the_later_consent()
    {
        var survivor = new MergeSide(Customer("rep-a", 1, name: "张三"), [new TagRef(1, "vip")], [new ConsentRef(10, "wechat:oa1", 100)], []);
        var merged = new MergeSide(Customer(null, null, name: "Zhang San", phone: "+8613800138000"),
            [new TagRef(2, "vip"), new TagRef(3, "trade-show")], [new ConsentRef(11, "wechat:oa1", 200), new ConsentRef(12, "sms", 50)], []);

        var plan = MergePlanner.Plan(survivor, merged, 1000);

        plan.SurvivorAfter.Name.ShouldBe("张三");
        plan.SurvivorAfter.Phone.ShouldBe("+8613800138000");
        plan.TagsToSurvivor.ShouldBe([3L]);
        plan.ConsentsToSurvivor.ShouldBe([11L, 12L]);
        plan.ConsentsToMerged.ShouldBe([10L]);
    }
}

public sealed class DecisionMapTests
{
    private static DecisionMapInput P(string key, string? reportsTo, string role = "influencer", int influence = 3) => new(key, key, null, role, influence, reportsTo, null);

    [Fact]
    public void A_valid_map_has_no_errors() =>
        DecisionMaps.Validate([P("ceo", null, "decision_maker", 5), P("cto", "ceo"), P("eng", "cto", "user", 1)]).Any.ShouldBeFalse();

    [Theory]
    [InlineData("cycle")]
    [InlineData("self")]
    [InlineData("unknown boss")]
    [InlineData("bad role")]
    [InlineData("bad influence")]
    public void Invalid_maps_are_refused_with_field_errors(string name)
    {
        DecisionMapInput[] map = name switch
        {
            "cycle" => [P("a", "b"), P("b", "c"), P("c", "a")],
            "self" => [P("a", "a")],
            "unknown boss" => [P("a", "zz")],
            "bad role" => [P("a", null, "king")],
            _ => [P("a", null, influence: 9)],
        };

        DecisionMaps.Validate(map).ToDictionary().ShouldNotBeEmpty(name);
    }
}

public sealed class PhoneVariantTests
{
    [Fact]
    public void Variants_are_one_digit_changed_or_two_neighbours_swapped_in_the_national_number()
    {
        var variants = PhoneVariants.Of("+8613800138000").ToHashSet();

        variants.ShouldContain("+8613800138001");
        variants.ShouldContain("+8613800130800");
        variants.ShouldNotContain("+8613800138000");
        variants.ShouldAllBe(v => v.StartsWith("+86"));
        variants.Count.ShouldBe(11 * 9 + 7); // 99 single-digit changes, 7 swaps of differing neighbours
    }
}

public sealed class PyramidTests
{
    [Fact]
    public void The_pyramid_lists_every_tier_top_first_with_shares_of_customers_and_spend()
    {
        var report = ValuePyramid.Build(new Dictionary<string, (int, long)>
        {
            [Tiers.General] = (60, 100_00),
            [Tiers.HighValue] = (10, 700_00),
            [Tiers.Dormant] = (30, 200_00),
        }, unscored: 5);

        report.Levels.Select(l => l.Tier).ShouldBe(Tiers.Pyramid);
        report.Levels[0].CustomerShare.ShouldBe(0.1);
        report.Levels[0].MonetaryShare.ShouldBe(0.7);
        report.Levels[1].Customers.ShouldBe(0);
        report.Unscored.ShouldBe(5);
    }
}

public sealed class TimelineHeadlineTests
{
    [Theory]
    [InlineData("物流太慢了", "物流太慢了")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十")]
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十多", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十…")]
    // The 30th character is the first half of an emoji: the pair is left out whole.
    [InlineData("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九😀好", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九…")]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void A_mentions_timeline_line_keeps_the_first_30_characters(string? text, string? headline) =>
        Scrm.Customers.Identity.InboundObservations.Headline(text).ShouldBe(headline);
}
