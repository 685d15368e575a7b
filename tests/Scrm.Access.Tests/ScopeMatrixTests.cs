using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bogus;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Testing;

namespace Scrm.Access.Tests;

/// <summary>
/// Role × scope × endpoint over generated people, customers and leads: two sales teams under one
/// manager. A rep reaches their own records, a team lead their team's, the manager both teams';
/// everything else answers 404 by id and is absent from lists, exports and reports.
/// </summary>
public sealed class ScopeMatrixTests : IAsyncLifetime
{
    private static readonly string[] North = ["n1", "n2"];
    private static readonly string[] South = ["s1", "s2"];
    private static readonly string[] Reps = [.. North, .. South];

    // Customers reach the search index a moment after they change (the feed's settle time); short here, where writes come one after another.
    private readonly ScrmApp _app = new(settings: new Dictionary<string, string?> { ["Scrm:Scheduling:Store"] = "Memory", ["Scrm:Search:FeedSettleTime"] = "00:00:00.200" });
    private readonly Dictionary<string, string> _keys = [];
    private readonly Dictionary<Guid, string> _customerOwner = [];
    private readonly Dictionary<Guid, string> _customerName = [];
    private readonly Dictionary<long, string> _leadOwner = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var admin = _app.ClientFor("admin");
        foreach (var id in (string[])["boss", "n-lead", "s-lead", .. Reps])
        {
            await AccessClient.CreatePersonAsync(_app, id, "sales");
            _keys[id] = (await AccessClient.CreateKeyAsync(_app, id, "sales")).Key;
        }

        await PutTeamAsync(admin, "all-sales", new { lead = "boss", members = Array.Empty<object>() });
        await PutTeamAsync(admin, "north", new { lead = "n-lead", parent = "all-sales", members = North.Select(r => new { userId = r }).ToArray() });
        await PutTeamAsync(admin, "south", new { lead = "s-lead", parent = "all-sales", members = South.Select(r => new { userId = r }).ToArray() });

        var faker = new Faker("zh_CN") { Random = new Randomizer(15) };
        using var shop = _app.ClientFor("ingest");
        var n = 0;
        foreach (var owner in Reps.SelectMany(r => new[] { r, r, r }).Append(null).Append(null))
        {
            n++;
            var phone = $"+86139{faker.Random.Number(10_000_000, 99_999_999)}";
            var name = $"{faker.Name.FullName()}{n:D2}";
            var order = await shop.PostAsJsonAsync("/api/v1/orders", new
            {
                orderId = $"m-{n}", phone, name, amount = Math.Round(faker.Random.Decimal(10, 5000), 2), channel = "tmall",
                occurredAt = DateTimeOffset.UtcNow.AddDays(-n), products = new[] { new { product = "茶", quantity = 1, amount = 10m } },
            }, Ct);
            order.StatusCode.ShouldBe(HttpStatusCode.Created, await order.Content.ReadAsStringAsync(Ct));
            var id = (await order.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("customerId").GetGuid();
            if (owner is not null)
            {
                (await admin.PatchAsJsonAsync($"/api/v1/customers/{id}", new { owner }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            }

            _customerOwner[id] = owner!;
            _customerName[id] = name;
        }

        var intake = _app.Services.GetRequiredService<LeadIntake>();
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<LeadsDbContext>>().CreateDbContextAsync(Ct);
        foreach (var owner in Reps.SelectMany(r => new[] { r, r }))
        {
            var lead = await intake.IntakeAsync(new LeadDraft($"matrix:{++n}", "web", Name: faker.Name.FullName(), Phone: $"+86137{faker.Random.Number(10_000_000, 99_999_999)}", Company: faker.Company.CompanyName()), Ct);
            var team = North.Contains(owner) ? "north" : "south";
            await db.Leads.Where(l => l.Id == lead.LeadId).ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, owner).SetProperty(l => l.Team, team), Ct);
            _leadOwner[lead.LeadId] = owner;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task PutTeamAsync(HttpClient admin, string name, object body) =>
        (await admin.PutAsJsonAsync($"/api/v1/access/teams/{name}", body, Ct)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

    /// <summary>Who each caller reaches: their own records, their team's when they lead it, both teams' for the manager.</summary>
    public static TheoryData<string, string[]> Reach => new()
    {
        { "n1", ["n1"] },
        { "s2", ["s2"] },
        { "n-lead", ["n-lead", .. North] },
        { "s-lead", ["s-lead", .. South] },
        { "boss", ["boss", "n-lead", "s-lead", .. Reps] },
    };

    [Theory]
    [MemberData(nameof(Reach))]
    public async Task A_caller_sees_and_changes_only_the_leads_in_reach_by_id_list_and_change(string caller, string[] reach)
    {
        using var client = AccessClient.WithKey(_app, _keys[caller]);
        var listed = new List<long>();
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/leads?size=200", Ct);
        listed.AddRange(page.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("id").GetInt64()));
        var mine = _leadOwner.Where(l => reach.Contains(l.Value)).Select(l => l.Key).ToList();
        listed.Where(_leadOwner.ContainsKey).ShouldBe(mine, ignoreOrder: true);

        foreach (var (id, owner) in _leadOwner)
        {
            var expected = reach.Contains(owner) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            (await client.GetAsync($"/api/v1/leads/{id}", Ct)).StatusCode.ShouldBe(expected, $"lead {id} of {owner}");
            if (!reach.Contains(owner))
            {
                (await client.PostAsJsonAsync($"/api/v1/leads/{id}/contacts", new { kind = "phone", outcome = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
                (await client.PatchAsJsonAsync($"/api/v1/leads/{id}", new { need = "x" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
                (await client.PostAsJsonAsync($"/api/v1/leads/{id}/transitions", new { to = "lost", reason = "no budget" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Reach))]
    public async Task A_caller_sees_only_the_customers_in_reach_by_id_list_export_and_report(string caller, string[] reach)
    {
        using var client = AccessClient.WithKey(_app, _keys[caller]);
        bool Visible(string? owner) => owner is null || reach.Contains(owner);
        var expected = _customerOwner.Where(c => Visible(c.Value)).Select(c => c.Key).ToList();

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/customers?limit=200", Ct);
        list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ShouldBe(expected, ignoreOrder: true);

        var export = await client.GetStringAsync("/api/v1/customers/export", Ct);
        foreach (var (id, owner) in _customerOwner)
        {
            export.Contains(id.ToString(), StringComparison.Ordinal).ShouldBe(Visible(owner), $"export of customer of {owner}");
            var status = (await client.GetAsync($"/api/v1/customers/{id}", Ct)).StatusCode;
            status.ShouldBe(Visible(owner) ? HttpStatusCode.OK : HttpStatusCode.NotFound, $"customer of {owner}");
            if (!Visible(owner))
            {
                (await client.GetAsync($"/api/v1/customers/{id}/audit", Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
                (await client.PutAsync($"/api/v1/customers/{id}/tags/vip", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
                var mineToo = expected.First(e => e != id);
                (await client.PostAsJsonAsync("/api/v1/customers/merge", new { survivorId = mineToo, mergedId = id, reason = "same" }, Ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            }
        }

        var pyramid = await client.GetFromJsonAsync<JsonElement>("/api/v1/customers/value/pyramid", Ct);
        (pyramid.GetProperty("levels").EnumerateArray().Sum(l => l.GetProperty("customers").GetInt32()) + pyramid.GetProperty("unscored").GetInt32())
            .ShouldBe(expected.Count);

    }

    /// <summary>Every caller of <see cref="Reach"/> on one host: the index is filled once.</summary>
    [Fact]
    public async Task A_callers_search_hits_totals_and_facets_hold_only_the_customers_in_reach()
    {
        await IndexedAsync();
        foreach (var row in Reach)
        {
            var (caller, reach) = row.Data;
            await SearchesOnlyInReachAsync(caller, reach);
        }
    }

    private async Task SearchesOnlyInReachAsync(string caller, string[] reach)
    {
        using var client = AccessClient.WithKey(_app, _keys[caller]);
        bool Visible(string? owner) => owner is null || reach.Contains(owner);
        var expected = _customerOwner.Where(c => Visible(c.Value)).Select(c => CustomerHit(c.Key)).ToList();

        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?type=customer&size=100", Ct);
        all.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()).ShouldBe(expected, ignoreOrder: true);
        all.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(expected.Count);
        all.GetProperty("facets").GetProperty("type").EnumerateArray().Single(f => f.GetProperty("value").GetString() == "customer")
            .GetProperty("count").GetInt64().ShouldBe(expected.Count);
        all.GetProperty("facets").GetProperty("channel").EnumerateArray().Sum(f => f.GetProperty("count").GetInt64()).ShouldBe(expected.Count);

        // A customer's own name finds them only for a caller who reaches them; the hit count says nothing of the others.
        foreach (var (id, owner) in _customerOwner)
        {
            var named = await client.GetFromJsonAsync<JsonElement>($"/api/v1/search?q={Uri.EscapeDataString(_customerName[id])}&type=customer&size=50", Ct);
            named.GetProperty("hits").EnumerateArray().Any(h => h.GetProperty("id").GetString() == CustomerHit(id)).ShouldBe(Visible(owner), $"{caller} searching for the customer of {owner}");
            named.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("owner").GetString()).Where(o => !Visible(o)).ShouldBeEmpty($"{caller} found another's customer");
            named.GetProperty("total").GetProperty("value").GetInt64().ShouldBe(named.GetProperty("hits").GetArrayLength());
        }
    }

    private static string CustomerHit(Guid id) => $"customer:{id:D}";

    /// <summary>Waits until the index holds every customer with the owner given to them.</summary>
    private async Task IndexedAsync()
    {
        using var admin = _app.ClientFor("admin");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/search?type=customer&size=100&facets=false", Ct);
            var owners = page.GetProperty("hits").EnumerateArray().ToDictionary(h => h.GetProperty("id").GetString()!, h => h.GetProperty("owner").GetString());
            if (_customerOwner.All(c => owners.TryGetValue(CustomerHit(c.Key), out var o) && o == c.Value) || DateTime.UtcNow > deadline)
            {
                return;
            }

            await Task.Delay(100, Ct);
        }
    }

    [Fact]
    public async Task Deactivating_a_rep_hands_their_leads_and_customers_to_the_successor_in_one_audited_step()
    {
        using var admin = _app.ClientFor("admin");
        var done = await admin.PostAsJsonAsync("/api/v1/access/users/n2/deactivate", new { successor = "n1" }, Ct);
        done.StatusCode.ShouldBe(HttpStatusCode.OK);
        var moved = (await done.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("handedOver");
        moved.GetProperty("leads").GetInt32().ShouldBe(_leadOwner.Count(l => l.Value == "n2"));
        moved.GetProperty("customers").GetInt32().ShouldBe(_customerOwner.Count(c => c.Value == "n2"));

        using var n1 = AccessClient.WithKey(_app, _keys["n1"]);
        foreach (var id in _customerOwner.Where(c => c.Value == "n2").Select(c => c.Key))
        {
            (await n1.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{id}", Ct)).GetProperty("owner").GetString().ShouldBe("n1");
        }

        using var n2 = AccessClient.WithKey(_app, _keys["n2"]);
        (await n2.GetAsync("/api/v1/leads", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/v1/access/audit?action=user.deactivate&resourceId=n2", Ct);
        var entry = audit.GetProperty("entries").EnumerateArray().Single();
        entry.GetProperty("actor").GetString().ShouldBe("key-0");
        entry.GetProperty("detail").GetString()!.ShouldContain("\"successor\":\"n1\"");
    }
}
