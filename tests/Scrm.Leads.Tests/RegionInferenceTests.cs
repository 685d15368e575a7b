using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scrm.Testing;

namespace Scrm.Leads.Tests;

/// <summary>
/// Most leads come with only a phone number: its registered area places them for territory routing and
/// region segments, marked as inferred; a province the form gives always wins.
/// </summary>
public sealed class RegionInferenceTests : IAsyncLifetime
{
    private ScrmApp _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ScrmApp(settings: new Dictionary<string, string?>
        {
            ["Scrm:WebForms:Forms:contact:Name"] = "Contact",
            ["Scrm:Leads:Teams:0:Name"] = "east",
            ["Scrm:Leads:Teams:0:Reps:0:Id"] = "rep-jiangsu",
            ["Scrm:Leads:Teams:1:Name"] = "zhejiang",
            ["Scrm:Leads:Teams:1:Reps:0:Id"] = "rep-zhejiang",
            ["Scrm:Leads:Teams:2:Name"] = "pool",
            ["Scrm:Leads:Teams:2:Reps:0:Id"] = "rep-anyone",
            ["Scrm:Leads:Rules:0:Name"] = "jiangsu",
            ["Scrm:Leads:Rules:0:Team"] = "east",
            ["Scrm:Leads:Rules:0:Province"] = "江苏",
            ["Scrm:Leads:Rules:1:Name"] = "zhejiang",
            ["Scrm:Leads:Rules:1:Team"] = "zhejiang",
            ["Scrm:Leads:Rules:1:Province"] = "浙江",
            ["Scrm:Leads:DefaultTeam"] = "pool",
        });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_form_lead_with_only_a_mobile_number_is_placed_by_it_and_routed_by_the_territory_rule()
    {
        var lead = await PostFormAndWaitForOwnerAsync(new() { ["name"] = "王小明", ["phone"] = "13912345678" });

        lead.GetProperty("owner").GetString().ShouldBe("rep-jiangsu");
        lead.GetProperty("team").GetString().ShouldBe("east");
        using var admin = _app.ClientFor("admin");
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead.GetProperty("id").GetInt64()}", TestContext.Current.CancellationToken);
        detail.GetProperty("assignments")[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString())
            .ShouldContain("rule 'jiangsu' sends it to team east");

        // The customer model places the customer too, so region segments find them, and says it was inferred.
        var customer = await PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/customers?region=常州", TestContext.Current.CancellationToken);
            return page.GetProperty("items").GetArrayLength() == 1 ? page.GetProperty("items")[0] : null;
        });
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/customers/{customer.GetProperty("id").GetGuid()}", TestContext.Current.CancellationToken);
        view.GetProperty("profile").GetProperty("province").GetString().ShouldBe("江苏");
        view.GetProperty("profile").GetProperty("city").GetString().ShouldBe("常州");
        view.GetProperty("profile").GetProperty("regionSource").GetString().ShouldBe("inferred");
    }

    [Fact]
    public async Task A_province_given_in_the_form_wins_over_the_phone_number()
    {
        var lead = await PostFormAndWaitForOwnerAsync(new() { ["name"] = "李雷", ["phone"] = "13912345679", ["province"] = "浙江" });

        lead.GetProperty("owner").GetString().ShouldBe("rep-zhejiang");
        lead.GetProperty("team").GetString().ShouldBe("zhejiang");
    }

    private async Task<JsonElement> PostFormAndWaitForOwnerAsync(Dictionary<string, string> form)
    {
        using var anonymous = _app.CreateClient();
        var posted = await anonymous.PostAsync("/forms/contact", new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var admin = _app.ClientFor("admin");
        return await PollAsync(async () =>
        {
            var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/leads", TestContext.Current.CancellationToken);
            var routed = page.GetProperty("items").EnumerateArray().FirstOrDefault(l => l.GetProperty("owner").ValueKind == JsonValueKind.String);
            return routed.ValueKind == JsonValueKind.Undefined ? null : routed;
        });
    }

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Not there in time.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
