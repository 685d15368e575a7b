using System.Text;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>Every protocol vector in <c>fixtures/wechat/vectors.json</c> for the shared callback code.</summary>
public sealed class CallbackVectorTests
{
    public static TheoryData<string> UrlVerifications => Fixtures.VectorIds("wechat_oa_url_verification");

    public static TheoryData<string> SafeModeMessages => Fixtures.VectorIds("wechat_oa_safe_mode");

    public static TheoryData<string> WeComUrlVerifications => Fixtures.VectorIds("wecom_url_verification");

    public static TheoryData<string> WeComEvents => Fixtures.VectorIds("wecom_external_contact_event");

    [Theory]
    [MemberData(nameof(UrlVerifications))]
    public void Official_account_url_check_signs_the_ordinally_sorted_parts_and_echoes(string id)
    {
        var v = Fixtures.Vector(id);
        var (inputs, expected) = (v.GetProperty("inputs"), v.GetProperty("expected"));
        var parts = new[] { inputs.Text("token"), inputs.Text("timestamp"), inputs.Text("nonce") };

        CallbackSignature.Compute(parts).ShouldBe(expected.Text("signature"));
        if (expected.OptionalText("sorted_concat") is { } concat)
        {
            string.Concat(parts.Order(StringComparer.Ordinal)).ShouldBe(concat);
        }

        var query = new CallbackQuery(expected.Text("signature").ToUpperInvariant(), null, inputs.Text("timestamp"), inputs.Text("nonce"), inputs.Text("echostr"), null);
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(inputs.Text("timestamp")));
        TencentCallback.VerifyPlainUrl(inputs.Text("token"), query, now, ReplayWindow.Default).ShouldBe(expected.Text("response"));
    }

    [Fact]
    public void A_culture_aware_sort_would_sign_differently()
    {
        var v = Fixtures.Vector("oa-url-verify-sort").GetProperty("inputs");
        var parts = new[] { v.Text("token"), v.Text("timestamp"), v.Text("nonce") };
        var culturalOrder = parts.Order(StringComparer.InvariantCultureIgnoreCase).ToArray();

        string.Concat(culturalOrder).ShouldNotBe(string.Concat(parts.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(SafeModeMessages))]
    public void Safe_mode_messages_decrypt_to_the_expected_plaintext(string id)
    {
        var v = Fixtures.Vector(id);
        var (inputs, expected) = (v.GetProperty("inputs"), v.GetProperty("expected"));
        var cipher = new CallbackCipher(inputs.Text("encodingAesKey"), expected.Text("appId"));
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(inputs.Text("timestamp")));

        var plaintext = TencentCallback.Decrypt(
            inputs.Text("token"), cipher, inputs.Text("msg_signature"), inputs.Text("timestamp"), inputs.Text("nonce"), inputs.Text("encrypt"), now, ReplayWindow.Default);

        plaintext.ShouldBe(expected.Text("plaintext"));
    }

    [Theory]
    [MemberData(nameof(SafeModeMessages))]
    public void Encryption_with_the_vectors_random_bytes_reproduces_the_ciphertext_and_its_padding(string id)
    {
        var v = Fixtures.Vector(id);
        var (inputs, expected) = (v.GetProperty("inputs"), v.GetProperty("expected"));
        var cipher = new CallbackCipher(inputs.Text("encodingAesKey"), expected.Text("appId"));

        cipher.Encrypt(expected.Text("plaintext"), Convert.FromHexString(inputs.Text("random16_hex"))).ShouldBe(inputs.Text("encrypt"));
        var framed = 20 + Encoding.UTF8.GetByteCount(expected.Text("plaintext")) + Encoding.UTF8.GetByteCount(expected.Text("appId"));
        (CallbackCipher.PadBlock - framed % CallbackCipher.PadBlock).ShouldBe(expected.GetProperty("pad").GetInt32());
    }

    [Theory]
    [MemberData(nameof(WeComUrlVerifications))]
    public void WeCom_url_check_decrypts_the_echostr(string id)
    {
        var v = Fixtures.Vector(id);
        var (inputs, expected) = (v.GetProperty("inputs"), v.GetProperty("expected"));
        var cipher = new CallbackCipher(inputs.Text("encodingAesKey"), inputs.Text("corpId"));
        var query = new CallbackQuery(null, inputs.Text("msg_signature"), inputs.Text("timestamp"), inputs.Text("nonce"), inputs.Text("echostr"), null);
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(inputs.Text("timestamp")));

        TencentCallback.VerifyEncryptedUrl(inputs.Text("token"), cipher, query, now, ReplayWindow.Default).ShouldBe(expected.Text("response"));
    }

    [Theory]
    [MemberData(nameof(WeComEvents))]
    public void WeCom_events_decrypt_and_read_as_xml(string id)
    {
        var v = Fixtures.Vector(id);
        var (inputs, expected) = (v.GetProperty("inputs"), v.GetProperty("expected"));
        var cipher = new CallbackCipher(inputs.Text("encodingAesKey"), inputs.Text("corpId"));
        var now = DateTimeOffset.FromUnixTimeSeconds(long.Parse(inputs.Text("timestamp")));
        var envelope = $"<xml><ToUserName><![CDATA[{inputs.Text("corpId")}]]></ToUserName><Encrypt><![CDATA[{inputs.Text("encrypt")}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>";
        var query = new CallbackQuery(null, inputs.Text("msg_signature"), inputs.Text("timestamp"), inputs.Text("nonce"), null, "aes");

        var xml = TencentCallback.OpenEncrypted(inputs.Text("token"), cipher, query, envelope, now, ReplayWindow.Default);

        xml["ChangeType"].ShouldBe(expected.Text("changeType"));
        xml["UserID"].ShouldBe(expected.Text("userId"));
        xml["ExternalUserID"].ShouldBe(expected.Text("externalUserId"));
        xml["State"].ShouldBe(expected.OptionalText("state"));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    public void The_replay_window_allows_five_minutes_of_skew_either_way(int skewSeconds, bool allowed)
    {
        var now = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var timestamp = (now.ToUnixTimeSeconds() + skewSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var check = () => ReplayWindow.Check(timestamp, now, ReplayWindow.Default);

        if (allowed)
        {
            check().ShouldBe(now.AddSeconds(skewSeconds));
        }
        else
        {
            Should.Throw<CallbackRejectedException>(() => check()).Failure.ShouldBe(CallbackFailure.ReplayWindow);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1700000000")]
    [InlineData("999999999999")]
    [InlineData("1700000000.5")]
    public void Unreadable_timestamps_are_refused(string timestamp) =>
        Should.Throw<CallbackRejectedException>(() => ReplayWindow.Check(timestamp, DateTimeOffset.UnixEpoch, ReplayWindow.Default))
            .Failure.ShouldBe(CallbackFailure.ReplayWindow);

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", false)]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDE@G", false)]
    public void EncodingAesKeys_are_43_base64_characters_for_32_bytes(string key, bool valid) =>
        CallbackCipher.IsValidKey(key).ShouldBe(valid);

    [Fact]
    public void Signatures_compare_whatever_their_case_and_refuse_malformed_hex()
    {
        var signature = CallbackSignature.Compute("t", "1", "n");

        CallbackSignature.Matches(signature.ToUpperInvariant(), "t", "1", "n").ShouldBeTrue();
        CallbackSignature.Matches(signature[..^1] + "x", "t", "1", "n").ShouldBeFalse();
        CallbackSignature.Matches(signature[..^2], "t", "1", "n").ShouldBeFalse();
        CallbackSignature.Matches(null, "t", "1", "n").ShouldBeFalse();
    }
}
