using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Scrm.Campaigns.Sending;
using Scrm.Campaigns.Storage;
using Scrm.Campaigns.Workflow;
using Scrm.Workflows.Runtime;

namespace Scrm.Campaigns.Api;

/// <summary><c>/l/{token}</c>: a campaign's tracked link; the first click per recipient is recorded, every click is redirected.</summary>
internal static class LinksApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/" + TrackedLinks.Path + "{token}", FollowAsync).WithTags("Campaigns").AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> FollowAsync(string token, TrackedLinks links, CampaignsDbContext db, TimeProvider time, IServiceProvider services, CancellationToken ct)
    {
        if (links.Read(token) is not { } who
            || await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == who.Campaign, ct) is not { } campaign)
        {
            return Results.NotFound();
        }

        // The landing page of the channel the recipient's variant sent (the winner's for the rest of an A/B test).
        var variant = await db.Recipients.AsNoTracking().Where(r => r.CampaignId == who.Campaign && r.CustomerId == who.Customer).Select(r => r.Variant).FirstOrDefaultAsync(ct);
        var plan = CampaignStore.PlanOf(campaign);
        if ((Split.ChannelsOf(plan, variant, CampaignSender.WinnerOf(campaign)).FirstOrDefault(c => c.Channel == who.Channel)?.Url
                ?? plan.Channels.FirstOrDefault(c => c.Channel == who.Channel)?.Url) is not { } url)
        {
            return Results.NotFound();
        }

        if (!await db.Clicks.AnyAsync(c => c.CampaignId == who.Campaign && c.CustomerId == who.Customer, ct))
        {
            db.Clicks.Add(new ClickRow { CampaignId = who.Campaign, CustomerId = who.Customer, Channel = who.Channel, At = time.GetUtcNow().ToUnixTimeMilliseconds() });
            try
            {
                await db.SaveChangesAsync(ct);
                // A workflow waiting for this customer's engagement goes on (campaign.waitForEngagement).
                if (services.GetService(typeof(WorkflowRuntime)) is WorkflowRuntime runtime)
                {
                    await runtime.DispatchAsync([new Stimulus(CampaignSteps.Clicked, [CampaignSteps.ClickKey(who.Campaign, who.Customer)],
                        new System.Text.Json.Nodes.JsonObject { ["campaignId"] = who.Campaign.ToString("D"), ["customerId"] = who.Customer.ToString("D") })], keepUnmatched: false, ct);
                }
            }
            catch (DbUpdateException)
            {
                // Clicked twice at once: the other click was recorded.
            }
        }

        return Results.Redirect(url);
    }
}
