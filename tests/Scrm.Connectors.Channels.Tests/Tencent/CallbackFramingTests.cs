using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>
/// The safe-mode frame inside the padding (16 random bytes ‖ big-endian length ‖ message ‖ receive
/// id) and the key it is opened with: each case below is encrypted here with the framework's AES and
/// correct padding, so only the rule under test can refuse it.
/// </summary>
public sealed class CallbackFramingTests
{
    private const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string AppId = "wx1234567890abcdef";

    private static byte[] Frame(byte[] message, uint length, byte[] receiveId)
    {
        var content = new byte[20 + message.Length + receiveId.Length];
        RandomNumberGenerator.Fill(content.AsSpan(0, 16));
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(16, 4), length);
        message.CopyTo(content, 20);
        receiveId.CopyTo(content, 20 + message.Length);
        return content;
    }

    /// <summary>The content padded to whole AES blocks with a correct PKCS#7 pad of 1..32 bytes, then encrypted.</summary>
    private static string Encrypt(byte[] content)
    {
        var pad = CallbackCipher.PadBlock - content.Length % CallbackCipher.PadBlock;
        var plain = content.Concat(Enumerable.Repeat((byte)pad, pad)).ToArray();
        using var aes = Aes.Create();
        aes.Key = CallbackCipher.DecodeKey(Key);
        return Convert.ToBase64String(aes.EncryptCbc(plain, aes.Key[..16], PaddingMode.None));
    }

    private static CallbackRejectedException Refusal(string encrypted) =>
        Should.Throw<CallbackRejectedException>(() => new CallbackCipher(Key, AppId).Decrypt(encrypted));

    [Fact]
    public void A_frame_built_here_opens_so_the_refusals_below_are_about_the_frame_alone()
    {
        var message = Encoding.UTF8.GetBytes("<xml>你好</xml>");

        new CallbackCipher(Key, AppId).Decrypt(Encrypt(Frame(message, (uint)message.Length, Encoding.UTF8.GetBytes(AppId)))).ShouldBe("<xml>你好</xml>");
    }

    [Fact]
    public void The_shortest_frame_of_random_bytes_and_a_zero_length_opens_to_an_empty_message_for_an_empty_receive_id() =>
        new CallbackCipher(Key, "").Decrypt(Encrypt(Frame([], 0, []))).ShouldBe("");

    [Fact]
    public void A_frame_shorter_than_its_random_bytes_and_length_is_refused_as_padding()
    {
        var refusal = Refusal(Encrypt(new byte[19]));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.BadPadding, "The decrypted message is too short to be framed."));
    }

    [Fact]
    public void A_plaintext_that_is_all_padding_is_refused()
    {
        using var aes = Aes.Create();
        aes.Key = CallbackCipher.DecodeKey(Key);
        var allPad = Convert.ToBase64String(aes.EncryptCbc(Enumerable.Repeat((byte)32, 32).ToArray(), aes.Key[..16], PaddingMode.None));

        var refusal = Refusal(allPad);

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.BadPadding, "The decrypted message is too short to be framed."));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(uint.MaxValue)]
    public void A_length_that_runs_past_the_frame_is_refused_as_malformed(uint beyond)
    {
        var message = Encoding.UTF8.GetBytes("<xml/>");
        var id = Encoding.UTF8.GetBytes(AppId);

        var refusal = Refusal(Encrypt(Frame(message, beyond == uint.MaxValue ? beyond : (uint)(message.Length + id.Length) + beyond, id)));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.MalformedXml, "The decrypted message's length does not fit its frame."));
    }

    [Fact]
    public void A_length_that_reaches_the_end_of_the_frame_leaves_no_receive_id_and_is_another_accounts()
    {
        var message = Encoding.UTF8.GetBytes("<xml/>" + AppId);

        var refusal = Refusal(Encrypt(Frame(message, (uint)message.Length, [])));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.AppIdMismatch, "The message was encrypted for another account."));
    }

    [Fact]
    public void A_message_that_is_not_utf8_is_refused_as_malformed()
    {
        byte[] message = [0x3c, 0x78, 0xff, 0xfe, 0x3e];

        var refusal = Refusal(Encrypt(Frame(message, (uint)message.Length, Encoding.UTF8.GetBytes(AppId))));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.MalformedXml, "The decrypted message is not UTF-8 text."));
    }

    [Theory]
    [InlineData("!!!!", CallbackFailure.BadBase64, "The encrypted message is not Base64.")]
    [InlineData("", CallbackFailure.BadPadding, "The encrypted message is not a whole number of AES blocks.")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA", CallbackFailure.BadPadding, "The encrypted message is not a whole number of AES blocks.")]
    public void Ciphertext_that_is_not_whole_aes_blocks_of_base64_is_refused_before_decrypting(string encrypted, CallbackFailure failure, string detail)
    {
        var refusal = Refusal(encrypted);

        (refusal.Failure, refusal.Message).ShouldBe((failure, detail));
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "An EncodingAESKey is 43 characters long.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", "An EncodingAESKey is 43 characters long.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!", "An EncodingAESKey is Base64 for 32 bytes without the final '='.")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", "An EncodingAESKey is Base64 for 32 bytes without the final '='.")]
    public void A_key_that_is_not_43_base64_characters_for_32_bytes_is_refused(string key, string detail)
    {
        Should.Throw<FormatException>(() => CallbackCipher.DecodeKey(key)).Message.ShouldBe(detail);
        CallbackCipher.IsValidKey(key).ShouldBeFalse();
    }

    [Fact]
    public void Encrypting_takes_exactly_sixteen_random_bytes()
    {
        var refusal = Should.Throw<ArgumentException>(() => new CallbackCipher(Key, AppId).Encrypt("x", new byte[15]));

        (refusal.ParamName, refusal.Message).ShouldBe(("random16", "Exactly 16 random bytes are needed. (Parameter 'random16')"));
    }
}
