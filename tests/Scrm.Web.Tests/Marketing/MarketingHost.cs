using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Scrm.Testing;
using Scrm.Web.Tests.Browser;

namespace Scrm.Web.Tests.Marketing;

/// <summary>The host for the marketing workspace: the segment index reads customer changes at once.</summary>
public class MarketingHost : WebHost
{
    protected override ValueTask<IReadOnlyDictionary<string, string?>> MoreSettingsAsync() =>
        ValueTask.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>
        {
            ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
            ["Scrm:Campaigns:IndexPollInterval"] = "00:00:00.100",
        });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A web form lead, as a visitor sends it; identity resolution makes the customer.</summary>
    public async Task PostFormLeadAsync(string name, string phone, string? email)
    {
        using var client = App.CreateClient();
        var fields = new Dictionary<string, string> { ["name"] = name, ["phone"] = phone, ["company"] = name + "公司", ["message"] = "想了解会员活动" };
        if (email is not null)
        {
            fields["email"] = email;
        }

        var posted = await client.PostAsync("/forms/contact", new FormUrlEncodedContent(fields), Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    /// <summary>The API's preview of a rule for a role: count, customers in scope, sample.</summary>
    public async Task<JsonElement> PreviewAsync(string role, string ruleJson)
    {
        using var client = App.ClientFor(role);
        var response = await client.PostAsync("/api/v1/segments/preview?sample=10", new StringContent(ruleJson, System.Text.Encoding.UTF8, "application/json"), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Waits until the segment index holds at least <paramref name="customers"/> customers.</summary>
    public Task WaitForCustomersAsync(int customers) => EventuallyAsync(async () =>
        (await PreviewAsync("admin", "{\"and\":[]}")).GetProperty("customers").GetInt32().ShouldBeGreaterThanOrEqualTo(customers));

    /// <summary>A screenshot of the page kept in the repository's docs, for the record of what the studio looks like.</summary>
    public static async Task DocumentAsync(IPage page, string name)
    {
        var folder = Path.Combine(Repo.Root, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>Visible buttons, links, fields and selects with no accessible name (the label check of the other workspaces).</summary>
    public const string Unlabelled = """
        () => Array.from(document.querySelectorAll('button, a[href], input, select, textarea, [role=button], [role=checkbox], [role=combobox]'))
          .filter(e => e.type !== 'hidden' && e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
          .filter(e => {
            const byId = (e.getAttribute('aria-labelledby') || '').split(' ').map(id => document.getElementById(id)).filter(x => x && x.textContent.trim());
            const forLabel = e.id ? document.querySelector('label[for="' + CSS.escape(e.id) + '"]') : null;
            return !((e.getAttribute('aria-label') || '').trim() || byId.length || (forLabel && forLabel.textContent.trim())
              || (e.closest('label') && e.closest('label').textContent.trim()) || (e.getAttribute('title') || '').trim()
              || (!/^(INPUT|SELECT|TEXTAREA)$/.test(e.tagName) && e.textContent.trim()));
          })
          .map(e => e.outerHTML.slice(0, 160))
        """;
}
