using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bogus;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Customers.Directory;
using Scrm.Customers.Model;
using Scrm.Testing;

namespace Scrm.Campaigns.Tests;

/// <summary>Preview, members and export over real HTTP: live counts from the index, masked per role.</summary>
public sealed class SegmentMembersApiTests(SegmentMembersApiTests.App app) : IClassFixture<SegmentMembersApiTests.App>, IAsyncLifetime
{
    public sealed class App() : ScrmApp(settings: new Dictionary<string, string?>
    {
        ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
        ["Scrm:Campaigns:IndexPollInterval"] = "00:00:00.100",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object Gold = new { fact = "tier", op = "in", values = new[] { "gold" } };

    private List<CustomerFactSheet> _customers = [];

    public async ValueTask InitializeAsync()
    {
        var contexts = app.Services.GetRequiredService<IDbContextFactory<CustomersDbContext>>();
        if (await (await contexts.CreateDbContextAsync(Ct)).Customers.AnyAsync(Ct))
        {
            _customers = [.. (await app.Services.GetRequiredService<CustomerFactSheets>().ReadAsync(CustomerChangeMark.Start, long.MaxValue, 10_000, Ct))];
            return;
        }

        var faker = new Faker { Random = new Randomizer(7) };
        _customers = [.. Enumerable.Range(0, 250).Select(i => Generated.Customer(faker, Guid.CreateVersion7(Generated.Now.AddSeconds(i))) with { Owner = null })];
        await Seed.WriteAsync(contexts, _customers, DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds(),
            c => ("=HYPERLINK(\"x\")," + c.Id.ToString("N")[..6], $"+86138{(c.Id.GetHashCode() & 0x7fffffff) % 100_000_000:D8}", $"buyer{c.Id:N}@example.com"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private int GoldCount => _customers.Count(c => c.Active && c.Tier == "gold");

    private async Task<JsonElement> PreviewAsync(HttpClient client, object rule)
    {
        for (var i = 0; ; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/segments/preview?sample=5", rule, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var preview = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            if (preview.GetProperty("customers").GetInt32() >= _customers.Count(c => c.Active) || i == 100)
            {
                return preview;
            }

            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task A_preview_counts_the_rule_and_masks_the_sample_for_marketers()
    {
        using var marketer = app.ClientFor("marketer");
        using var admin = app.ClientFor("admin");

        var masked = await PreviewAsync(marketer, Gold);
        var full = await PreviewAsync(admin, Gold);

        masked.GetProperty("count").GetInt32().ShouldBe(GoldCount);
        var sample = masked.GetProperty("sample").EnumerateArray().ToList();
        sample.Count.ShouldBe(Math.Min(5, GoldCount));
        sample.ShouldAllBe(m => m.GetProperty("phone").GetString()!.Contains("****") && m.GetProperty("email").GetString()!.StartsWith("b***@"));
        sample.ShouldAllBe(m => m.GetProperty("tier").GetString() == "gold");
        full.GetProperty("sample").EnumerateArray().ShouldAllBe(m => m.GetProperty("phone").GetString()!.StartsWith("+86138"));
    }

    [Fact]
    public async Task Members_page_through_a_saved_segment_and_export_as_masked_csv()
    {
        using var client = app.ClientFor("marketer");
        await PreviewAsync(client, Gold);
        var created = await (await client.PostAsJsonAsync("/api/v1/segments", new { name = "金卡", rule = Gold }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = created.GetProperty("id").GetGuid();

        var seen = new List<Guid>();
        string? after = null;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/members?limit=7" + (after is null ? "" : "&after=" + after), Ct);
            page.GetProperty("count").GetInt32().ShouldBe(GoldCount);
            seen.AddRange(page.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
            after = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetGuid().ToString();
        }
        while (after is not null);

        seen.Order().ShouldBe(_customers.Where(c => c.Active && c.Tier == "gold").Select(c => c.Id).Order());

        var export = await client.GetAsync($"/api/v1/segments/{id}/export", Ct);
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        export.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await export.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("id,name,phone,email,owner,tier,province,city");
        lines.Length.ShouldBe(GoldCount + 1);
        lines.Skip(1).ShouldAllBe(l => l.Contains("****") && l.Contains("b***@example.com") && l.Contains("\"'=HYPERLINK(\"\"x\"\"),"));
    }

    [Fact]
    public async Task Members_of_an_unknown_segment_are_not_found_and_sales_may_not_preview()
    {
        using var marketer = app.ClientFor("marketer");
        using var sales = app.ClientFor("sales");

        (await marketer.GetAsync($"/api/v1/segments/{Guid.CreateVersion7()}/members", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await marketer.GetAsync($"/api/v1/segments/{Guid.CreateVersion7()}/export", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await sales.PostAsJsonAsync("/api/v1/segments/preview", Gold, Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_bad_preview_rule_is_422_naming_the_node()
    {
        using var client = app.ClientFor("marketer");

        var response = await client.PostAsJsonAsync("/api/v1/segments/preview", new { and = new object[] { Gold, new { fact = "lastOrderAt", op = "within", days = 0 } } }, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("$.and[1].days", out _).ShouldBeTrue();
    }
}
