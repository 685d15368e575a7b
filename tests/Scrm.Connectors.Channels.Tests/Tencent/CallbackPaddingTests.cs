using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>
/// The PKCS#7 rules of the safe-mode cipher, each on its own: the ciphertexts below are framed
/// correctly (length, message, receive id) so that only the padding is wrong, and nothing but the
/// padding check can refuse them.
/// </summary>
public sealed class CallbackPaddingTests
{
    private const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private const string AppId = "wx1234567890abcdef";
    private const string Message = "<xml><Content><![CDATA[你好]]></Content></xml>";

    /// <summary>16 random bytes ‖ big-endian length ‖ message ‖ receive id, unpadded.</summary>
    private static byte[] Framed()
    {
        var message = Encoding.UTF8.GetBytes(Message);
        var id = Encoding.UTF8.GetBytes(AppId);
        var content = new byte[20 + message.Length + id.Length];
        RandomNumberGenerator.Fill(content.AsSpan(0, 16));
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(16, 4), (uint)message.Length);
        message.CopyTo(content, 20);
        id.CopyTo(content, 20 + message.Length);
        return content;
    }

    private static string Encrypt(byte[] content, byte[] padding)
    {
        var plain = content.Concat(padding).ToArray();
        plain.Length.ShouldBe(plain.Length / 16 * 16, "the test's plaintext must be whole AES blocks");
        using var aes = Aes.Create();
        aes.Key = CallbackCipher.DecodeKey(Key);
        return Convert.ToBase64String(aes.EncryptCbc(plain, aes.Key[..16], PaddingMode.None));
    }

    /// <summary>How many pad bytes, at least <paramref name="atLeast"/>, make whole AES blocks of <paramref name="content"/>.</summary>
    private static int PadFrom(byte[] content, int atLeast) => atLeast + (16 - (content.Length + atLeast) % 16) % 16;

    [Fact]
    public void A_correctly_padded_frame_built_here_opens_so_the_refusals_below_are_about_the_padding_alone()
    {
        var content = Framed();
        var pad = PadFrom(content, 1);

        new CallbackCipher(Key, AppId).Decrypt(Encrypt(content, Enumerable.Repeat((byte)pad, pad).ToArray())).ShouldBe(Message);
    }

    [Fact]
    public void Padding_whose_bytes_are_not_all_the_pad_length_is_refused()
    {
        var content = Framed();
        var pad = PadFrom(content, 4);
        // The last byte says pad; the ones before it in the pad do not.
        var padding = Enumerable.Range(1, pad).Select(i => (byte)(i == pad ? pad : i)).ToArray();

        var refusal = Should.Throw<CallbackRejectedException>(() => new CallbackCipher(Key, AppId).Decrypt(Encrypt(content, padding)));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.BadPadding, "The encrypted message's padding is not valid."));
    }

    [Fact]
    public void A_pad_longer_than_the_platforms_32_byte_block_is_refused_even_when_every_pad_byte_agrees()
    {
        var content = Framed();
        var pad = PadFrom(content, CallbackCipher.PadBlock + 1);
        pad.ShouldBeInRange(33, 48);

        var refusal = Should.Throw<CallbackRejectedException>(() =>
            new CallbackCipher(Key, AppId).Decrypt(Encrypt(content, Enumerable.Repeat((byte)pad, pad).ToArray())));

        (refusal.Failure, refusal.Message).ShouldBe((CallbackFailure.BadPadding, "The encrypted message's padding is not valid."));
    }
}
