using System.Globalization;
using Scrm.Connectors.Sdk.Tencent;

namespace Scrm.Connectors.Channels.Tests.Tencent;

/// <summary>The replay window's edges: how far a callback's timestamp may be from now, and what counts as Unix seconds.</summary>
public sealed class ReplayWindowTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    [InlineData(-300)]
    public void A_timestamp_up_to_the_window_away_in_either_direction_is_accepted(int offset) =>
        ReplayWindow.Check(Seconds(Now.AddSeconds(offset)), Now, ReplayWindow.Default).ShouldBe(Now.AddSeconds(offset));

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void A_timestamp_one_second_beyond_the_window_is_refused_and_the_refusal_names_the_window(int offset)
    {
        var refusal = Should.Throw<CallbackRejectedException>(() => ReplayWindow.Check(Seconds(Now.AddSeconds(offset)), Now, ReplayWindow.Default));

        refusal.Failure.ShouldBe(CallbackFailure.ReplayWindow);
        refusal.Message.ShouldBe("The timestamp is more than 300 seconds away from the current time.");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1700000000.5")]
    [InlineData("-1700000000")]
    [InlineData("+1700000000")]
    [InlineData(" 1700000000")]
    [InlineData("0001700000000")]
    [InlineData("253402300800")]
    [InlineData("99999999999999999999")]
    public void A_timestamp_that_is_not_plain_unix_seconds_is_refused_as_such(string? timestamp)
    {
        var refusal = Should.Throw<CallbackRejectedException>(() => ReplayWindow.Check(timestamp, Now, TimeSpan.MaxValue));

        refusal.Failure.ShouldBe(CallbackFailure.ReplayWindow);
        refusal.Message.ShouldBe("The timestamp is missing or is not Unix seconds.");
    }

    [Fact]
    public void Twelve_digits_with_leading_zeros_and_the_last_second_of_year_9999_are_still_unix_seconds()
    {
        ReplayWindow.Check("001700000000", Now, ReplayWindow.Default).ShouldBe(Now);
        var last = DateTimeOffset.FromUnixTimeSeconds(253_402_300_799);
        ReplayWindow.Check("253402300799", last, ReplayWindow.Default).ShouldBe(last);
    }
}
