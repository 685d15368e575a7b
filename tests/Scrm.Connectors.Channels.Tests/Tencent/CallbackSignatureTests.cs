using System.Security.Cryptography;
using System.Text;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>The plain-mode signature: SHA-1 of the sorted parts, worked out here with the framework's SHA-1, and how a wrong or malformed one is refused.</summary>
public sealed class CallbackSignatureTests
{
#pragma warning disable CA5350 // SHA-1 is the platform's protocol.
    private static string Sha1(params string[] parts) =>
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(parts.Order(StringComparer.Ordinal)))));
#pragma warning restore CA5350

    [Fact]
    public void The_signature_is_sha1_of_the_sorted_parts_and_matches_in_either_hex_case()
    {
        var expected = Sha1("token", "1700000000", "nonce");

        CallbackSignature.Compute("token", "1700000000", "nonce").ShouldBe(expected);
        CallbackSignature.Matches(expected.ToUpperInvariant(), "nonce", "token", "1700000000").ShouldBeTrue();
        Should.NotThrow(() => CallbackSignature.Verify(expected, "token", "1700000000", "nonce"));
    }

    [Fact]
    public void Parts_longer_than_a_kilobyte_are_signed_the_same_way()
    {
        var body = new string('密', 2000);

        CallbackSignature.Matches(Sha1("token", "1700000000", "nonce", body), "token", "1700000000", "nonce", body).ShouldBeTrue();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0000000000000000000000000000000000000000")]
    [InlineData("zz00000000000000000000000000000000000000")]
    [InlineData("000000000000000000000000000000000000000")]
    public void A_wrong_or_malformed_signature_is_refused_with_its_text(string? signature)
    {
        CallbackSignature.Matches(signature, "token", "1700000000", "nonce").ShouldBeFalse();

        var refusal = Should.Throw<CallbackRejectedException>(() => CallbackSignature.Verify(signature, "token", "1700000000", "nonce"));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.BadSignature, "The signature does not match."));
    }
}
