using Scrm.Connectors.Sdk.Tencent;
using Scrm.Testing;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>Every case in <c>fixtures/wechat/negative.json</c> is refused with its category.</summary>
public sealed class NegativeVectorTests
{
    public static TheoryData<string> Cases => Fixtures.NegativeIds();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Negative_cases_are_refused_with_their_category(string id)
    {
        var c = Fixtures.Negative(id);
        var inputs = c.GetProperty("inputs");

        var refusal = Should.Throw<CallbackRejectedException>(() => Open(inputs));

        refusal.Failure.ToWire().ShouldBe(c.Text("expected_error"));
    }

    /// <summary>Runs a case through the path a real callback takes for its kind of input.</summary>
    private static void Open(System.Text.Json.JsonElement inputs)
    {
        if (inputs.OptionalText("encrypt") is { } encrypted)
        {
            var cipher = new CallbackCipher(inputs.Text("encodingAesKey"), inputs.Text("appId"));
            var now = DateTimeOffset.FromUnixTimeSeconds(inputs.TryGetProperty("now", out var n) ? n.GetInt64() : long.Parse(inputs.Text("timestamp")));
            var plaintext = TencentCallback.Decrypt(
                inputs.Text("token"), cipher, inputs.Text("msg_signature"), inputs.Text("timestamp"), inputs.Text("nonce"), encrypted, now, ReplayWindow.Default);
            CallbackXml.Parse(plaintext);
            return;
        }

        var xml = inputs.OptionalText("xml") ?? HostileGenerator.Evaluate(inputs.Text("generator"));
        CallbackXml.Parse(xml);
    }
}
