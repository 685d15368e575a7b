using System.Text.Json;
using Scrm.Search.Protection;
using Scrm.Testing;

namespace Scrm.Search.Tests;

public sealed class ContactProtectionTests
{
    public static TheoryData<string> OddPhones =>
        new(JsonSerializer.Deserialize<string[]>(File.ReadAllText(Repo.Fixture("hostile", "phones-odd-formats.json")))!);

    [Theory]
    [InlineData("电话13912345678，微信同号", "+8613912345678")]
    [InlineData("call 139 1234 5678 today", "+8613912345678")]
    [InlineData("call +86 139-1234-5678 today", "+8613912345678")]
    [InlineData("（+86）１３９１２３４５６７８", "+8613912345678")]
    [InlineData("座机 010-8888 6666 转 8", "+861088886666")]
    [InlineData("价格 1999 13912345678", "+8613912345678")]
    [InlineData("write to Xiao.Li@Example.com.", "xiao.li@example.com")]
    [InlineData("ｘｉａｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "xiao@example.com")]
    public void Finds_phones_and_addresses_however_they_are_written(string text, string normalised)
    {
        var found = ContactText.Find(text).ShouldHaveSingleItem();
        found.Value.ShouldBe(normalised);
        text.Substring(found.Start, found.Length).ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("2026-11-20 下单，订单号 202611200001")]
    [InlineData("100个席位，预算 30000 元")]
    [InlineData("热线 400-123-4567")]
    [InlineData("version 1.2.3.4, build 12345")]
    [InlineData("sales@example")]
    public void Leaves_dates_amounts_and_service_numbers_alone(string text)
    {
        ContactText.Find(text).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(OddPhones))]
    public void Every_placeable_fixture_phone_is_found_whole(string phone)
    {
        var expected = Scrm.Platform.Contacts.Phone.Normalize(phone) is { E164: { } e164, Kind: not Scrm.Platform.Contacts.PhoneKind.Service } ? e164 : null;
        var found = ContactText.Find("联系 " + phone + " 谢谢");
        if (expected is null)
        {
            found.ShouldBeEmpty();
        }
        else
        {
            found.ShouldHaveSingleItem().Value.ShouldBe(expected);
        }
    }

    [Fact]
    public void Written_documents_keep_contacts_only_masked_in_text_and_in_full_in_the_protected_field()
    {
        var document = new SearchDocument("m1", "mention", "weibo", "brand", "u1", "小李 13912345678", "联系 xiaoli@example.com",
            "我的电话是 139 1234 5678\n邮箱 xiaoli@example.com\r\n谢谢", DateTimeOffset.UnixEpoch, null, [])
        {
            Contacts = ["+86 139-1234-5678", "Other@Example.com"],
        };

        var written = DocumentProtection.Protect(document);

        written.Text.ShouldBe("我的电话是 139****5678 邮箱 x***@example.com 谢谢");
        written.Title.ShouldBe("联系 x***@example.com");
        written.AuthorName.ShouldBe("小李 139****5678");
        written.Contacts.ShouldBe(["+8613912345678", "other@example.com", "xiaoli@example.com"]);
    }

    [Fact]
    public void Text_without_contacts_or_line_breaks_is_written_as_it_is()
    {
        var document = new SearchDocument("m1", "mention", "weibo", "brand", null, "上海小李", null, "物流太慢了", DateTimeOffset.UnixEpoch, null, []);
        DocumentProtection.Protect(document).ShouldBeSameAs(document);
    }

    [Theory]
    [InlineData("13912345678", "+8613912345678", false)]
    [InlineData("139 1234 5678 物流", "+8613912345678", false)]
    [InlineData("-+86 139 1234 5678", "+8613912345678", true)]
    [InlineData("\"Sales@Example.com\"", "sales@example.com", false)]
    [InlineData("13912345678@qq.com", "13912345678@qq.com", false)]
    public void Queries_take_contacts_out_as_one_clause(string text, string contact, bool exclude)
    {
        var clauses = QueryText.Parse(text);
        var found = clauses.Where(c => c.Contact is not null).ShouldHaveSingleItem();
        found.Contact.ShouldBe(contact);
        found.Exclude.ShouldBe(exclude);
        clauses.Where(c => c.Contact is null).ShouldAllBe(c => !c.Text.Any(char.IsAsciiDigit));
    }
}
