using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Search.Tests;

/// <summary>Customers and lead owners in search, over real HTTP with the shipped lead-conversion workflow routing leads to a team.</summary>
public sealed class SearchGapsTests(SearchGapsTests.Routed app) : IClassFixture<SearchGapsTests.Routed>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Feeds read other modules' changes every 100 ms, 200 ms after they were stamped.</summary>
    public static Dictionary<string, string?> FastFeeds() => new()
    {
        ["Scrm:Search:FeedInterval"] = "00:00:00.100",
        ["Scrm:Search:FeedSettleTime"] = "00:00:00.200",
    };

    public sealed class Routed() : ScrmApp(settings: new Dictionary<string, string?>(FastFeeds())
    {
        ["Scrm:Leads:Teams:0:Name"] = "sales",
        ["Scrm:Leads:Teams:0:Strategy"] = "RoundRobin",
        ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-a",
        ["Scrm:Leads:Teams:0:Reps:1:Id"] = "rep-b",
        ["Scrm:Leads:DefaultTeam"] = "sales",
    });

    private async Task<JsonElement> WaitForAsync(string role, string query, Func<JsonElement, bool> done)
    {
        using var client = app.ClientFor(role);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + query, Ct);
            if (done(body) || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                return body;
            }

            await Task.Delay(50, Ct);
        }
    }

    private static string Q(string text) => "q=" + Uri.EscapeDataString(text);

    private static IEnumerable<string> Ids(JsonElement body) => body.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()!);

    private async Task PostLeadAsync(string id, string name, string company, string phone)
    {
        using var ingest = app.ClientFor("ingest");
        var response = await ingest.PostAsJsonAsync("/api/v1/ingest/leads", new { name, company, phone, message = "想了解企業版", externalId = id }, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Customers_are_found_by_name_nickname_and_company()
    {
        await PostLeadAsync("gap-c1", "趙海燕", "藍鯨物流", "13700001111");
        using var ingest = app.ClientFor("ingest");
        (await ingest.PostAsJsonAsync("/api/v1/mentions", new[]
        {
            new { source = "weibo", externalId = "gap-m1", author = new { id = "wb-gap-1", name = "愛喝茶的老周" }, text = "新品不錯", createdAt = "2026-11-20T10:00:00+08:00" },
        }, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var byCompany = await WaitForAsync("marketer", Q("藍鯨") + "&type=customer", b => Ids(b).Any());
        var customer = byCompany.GetProperty("hits").EnumerateArray().ShouldHaveSingleItem();
        customer.GetProperty("type").GetString().ShouldBe("customer");
        customer.GetProperty("title").GetString().ShouldBe("趙海燕 · 藍鯨物流");
        customer.GetProperty("id").GetString()!.ShouldStartWith("customer:");
        Ids(await WaitForAsync("marketer", Q("海燕") + "&type=customer", b => Ids(b).Any())).ShouldBe([customer.GetProperty("id").GetString()!]);
        var byNickname = await WaitForAsync("community", Q("老周") + "&type=customer", b => Ids(b).Any());
        byNickname.GetProperty("hits")[0].GetProperty("author").GetProperty("name").GetString().ShouldBe("愛喝茶的老周");
    }

    [Fact]
    public async Task A_rebuild_keeps_customers_and_lead_owners()
    {
        await PostLeadAsync("gap-r1", "孫悟空", "花果山果業", "13700003333");
        var before = await WaitForAsync("admin", Q("花果山") + "&sort=newest", b => b.GetProperty("hits").EnumerateArray().Count(h => h.GetProperty("owner").GetString() is not null) == 2);
        var owned = before.GetProperty("hits").EnumerateArray().Select(h => (h.GetProperty("id").GetString(), h.GetProperty("owner").GetString())).ToList();
        owned.Select(o => o.Item2).ShouldAllBe(o => o != null);

        using var admin = app.ClientFor("admin");
        (await admin.PostAsync("/api/v1/search/rebuild", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var clock = Stopwatch.StartNew();
        while ((await admin.GetFromJsonAsync<JsonElement>("/api/v1/search/rebuild", Ct)).GetProperty("state").GetString() == "running")
        {
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
            await Task.Delay(50, Ct);
        }

        var after = await WaitForAsync("admin", Q("花果山") + "&sort=newest", _ => true);
        after.GetProperty("hits").EnumerateArray().Select(h => (h.GetProperty("id").GetString(), h.GetProperty("owner").GetString())).ShouldBe(owned);
    }

    [Fact]
    public async Task Owner_finds_the_leads_routed_to_a_rep_and_follows_a_handover()
    {
        await PostLeadAsync("gap-o1", "錢多多", "金山軟件", "13700002222");
        var routed = await WaitForAsync("admin", Q("錢多多") + "&type=lead", b => b.GetProperty("hits").EnumerateArray().Any(h => h.GetProperty("owner").GetString() is not null));
        var hit = routed.GetProperty("hits").EnumerateArray().ShouldHaveSingleItem();
        var owner = hit.GetProperty("owner").GetString().ShouldNotBeNull();
        var id = hit.GetProperty("id").GetString()!;
        Ids(await WaitForAsync("admin", "owner=" + owner + "&type=lead", b => Ids(b).Any())).ShouldContain(id);

        var successor = owner == "rep-a" ? "rep-b" : "rep-a";
        using var admin = app.ClientFor("admin");
        var handover = await admin.PostAsJsonAsync("/api/v1/leads/handover", new { from = owner, to = successor }, Ct);
        handover.StatusCode.ShouldBe(HttpStatusCode.OK, await handover.Content.ReadAsStringAsync(Ct));

        Ids(await WaitForAsync("admin", Q("錢多多") + "&type=lead&owner=" + successor, b => Ids(b).Any())).ShouldBe([id]);
        Ids(await WaitForAsync("admin", Q("錢多多") + "&type=lead&owner=" + owner, b => !Ids(b).Any())).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_rep_finds_counts_and_facets_only_their_own_and_unowned_leads_and_customers()
    {
        await PostLeadAsync("gap-s1", "周大福", "琉璃工坊", "13700004441");
        await PostLeadAsync("gap-s2", "周小福", "琉璃工坊", "13700004442");
        var all = await WaitForAsync("admin", Q("琉璃工坊") + "&size=100", b => b.GetProperty("hits").EnumerateArray().Count(h => h.GetProperty("owner").GetString() is not null) == 4);
        var owners = all.GetProperty("hits").EnumerateArray().ToDictionary(h => h.GetProperty("id").GetString()!, h => h.GetProperty("owner").GetString());
        owners.Count.ShouldBe(4, all.ToString());
        owners.Values.ShouldAllBe(o => o == "rep-a" || o == "rep-b");

        var seen = 0L;
        foreach (var rep in new[] { "rep-a", "rep-b" })
        {
            using var client = await RepClientAsync(rep);
            var mine = owners.Where(o => o.Value == rep).Select(o => o.Key).ToList();
            foreach (var query in new[] { Q("琉璃工坊") + "&size=100", Q("琉璃工坊") + "&type=lead,customer&size=100" })
            {
                var body = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + query, Ct);
                Ids(body).ShouldBe(mine, ignoreOrder: true, $"{rep}: {body}");
                body.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(mine.Count);
                body.GetProperty("facets").GetProperty("type").EnumerateArray().Sum(f => f.GetProperty("count").GetInt64()).ShouldBe(mine.Count, body.ToString());
            }

            // Nor is another rep's lead or customer found by its contact data.
            foreach (var phone in new[] { "13700004441", "13700004442" })
            {
                var byPhone = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?" + Q(phone), Ct);
                Ids(byPhone).Where(owners.ContainsKey).ShouldAllBe(id => mine.Contains(id), byPhone.ToString());
            }

            seen += mine.Count;
        }

        seen.ShouldBe(4, "every owned document is seen by its owner alone");
    }

    private async Task<HttpClient> RepClientAsync(string rep)
    {
        using var admin = app.ClientFor("admin");
        var created = await admin.PostAsJsonAsync("/api/v1/access/keys", new { owner = rep, roles = new[] { "sales" } }, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString());
        return client;
    }
}
