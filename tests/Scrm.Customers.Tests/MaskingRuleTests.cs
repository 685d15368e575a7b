using Scrm.Platform.Security;

namespace Scrm.Customers.Tests;

/// <summary>The masking rule's edges, worked out by hand: mobile and landline numbers, free text with numbers and addresses in it, amounts, street addresses, and who may reveal.</summary>
public sealed class MaskingRuleTests
{
    [Theory]
    [InlineData("+8619912345678", "199****5678")]
    [InlineData("+8613012345678", "130****5678")]
    [InlineData("+8612345678901", "012****8901")]
    [InlineData("+86 755 8888 6666", "075****6666")]
    [InlineData("12345678", "123****5678")]
    [InlineData("1234567", "***")]
    public void Mobile_numbers_keep_their_own_first_three_digits_and_others_read_as_landlines(string value, string masked) =>
        Masking.Phone(value).ShouldBe(masked);

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("@example.com", "***")]
    [InlineData("no-at-sign", "***")]
    [InlineData("a@b.cn", "a***@b.cn")]
    public void An_address_without_a_local_part_is_hidden_entirely_and_no_address_stays_as_it_was(string? value, string? masked) => Masking.Email(value).ShouldBe(masked);

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("请回电 13800138000 谢谢", "请回电 138****8000 谢谢")]
    [InlineData("电话 138-0013-8000", "电话 138****8000")]
    [InlineData("座机 0123456789", "座机 ******6789")]
    [InlineData("分机 1234567", "分机 ***4567")]
    [InlineData("订单 123456", "订单 123456")]
    [InlineData("写信给 sales@example.com 或 13800138000", "写信给 s***@example.com 或 138****8000")]
    public void Free_text_keeps_its_words_and_loses_every_number_and_address(string? text, string? masked) =>
        Masking.Text(text).ShouldBe(masked);

    [Fact]
    public void Amounts_show_two_decimals_or_nothing()
    {
        Masking.Amount((decimal?)null, masked: false).ShouldBeNull();
        Masking.Amount((decimal?)null, masked: true).ShouldBeNull();
        Masking.Amount(12.5m, masked: false).ShouldBe("12.50");
        Masking.Amount(12.5m, masked: true).ShouldBe("***");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("海淀区", "***")]
    [InlineData("北京市海淀区", "***")]
    [InlineData("北京市海淀区中关村大街1号", "北京市海淀区***")]
    public void A_street_address_keeps_its_first_six_characters_when_it_has_more(string? value, string? masked) =>
        Masking.Address(value).ShouldBe(masked);

    [Theory]
    [InlineData("admin", true)]
    [InlineData("sales", true)]
    [InlineData("marketer", true)]
    [InlineData("community", true)]
    [InlineData("ingest", false)]
    [InlineData(null, false)]
    public void Who_may_reveal_masked_fields(string? role, bool may) =>
        FieldPolicy.MayReveal(new Caller("someone", role), new ProtectionOptions()).ShouldBe(may);

    [Fact]
    public void Masked_is_the_opposite_of_unmasked()
    {
        new FieldAccess(Unmasked: false, AuditRead: false).Masked.ShouldBeTrue();
        new FieldAccess(Unmasked: true, AuditRead: true).Masked.ShouldBeFalse();
    }
}
