using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Testing;

namespace Scrm.Host.Tests;

/// <summary>What a new operator sees on the first start: which keys work and why, where leads will go, limits behind a proxy.</summary>
public sealed class FirstStartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Configured_keys_say_at_start_that_they_replace_the_generated_admin_key_and_its_use_is_logged_as_such()
    {
        var capture = new LogCapture();
        await using var app = new ScrmApp(services: s => s.AddSingleton<ILoggerProvider>(capture));
        // An earlier start without configured keys generated an admin key and kept its digest in the data directory.
        var generated = "scrm_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Directory.CreateDirectory(app.DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(app.DataDirectory, "admin-api-key.json"),
            JsonSerializer.Serialize(new { Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(generated))) }), Ct);

        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", generated);
        var refused = await client.GetAsync("/api/v1/journal/stats", Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        capture.Lines.ShouldContain(l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains("5 API key(s) accepted, from Scrm:Auth:ApiKeys", StringComparison.Ordinal));
        capture.Lines.ShouldContain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("generated admin key (admin-api-key.json", StringComparison.Ordinal) && l.Contains("NOT accepted", StringComparison.Ordinal));
        capture.Lines.ShouldContain(l => l.Contains("Rejected the generated admin key on /api/v1/journal/stats", StringComparison.Ordinal));
        capture.Lines.ShouldAllBe(l => !l.Contains(generated!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_sales_team_the_start_and_the_readiness_check_say_that_every_lead_goes_to_the_pool()
    {
        var capture = new LogCapture();
        await using var app = new ScrmApp(services: s => s.AddSingleton<ILoggerProvider>(capture));
        using var client = app.CreateClient();
        var ready = await client.GetAsync("/health/ready", Ct);

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>(Ct);
        body.GetProperty("checks").GetProperty("routing").GetProperty("description").GetString()!.ShouldContain("every lead goes to the shared pool");
        capture.Lines.ShouldContain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("No sales team is configured", StringComparison.Ordinal));
    }

    private static HttpRequestMessage Form(string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/forms/contact")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = $"visitor{Guid.NewGuid():N}@example.com" }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_visitor_has_their_own_form_allowance_and_a_flood_is_told_when_to_retry()
    {
        await using var app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
            ["Scrm:WebForms:PerIpPerMinute"] = "2",
            ["Scrm:Http:KnownProxies:0"] = "127.0.0.1",
            ["Scrm:Http:KnownProxies:1"] = "::1",
        });
        using var client = app.CreateClient();

        (await client.SendAsync(Form("203.0.113.7"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.SendAsync(Form("203.0.113.7"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var flood = await client.SendAsync(Form("203.0.113.7"), Ct);
        flood.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        flood.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        int.Parse(flood.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);

        // Another visitor behind the same proxy is not held back by the first one.
        (await client.SendAsync(Form("198.51.100.9"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_configured_proxy_are_not_believed()
    {
        await using var app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
            ["Scrm:WebForms:PerIpPerMinute"] = "2",
        });
        using var client = app.CreateClient();

        // A client inventing a new X-Forwarded-For for each post still has one allowance.
        (await client.SendAsync(Form("203.0.113.1"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.SendAsync(Form("203.0.113.2"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await client.SendAsync(Form("203.0.113.3"), Ct)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Started_from_another_folder_the_host_reads_its_own_settings_and_logs_no_personal_data_even_at_trace()
    {
        using var data = new TempDirectory("scrm-elsewhere-data");
        using var elsewhere = new TempDirectory("scrm-elsewhere-cwd");
        await using var host = await ChildHost.StartAsync(StorageUnderTest.Sqlite, data.Path, new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
            ["Logging:Console:LogLevel:Default"] = "Trace",
        }, workingDirectory: elsewhere.Path);
        using var anonymous = new HttpClient { BaseAddress = host.Address };
        using var staff = host.ClientFor("admin");

        // The contact form is configured only in the host's appsettings.json.
        var posted = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "王小明",
            ["phone"] = "139 1234 5678",
            ["email"] = "wang.xiaoming@example.com",
        }), Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await staff.GetAsync("/api/v1/search?q=13912345678", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.GetAsync("/api/v1/customers?q=wang.xiaoming%40example.com", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);

        var output = host.Output;
        output.ShouldContain("dbug:", Case.Sensitive, "debug logging is on, so a leak would show");
        foreach (var personal in new[] { "13912345678", "wang.xiaoming", "王小明" })
        {
            output.ShouldNotContain(personal, Case.Insensitive);
        }

        Directory.EnumerateFileSystemEntries(elsewhere.Path).ShouldBeEmpty();
    }
}
