using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bogus;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>
/// Marketers, community agents and machine callers may not see contact data. With customers, leads
/// and mentions carrying generated numbers and e-mail addresses, every GET endpoint the host maps
/// (each route filled with every known id) and the search POST are called as each of those roles:
/// no body holds the digits of a seeded number in any format or a seeded address, and neither does
/// any log line the host wrote meanwhile.
/// </summary>
public sealed partial class MaskingWalkTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly List<string> _national = [];
    private readonly List<Guid> _customers = [];
    private readonly List<long> _leads = [];
    private ScrmApp _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = new ScrmApp(
            settings: new Dictionary<string, string?>
            {
                ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
                ["Logging:LogLevel:Default"] = "Debug",
                ["Logging:LogLevel:Microsoft"] = "Information",
            },
            services: s => s.AddSingleton<ILoggerProvider>(new CaptureLogs(_logs)));
        var faker = new Faker("zh_CN") { Random = new Randomizer(5) };
        using var shop = _app.ClientFor("ingest");
        using var anonymous = _app.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            var national = $"13{faker.Random.Number(5, 9)}{faker.Random.Number(10_000_000, 99_999_999)}";
            _national.Add(national);
            // The same number written three ways: E.164, spaced, dashed.
            var order = await shop.PostAsJsonAsync("/api/v1/orders", new
            {
                orderId = $"w-{i}", phone = $"+86 {national[..3]} {national[3..7]} {national[7..]}", name = faker.Name.FullName(), email = Email(i),
                amount = 88.8m, channel = "jd", occurredAt = DateTimeOffset.UtcNow, products = new[] { new { product = "茶", quantity = 1, amount = 88.8m } },
            }, Ct);
            order.StatusCode.ShouldBe(HttpStatusCode.Created);
            _customers.Add((await order.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("customerId").GetGuid());
            (await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = faker.Name.FullName(), ["phone"] = $"{national[..3]}-{national[3..7]}-{national[7..]}", ["company"] = faker.Company.CompanyName(),
                ["message"] = $"请回电 {national}",
            }), Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        // Wait until the forms became leads and search documents.
        using var admin = _app.ClientFor("admin");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var leads = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads?size=200", Ct);
            var hits = await admin.GetFromJsonAsync<JsonElement>("/api/v1/search?type=lead&size=50", Ct);
            if (leads.GetProperty("items").GetArrayLength() >= 6 && hits.GetProperty("hits").GetArrayLength() >= 6)
            {
                _leads.AddRange(leads.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetInt64()));
                break;
            }

            await Task.Delay(100, Ct);
        }

        _leads.Count.ShouldBeGreaterThanOrEqualTo(6);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task No_role_without_contact_access_finds_a_seeded_phone_number_or_email_in_any_response_or_log()
    {
        // The walk would be worthless if the numbers and addresses were nowhere: an admin sees them.
        using var admin = _app.ClientFor("admin");
        var full = await admin.GetStringAsync($"/api/v1/customers/{_customers[0]}", Ct);
        Leaks(full).ShouldContain(_national[0]);
        Leaks(full).ShouldContain(Email(0));
        Leaks(await admin.GetStringAsync("/api/v1/search?q=请回电", Ct)).ShouldNotBeEmpty();

        var urls = Urls().ToList();
        urls.Count.ShouldBeGreaterThan(40);
        var found = new List<string>();
        foreach (var role in new[] { "marketer", "community", "ingest" })
        {
            using var client = _app.ClientFor(role);
            var walked = 0;
            foreach (var url in urls)
            {
                using var response = await client.GetAsync(url, Ct);
                walked += response.IsSuccessStatusCode ? 1 : 0;
                found.AddRange(Leaks(await response.Content.ReadAsStringAsync(Ct)).Select(n => $"{role} GET {url} ({(int)response.StatusCode}): {n}"));
            }

            foreach (var body in new[] { """{"q":"请回电"}""", """{"types":["lead"]}""", """{"q":"茶"}""" })
            {
                using var response = await client.PostAsync("/api/v1/search", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
                walked += response.IsSuccessStatusCode ? 1 : 0;
                found.AddRange(Leaks(await response.Content.ReadAsStringAsync(Ct)).Select(n => $"{role} POST /api/v1/search {body} ({(int)response.StatusCode}): {n}"));
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{role}: {urls.Count} GETs and 3 searches, {walked} answered with content");
            if (role == "marketer")
            {
                walked.ShouldBeGreaterThan(20);
            }
        }

        found.ShouldBeEmpty();
        _logs.SelectMany(Leaks).ShouldBeEmpty();
    }

    private static string Email(int i) => $"buyer{i}@example.com";

    /// <summary>Every GET route of the host, each parameter filled with every id of its kind.</summary>
    private IEnumerable<string> Urls()
    {
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true);
        foreach (var e in endpoints)
        {
            var pattern = "/" + e.RoutePattern.RawText!.TrimStart('/');
            var fills = new List<string> { pattern };
            foreach (var parameter in e.RoutePattern.Parameters)
            {
                var token = Param().Match(pattern[pattern.IndexOf("{" + parameter.Name, StringComparison.Ordinal)..]).Value;
                IEnumerable<string> values = parameter.ParameterPolicies.Any(p => p.Content == "guid") ? _customers.Select(c => c.ToString())
                    : parameter.ParameterPolicies.Any(p => p.Content == "long") ? _leads.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    : parameter.Name is "day" ? ["2026-12-01"] : ["contact", "key-1", "admin"];
                fills = [.. fills.SelectMany(f => values.Select(v => f.Replace(token, v, StringComparison.Ordinal)))];
            }

            foreach (var url in fills)
            {
                yield return url;
            }
        }

        yield return "/api/v1/customers?limit=200";
        yield return "/api/v1/customers/export";
        yield return "/api/v1/leads/reports/channels?from=2026-01-01&to=2026-12-31";
        yield return "/api/v1/search?q=请回电&size=50";
        yield return "/api/v1/search?type=lead&size=50";
        foreach (var n in _national)
        {
            yield return $"/api/v1/customers?q={n}";
            yield return $"/api/v1/search?q={n}";
        }
    }

    /// <summary>Seeded numbers whose eleven digits appear in the text, whatever separates them, and seeded addresses (their local part is enough).</summary>
    private IEnumerable<string> Leaks(string text)
    {
        var digits = NotDigits().Replace(text, "");
        return _national.Where(n => digits.Contains(n, StringComparison.Ordinal) || text.Contains(n[3..7] + n[7..], StringComparison.Ordinal))
            .Concat(Enumerable.Range(0, _national.Count).Select(Email).Where(e => text.Contains(e[..e.IndexOf('@')] + "@", StringComparison.OrdinalIgnoreCase)
                || text.Contains(e[..e.IndexOf('@')] + "\\u0040", StringComparison.OrdinalIgnoreCase)));
    }

    [GeneratedRegex(@"(?<=\d)[\s\-()+.]+(?=\d)")]
    private static partial Regex NotDigits();

    [GeneratedRegex(@"^\{[^}]+\}")]
    private static partial Regex Param();

    private sealed class CaptureLogs(ConcurrentQueue<string> sink) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Enqueue(formatter(state, exception) + " " + exception + " " + state);

        public void Dispose()
        {
        }
    }
}
