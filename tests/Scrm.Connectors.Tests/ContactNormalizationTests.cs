using System.Text.Json;
using Scrm.Platform.Contacts;
using Scrm.Testing;

namespace Scrm.Connectors.Tests;

public sealed class ContactNormalizationTests
{
    [Theory]
    [InlineData("１３８００１３８０００", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("+86 138 0013 8000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("0086-138-0013-8000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("(+86)13800138000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("8613800138000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("138-0013-8000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("138.0013.8000", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("010-88886666", "+861088886666", PhoneKind.Landline)]
    [InlineData("+86 10 8888 6666", "+861088886666", PhoneKind.Landline)]
    [InlineData("0755-8888 6666", "+8675588886666", PhoneKind.Landline)]
    [InlineData("021 6123 4567", "+862161234567", PhoneKind.Landline)]
    [InlineData("+1 415 555 2671", "+14155552671", PhoneKind.International)]
    [InlineData("400-123-4567", null, PhoneKind.Service)]
    [InlineData("800-820-8820", null, PhoneKind.Service)]
    [InlineData("138 0013 800", null, PhoneKind.Unknown)]
    [InlineData("12345678", null, PhoneKind.Unknown)]
    // The library's cases: trunk 0 after +86, brackets round the area code, a 7-digit local number
    // where the area uses them, international access 00, other countries' plans, newer mobile ranges.
    [InlineData("+86 010 8888 6666", "+861088886666", PhoneKind.Landline)]
    [InlineData("+86 (0)10 8888 6666", "+861088886666", PhoneKind.Landline)]
    [InlineData("(0755)8888-6666", "+8675588886666", PhoneKind.Landline)]
    [InlineData("0310-2345678", "+863102345678", PhoneKind.Landline)]
    [InlineData("86 10 8888 6666", "+861088886666", PhoneKind.Landline)]
    [InlineData("＋８６　１３８００１３８０００", "+8613800138000", PhoneKind.Mobile)]
    [InlineData("19212345678", "+8619212345678", PhoneKind.Mobile)]
    [InlineData("14012345678", "+8614012345678", PhoneKind.Mobile)]
    [InlineData("001 415 555 2671", "+14155552671", PhoneKind.International)]
    [InlineData("+44 20 7946 0958", "+442079460958", PhoneKind.International)]
    [InlineData("+852 9123 4567", "+85291234567", PhoneKind.International)]
    [InlineData("+86 400 820 8820", null, PhoneKind.Service)]
    [InlineData("4008208820", null, PhoneKind.Service)]
    // Shenzhen numbers have 8 digits since 1996: the hand-written rule took any 7 or 8.
    [InlineData("0755-2345678", null, PhoneKind.Unknown)]
    [InlineData("010-12345", null, PhoneKind.Unknown)]
    [InlineData("1069123456", null, PhoneKind.Unknown)]
    [InlineData("88886666", null, PhoneKind.Unknown)]
    public void Phones_normalise_to_E164_only_when_certain(string input, string? e164, PhoneKind kind)
    {
        var phone = Phone.Normalize(input).ShouldNotBeNull();
        phone.E164.ShouldBe(e164);
        phone.Kind.ShouldBe(kind);
        phone.Raw.ShouldBe(input.Trim());
        (phone.Problem is not null).ShouldBe(kind == PhoneKind.Unknown);
    }

    [Theory]
    [InlineData("12345", "has 5 digits: a mainland mobile number has 11")]
    [InlineData("138 0013 800", "has 10 digits: a mainland mobile number has 11")]
    [InlineData("12345678901", "they start 13 to 19")]
    [InlineData("+86 12345", "has 5 digits after +86")]
    [InlineData("0755-2345678", "is not a mainland landline")]
    [InlineData("88886666", "nor a landline with its area code")]
    [InlineData("+999 1234567", "country calling code")]
    [InlineData("+1 415 555", "too short for a +1 number")]
    [InlineData("+44 20 7946 0958 12", "+44")]
    [InlineData("1234", "has 4 digits: too few")]
    [InlineData("=SUM(1+1)", "only digits")]
    public void Numbers_that_cannot_be_placed_are_refused_with_the_reason(string input, string reason)
    {
        var (phone, error) = Phone.Check(input);

        phone.ShouldBeNull();
        error.ShouldNotBeNull().English.ShouldContain(reason);
    }

    [Theory]
    [InlineData("13800138000", PhoneKind.Mobile)]
    [InlineData("400-123-4567", PhoneKind.Service)]
    [InlineData("010-88886666", PhoneKind.Landline)]
    public void Placeable_numbers_pass_the_check(string input, PhoneKind kind)
    {
        var (phone, error) = Phone.Check(input);

        error.ShouldBeNull();
        phone.ShouldNotBeNull().Kind.ShouldBe(kind);
    }

    [Fact]
    public void No_number_is_neither_accepted_nor_refused_and_text_is_refused()
    {
        Phone.Check("  ").ShouldBe((null, null));
        Phone.Check("call me").Error.ShouldNotBeNull().English.ShouldContain("is not a phone number");
    }

    [Theory]
    [InlineData("+8613912345678", "江苏", "常州")]
    [InlineData("+8675588886666", "广东", "深圳")]
    [InlineData("+861088886666", "北京", "北京")]
    [InlineData("+862161234567", "上海", "上海")]
    [InlineData("+869918888666", "新疆", "乌鲁木齐")]
    [InlineData("+869998888666", "新疆", "伊犁哈萨克自治州")]
    [InlineData("+868928888666", "西藏", null)]
    [InlineData("+862488886666", "辽宁", null)]
    public void Mainland_numbers_tell_their_province_and_city(string e164, string province, string? city) =>
        Phone.Region(e164).ShouldBe(new PhoneRegion(province, city));

    [Theory]
    [InlineData("+8617012345678")]
    [InlineData("+14155552671")]
    [InlineData("+85291234567")]
    [InlineData(null)]
    public void Numbers_the_data_places_no_closer_than_a_country_tell_no_region(string? e164) =>
        Phone.Region(e164).ShouldBeNull();

    [Theory]
    [InlineData("=cmd|' /C calc'!A0")]
    [InlineData("+SUM(1+1)")]
    [InlineData("call me")]
    [InlineData("1234")]
    [InlineData("")]
    [InlineData("++8613800138000")]
    public void Text_that_is_not_a_phone_is_refused(string input) => Phone.Normalize(input).ShouldBeNull();

    [Fact]
    public void Hostile_phone_fixture_normalises_as_documented()
    {
        var phones = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Repo.Fixture("hostile", "phones-odd-formats.json")))!;
        var results = phones.Select(p => Phone.Normalize(p)!.E164).ToArray();
        results.ShouldBe([
            "+8613800138000", "+8613800138000", "+8613800138000", "+8613800138000", "+8613800138000",
            "+861088886666", "+861088886666", null, null,
        ]);
    }

    [Fact]
    public void Hostile_email_fixture_normalises_the_first_three_and_refuses_the_rest()
    {
        var emails = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Repo.Fixture("hostile", "emails-odd-formats.json")))!;
        var results = emails.Select(Email.Normalize).ToArray();
        results[..3].ShouldAllBe(r => r.Address == "sales@example.com" && r.Error == null);
        results[3..].ShouldAllBe(r => r.Address == null && r.Error != null);
    }

    [Theory]
    [InlineData("Wang.Xiao@Example.CN", "wang.xiao@example.cn")]
    [InlineData("a+tag@sub.example.com", "a+tag@sub.example.com")]
    public void Valid_emails_keep_their_dots_and_lose_their_case(string input, string expected) =>
        Email.Normalize(input).Address.ShouldBe(expected);

    [Theory]
    [InlineData(".a@example.com")]
    [InlineData("a..b@example.com")]
    [InlineData("a@-example..com")]
    [InlineData("a@example.c0m")]
    [InlineData("a@exa mple.com")]
    public void Malformed_emails_are_refused(string input) => Email.Normalize(input).Error.ShouldNotBeNull();

    [Fact]
    public void Matching_text_drops_zero_width_and_bidi_controls_and_folds_width_and_case()
    {
        MatchText.Normalize("王\u200B小\u202E明").ShouldBe("王小明");
        MatchText.Normalize("  Ｓｈｅｎｚｈｅｎ   ACME\t科技 ").ShouldBe("shenzhen acme 科技");
        MatchText.Normalize(null).ShouldBe("");
    }
}
