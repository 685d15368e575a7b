using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>
/// Contact data through search, over real HTTP: the customer view's masking rule holds in every hit,
/// snippet, highlight and facet, and contacts are found by their normalised form only by the roles
/// allowed to see them. One host, seeded once: a lead and a mention carrying the same phone and address.
/// </summary>
public sealed partial class SearchProtectionTests(SearchProtectionTests.Seeded app) : IClassFixture<SearchProtectionTests.Seeded>
{
    public const string Phone = "13912345678";
    public const string Address = "xiaoli@example.com";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The seeded digits in any grouping: 13912345678, 139 1234 5678, +86-139-1234-5678 (the masked 139****5678 does not match).</summary>
    [GeneratedRegex(@"1\D{0,4}3\D{0,4}9\D{0,4}1\D{0,4}2\D{0,4}3\D{0,4}4\D{0,4}5\D{0,4}6\D{0,4}7\D{0,4}8")]
    private static partial Regex SeededDigits();

    public sealed class Seeded() : ScrmApp(settings: SearchGapsTests.FastFeeds()), IAsyncLifetime
    {
        public async ValueTask InitializeAsync()
        {
            using var ingest = ClientFor("ingest");
            var lead = await ingest.PostAsJsonAsync("/api/v1/ingest/leads", new
            {
                name = "上海小李",
                company = "星辰科技",
                phone = Phone,
                email = Address,
                message = "想了解企業版報價\n請回電 139 1234 5678\n或郵件 " + Address,
                externalId = "protect-lead-1",
            }, Ct);
            lead.StatusCode.ShouldBe(HttpStatusCode.Accepted, await lead.Content.ReadAsStringAsync(Ct));
            var mention = await ingest.PostAsJsonAsync("/api/v1/mentions", new[]
            {
                new { source = "weibo", externalId = "protect-1", author = new { id = "wb-7788", name = "上海小李" }, text = "物流太慢了，我的手機 +86 139-1234-5678，郵箱 " + Address, createdAt = "2026-11-20T10:00:00+08:00" },
            }, Ct);
            mention.StatusCode.ShouldBe(HttpStatusCode.Accepted);

            using var admin = ClientFor("admin");
            var clock = Stopwatch.StartNew();
            while ((await admin.GetFromJsonAsync<JsonElement>("/api/v1/search?type=customer&q=" + Uri.EscapeDataString("星辰科技"), Ct)).GetProperty("total").GetProperty("value").GetInt64() < 1
                || (await admin.GetFromJsonAsync<JsonElement>("/api/v1/search?type=lead,mention&q=" + Uri.EscapeDataString("上海小李"), Ct)).GetProperty("total").GetProperty("value").GetInt64() < 2)
            {
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), "the seeded lead, mention and customer were not indexed");
                await Task.Delay(50, Ct);
            }
        }
    }

    private async Task<(string Body, JsonElement Json)> GetAsync(string role, string query)
    {
        using var client = app.ClientFor(role);
        var response = await client.GetAsync("/api/v1/search?" + query, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return (body, JsonDocument.Parse(body).RootElement);
    }

    private async Task<(string Body, JsonElement Json)> PostAsync(string role, object filter)
    {
        using var client = app.ClientFor(role);
        var response = await client.PostAsJsonAsync("/api/v1/search", filter, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return (body, JsonDocument.Parse(body).RootElement);
    }

    private static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    private static long Total(JsonElement json) => json.GetProperty("total").GetProperty("value").GetInt64();

    public static TheoryData<string> PhoneSpellings => new(Phone, "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "+8613912345678", "１３９１２３４５６７８");

    [Fact]
    public async Task No_response_to_the_community_role_holds_the_phone_or_the_address_in_any_format()
    {
        var bodies = new List<string>();
        foreach (var query in new[]
        {
            Q("上海小李"), Q("上海"), Q("物流"), Q("報價"), Q("回電"), Q("郵件"), "", "type=lead", "type=mention", "sort=newest&size=100",
            "type=customer", Q("星辰科技") + "&type=customer", Q("上海小李") + "&type=customer",
            Q(Phone), Q("139 1234 5678"), Q("+86 139-1234-5678"), Q(Address), Q("xiaoli"), Q("1234"), Q("5678"),
            "author=wb-7788", "author=" + Phone, "author=" + Uri.EscapeDataString("+86" + Phone), "author=" + Uri.EscapeDataString(Address),
            Q("上海小李") + "&facets=true&size=1",
        })
        {
            var (body, json) = await GetAsync("community", query);
            bodies.Add(body);
            if (json.GetProperty("next").GetString() is { } cursor)
            {
                bodies.Add((await GetAsync("community", query + "&cursor=" + Uri.EscapeDataString(cursor))).Body);
            }
        }

        bodies.Add((await PostAsync("community", new { q = "上海小李", types = new[] { "lead", "mention" }, size = 100 })).Body);
        bodies.Add((await PostAsync("community", new { authors = new[] { Phone, Address }, size = 100 })).Body);

        var (found, hits) = await GetAsync("community", Q("上海小李") + "&type=lead,mention");
        Total(hits).ShouldBe(2, found);
        var (customer, _) = await GetAsync("community", Q("星辰科技") + "&type=customer");
        customer.ShouldContain("139****5678");
        bodies.Add(customer);
        found.ShouldContain("139****5678");
        found.ShouldContain("x***@example.com");
        foreach (var body in bodies)
        {
            SeededDigits().IsMatch(body).ShouldBeFalse(body);
            body.ShouldNotContain("xiaoli@", Case.Insensitive, body);
        }
    }

    [Theory]
    [MemberData(nameof(PhoneSpellings))]
    public async Task Sales_finds_the_lead_the_mention_and_the_customer_by_the_phone_however_it_is_typed(string spelling)
    {
        var (body, json) = await GetAsync("sales", Q(spelling));
        json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("type").GetString()).ShouldBe(["customer", "lead", "mention"], ignoreOrder: true, body);
        foreach (var hit in json.GetProperty("hits").EnumerateArray())
        {
            hit.GetProperty("contacts").EnumerateArray().Select(c => c.GetString()).ShouldContain("+86" + Phone);
            SeededDigits().IsMatch(hit.GetProperty("snippet").GetString()!).ShouldBeFalse("snippets never carry contact data");
        }
    }

    [Theory]
    [MemberData(nameof(PhoneSpellings))]
    public async Task The_community_role_cannot_look_contacts_up(string spelling)
    {
        var (body, json) = await GetAsync("community", Q(spelling));
        Total(json).ShouldBe(0, body);
        Total((await GetAsync("community", Q(Address))).Json).ShouldBe(0);
        Total((await GetAsync("admin", Q(Address))).Json).ShouldBe(3);
    }

    [Fact]
    public async Task Authors_are_found_by_part_of_their_name()
    {
        var (body, json) = await GetAsync("marketer", Q("上海") + "&type=mention");
        json.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldBe(["webhook:weibo:protect-1"], body);
    }

    [Fact]
    public async Task Lead_snippets_show_the_message_without_contact_data_or_encoded_line_breaks()
    {
        var (body, json) = await GetAsync("sales", Q("報價") + "&type=lead");
        var hit = json.GetProperty("hits").EnumerateArray().ShouldHaveSingleItem();
        var snippet = hit.GetProperty("snippet").GetString()!;
        snippet.ShouldNotContain("&#x");
        snippet.ShouldStartWith("想了解企業版<em>報價</em> 請回電 139****5678 或郵件 x***@example.com");
        hit.GetProperty("author").GetProperty("name").GetString().ShouldBe("上海小李");
        hit.GetProperty("author").TryGetProperty("id", out var id).ShouldBeTrue();
        id.ValueKind.ShouldBe(JsonValueKind.Null, body);
    }
}
