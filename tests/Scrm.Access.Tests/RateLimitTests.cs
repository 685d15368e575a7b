using System.Net;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>Limits per signed-in person and per API key: each runs out on its own and says when to come back.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int PerUserPerMinute = 5;
    private const int PerKeyPerSecond = 3;
    private ScrmApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:Access:SecureCookies"] = "false",
            ["Scrm:Access:PerUserPerMinute"] = PerUserPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Scrm:Access:PerKeyPerSecond"] = PerKeyPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Requests until the first 429 (or <paramref name="most"/> without one); the count of those let through.</summary>
    private static async Task<(int Allowed, HttpResponseMessage? Refused)> UntilRefusedAsync(HttpClient client, int most)
    {
        for (var i = 0; i < most; i++)
        {
            var response = await client.GetAsync("/api/v1/leads", Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                return (i, response);
            }

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        return (most, null);
    }

    private static int RetryAfter(HttpResponseMessage refused) =>
        int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_person_and_a_key_each_run_out_on_their_own_with_429_and_retry_after()
    {
        var annaPassword = await AccessClient.CreatePersonAsync(_app, "anna", "sales");
        var boPassword = await AccessClient.CreatePersonAsync(_app, "bo", "sales");
        await Task.Delay(TimeSpan.FromSeconds(1.1), Ct); // the admin key's own bucket refills
        var (_, annasKey) = await AccessClient.CreateKeyAsync(_app, "anna", "sales");
        var (_, otherKey) = await AccessClient.CreateKeyAsync(_app, "bo", "sales");

        var (anna, _) = AccessClient.Browser(_app);
        var (bo, _) = AccessClient.Browser(_app);
        using (anna)
        using (bo)
        using (var key = AccessClient.WithKey(_app, annasKey))
        using (var other = AccessClient.WithKey(_app, otherKey))
        {
            (await AccessClient.SignInAsync(anna, "anna", annaPassword)).IsSuccessStatusCode.ShouldBeTrue();
            (await AccessClient.SignInAsync(bo, "bo", boPassword)).IsSuccessStatusCode.ShouldBeTrue();

            // Anna signed in: her minute's allowance, then 429 with the wait in whole seconds.
            var (allowed, refused) = await UntilRefusedAsync(anna, PerUserPerMinute + 5);
            allowed.ShouldBe(PerUserPerMinute);
            refused.ShouldNotBeNull();
            RetryAfter(refused).ShouldBeInRange(1, 60);

            // Bo's allowance is his own, and so is Anna's key's.
            (await bo.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await key.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // The key's bucket runs out within a burst (it refills PerKeyPerSecond a second; a burst is far more).
            var (_, keyRefused) = await UntilRefusedAsync(key, 200);
            keyRefused.ShouldNotBeNull();
            RetryAfter(keyRefused).ShouldBeInRange(1, 2);

            // Another key is not held back by it.
            (await other.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }
}
