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
    [InlineData("0755-2345678", "+867552345678", PhoneKind.Landline)]
    [InlineData("021 6123 4567", "+862161234567", PhoneKind.Landline)]
    [InlineData("+1 415 555 2671", "+14155552671", PhoneKind.International)]
    [InlineData("400-123-4567", null, PhoneKind.Service)]
    [InlineData("800-820-8820", null, PhoneKind.Service)]
    [InlineData("138 0013 800", null, PhoneKind.Unknown)]
    [InlineData("12345678", null, PhoneKind.Unknown)]
    public void Phones_normalise_to_E164_only_when_certain(string input, string? e164, PhoneKind kind)
    {
        var phone = Phone.Normalize(input).ShouldNotBeNull();
        phone.E164.ShouldBe(e164);
        phone.Kind.ShouldBe(kind);
        phone.Raw.ShouldBe(input.Trim());
    }

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
