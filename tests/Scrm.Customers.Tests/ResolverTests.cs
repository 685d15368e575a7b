using Scrm.Customers.Identity;
using Scrm.Platform.Contacts;

namespace Scrm.Customers.Tests;

/// <summary>The deterministic rules as a table: who an identity set resolves to.</summary>
public sealed class ResolverTests
{
    private static readonly Guid Zhang = Guid.Parse("00000000-0000-7000-8000-000000000001");
    private static readonly Guid Li = Guid.Parse("00000000-0000-7000-8000-000000000002");
    private static readonly Guid Wang = Guid.Parse("00000000-0000-7000-8000-000000000003");

    /// <summary>The world the cases run against: who holds which key.</summary>
    private sealed class World : IResolutionState
    {
        public Dictionary<IdentityKey, Guid> Holders { get; } = [];
        public HashSet<string> Shared { get; } = [];
        public Dictionary<Guid, CustomerFacts> Customers { get; } = [];

        public World Customer(Guid id, string name, long created, params IdentityKey[] keys)
        {
            var slots = keys.Where(k => IdentityTypes.IsSingleValued(k.Type)).ToDictionary(k => (k.Type, k.Account), k => k.Value);
            Customers[id] = new CustomerFacts(id, MatchText.Normalize(name), created, slots);
            foreach (var key in keys)
            {
                Holders[key] = id;
            }

            return this;
        }

        public Guid? HolderOf(IdentityKey key) => Holders.TryGetValue(key, out var id) ? id : null;
        public bool IsSharedNumber(string value) => Shared.Contains(value);
        public CustomerFacts Facts(Guid customer) => Customers[customer];
    }

    private static IdentityKey PhoneKey(string raw) => PhoneKeys.FromE164(Phone.Normalize(raw)?.E164) ?? throw new InvalidOperationException(raw + " gives no key");
    private static IdentityKey EmailKey(string raw) => IdentityKey.Global(IdentityTypes.Email, Email.Normalize(raw).Address!);
    private static IdentityKey OpenId(string account, string id) => new(IdentityTypes.WeChatOpenId, account, id);
    private static IdentityKey Union(string id) => IdentityKey.Global(IdentityTypes.WeChatUnionId, id);
    private static IdentityKey External(string corp, string id) => new(IdentityTypes.WeComExternalUserId, corp, id);

    private static Observation Seen(string? name, params IdentityKey[] keys) => new()
    {
        EventKey = "t",
        Kind = "lead",
        Channel = "web",
        OccurredAt = DateTimeOffset.UnixEpoch,
        Keys = keys,
        Profile = new ProfileHints { Name = name },
    };

    private static World Standard() => new World()
        .Customer(Zhang, "张三", 1, PhoneKey("13800138000"), EmailKey("zhang.san@example.com"), OpenId("oa1", "o-zhang"), Union("u-zhang"))
        .Customer(Li, "李四", 2, PhoneKey("13900139000"), External("corp", "wm-li"));

    public static TheoryData<string, string> PhoneSpellings => new()
    {
        { "full-width digits", "１３８００１３８０００" },
        { "+86 with spaces", "+86 138 0013 8000" },
        { "0086 with dashes", "0086-138-0013-8000" },
        { "(+86) in brackets", "(+86)13800138000" },
        { "national with dashes", "138-0013-8000" },
    };

    [Theory]
    [MemberData(nameof(PhoneSpellings))]
    public void Every_spelling_of_a_mobile_number_resolves_to_its_holder(string spelling, string raw)
    {
        var decision = Resolver.Decide(Seen(null, PhoneKey(raw)), Standard());

        decision.Target.ShouldBe(Zhang, spelling);
        decision.Claim.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("010-88886666")]
    [InlineData("+86 10 8888 6666")]
    [InlineData("(0755)8888-6666")]
    public void Landlines_with_area_codes_never_become_identities(string raw)
    {
        var e164 = Phone.Normalize(raw)!.E164;

        e164.ShouldNotBeNull();
        PhoneKeys.FromE164(e164).ShouldBeNull();
    }

    [Theory]
    [InlineData("400-123-4567")]
    [InlineData("800 820 8820")]
    [InlineData("138 0013 800")]
    public void Service_numbers_and_short_numbers_give_no_identity(string raw) =>
        PhoneKeys.FromE164(Phone.Normalize(raw)?.E164).ShouldBeNull();

    [Theory]
    [InlineData("Zhang.San@Example.COM")]
    [InlineData("  zhang.san@example.com ")]
    [InlineData("ｚｈａｎｇ．ｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ")]
    public void Emails_differing_in_case_space_and_width_resolve_to_one_customer(string raw) =>
        Resolver.Decide(Seen(null, EmailKey(raw)), Standard()).Target.ShouldBe(Zhang);

    [Fact]
    public void Dots_in_an_email_name_are_significant_so_they_do_not_link()
    {
        var decision = Resolver.Decide(Seen(null, EmailKey("zhangsan@example.com")), Standard());

        decision.Target.ShouldBeNull();
        decision.Claim.ShouldHaveSingleItem().Value.ShouldBe("zhangsan@example.com");
    }

    [Fact]
    public void A_mobile_given_with_another_name_is_a_shared_number_it_links_nobody_and_is_suggested()
    {
        var decision = Resolver.Decide(Seen("王五", PhoneKey("13800138000")), Standard());

        decision.Target.ShouldBeNull();
        decision.Claim.ShouldBeEmpty();
        decision.SharedNumbers.ShouldBe(["+8613800138000"]);
        decision.Suggestions.ShouldHaveSingleItem().Other.ShouldBe(Zhang);
    }

    [Fact]
    public void The_same_name_written_with_zero_width_and_full_width_characters_still_links_by_phone()
    {
        var decision = Resolver.Decide(Seen("张\u200B三\u202E", PhoneKey("13800138000")), Standard());

        decision.Target.ShouldBe(Zhang);
        decision.SharedNumbers.ShouldBeEmpty();
    }

    [Fact]
    public void A_number_known_to_be_shared_links_nobody()
    {
        var world = Standard();
        world.Shared.Add("+8613800138000");

        var decision = Resolver.Decide(Seen(null, PhoneKey("13800138000")), world);

        decision.Target.ShouldBeNull();
        decision.Claim.ShouldBeEmpty();
    }

    [Fact]
    public void A_unionid_links_an_openid_of_another_account_to_the_same_customer()
    {
        var decision = Resolver.Decide(Seen(null, OpenId("mini", "o-mini-zhang"), Union("u-zhang")), Standard());

        decision.Target.ShouldBe(Zhang);
        decision.Claim.ShouldBe([OpenId("mini", "o-mini-zhang")]);
    }

    [Fact]
    public void A_wecom_external_contact_carrying_a_unionid_joins_the_wechat_follower()
    {
        var decision = Resolver.Decide(Seen(null, External("corp", "wm-zhang"), Union("u-zhang")), Standard());

        decision.Target.ShouldBe(Zhang);
        decision.Claim.ShouldBe([External("corp", "wm-zhang")]);
    }

    [Fact]
    public void Keys_held_by_two_customers_merge_them_into_the_holder_of_the_strongest_key()
    {
        // Li is known on WeCom and by phone; the WeCom contact now shows Zhang's unionid too.
        var world = new World()
            .Customer(Zhang, "", 1, OpenId("oa1", "o-zhang"), Union("u-zhang"))
            .Customer(Li, "", 2, PhoneKey("13900139000"), External("corp", "wm-li"));

        var decision = Resolver.Decide(Seen(null, External("corp", "wm-li"), Union("u-zhang")), world);

        decision.Target.ShouldBe(Zhang);
        decision.Merge.ShouldBe([Li]);
    }

    [Fact]
    public void Customers_with_different_unionids_are_never_merged_automatically()
    {
        // The phone is Zhang's; the WeCom contact is Li's and says Li has a unionid different from Zhang's.
        var world = new World()
            .Customer(Zhang, "", 1, PhoneKey("13800138000"), Union("u-zhang"))
            .Customer(Li, "", 2, External("corp", "wm-li"), Union("u-li"));

        var decision = Resolver.Decide(Seen(null, External("corp", "wm-li"), PhoneKey("13800138000")), world);

        decision.Target.ShouldBe(Li);
        decision.Merge.ShouldBeEmpty();
        decision.Suggestions.ShouldHaveSingleItem().Other.ShouldBe(Zhang);
    }

    [Fact]
    public void A_phone_match_to_someone_with_another_openid_on_the_same_account_is_another_person()
    {
        var decision = Resolver.Decide(Seen(null, OpenId("oa1", "o-other"), PhoneKey("13800138000")), Standard());

        decision.Target.ShouldBeNull();
        decision.Claim.ShouldBe([OpenId("oa1", "o-other")]);
        decision.Suggestions.ShouldHaveSingleItem().Other.ShouldBe(Zhang);
    }

    [Fact]
    public void Unknown_keys_create_a_customer_that_claims_them_all()
    {
        var decision = Resolver.Decide(Seen("王五", PhoneKey("13700137000"), EmailKey("wang@example.com")), Standard());

        decision.Target.ShouldBeNull();
        decision.Claim.Count.ShouldBe(2);
        decision.Merge.ShouldBeEmpty();
    }

    [Fact]
    public void Ties_between_equally_strong_keys_go_to_the_oldest_customer()
    {
        var world = new World()
            .Customer(Wang, "", 5, EmailKey("a@example.com"))
            .Customer(Li, "", 2, EmailKey("b@example.com"));

        var decision = Resolver.Decide(Seen(null, EmailKey("a@example.com"), EmailKey("b@example.com")), world);

        decision.Target.ShouldBe(Li);
        decision.Merge.ShouldBe([Wang]);
    }
}
