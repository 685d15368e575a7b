using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Workflows.Activities;

namespace Scrm.Leads.Workflow;

[Activity("lead.create", Kinds = ActivityKinds.SideEffect, Outcomes = ["created", "attached"],
    Description = "Creates a lead from the journal item (a customer with an open lead gets the item attached instead); scores it; correlates the instance with the lead.")]
public sealed class CreateLead(LeadIntake intake) : Activity
{
    [Input(Required = true, Description = "The journal item the workflow started on, usually {\"js\": \"input\"}.")]
    public Input<JsonNode> Item { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var draft = LeadDrafts.From(context.Get(Item))
            ?? throw new ArgumentException("The item is not a lead or mention journal item.");
        var result = await context.RunEffectAsync(JsonSerializer.SerializeToNode(draft, JsonSerializerOptions.Web), async (_, ct) =>
            JsonSerializer.SerializeToNode(await intake.IntakeAsync(draft, ct), JsonSerializerOptions.Web));
        if (result is null)
        {
            context.Complete("created");
            return;
        }

        var leadId = result["leadId"]!.GetValue<long>();
        context.SetOutput("leadId", leadId);
        context.SetOutput("score", result["score"]?.DeepClone());
        context.SetOutput("hot", result["hot"]?.DeepClone());
        context.SetOutput("outcome", result["outcome"]?.DeepClone());
        context.SetCorrelationId(LeadEvents.Correlation(leadId));
        context.Complete(result["outcome"]?.GetValue<int>() == (int)IntakeOutcome.Created ? "created" : "attached");
    }
}

[Activity("lead.route", Kinds = ActivityKinds.SideEffect, Outcomes = ["assigned", "pooled"],
    Description = "Routes the lead to exactly one owner (notified, first contact planned), or to the shared pool.")]
public sealed class RouteLead(LeadRouting routing) : Activity
{
    [Input(Required = true)]
    public Input<long> LeadId { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var leadId = context.Get(LeadId);
        var result = await context.RunEffectAsync(new JsonObject { ["leadId"] = leadId }, async (_, ct) =>
        {
            var decision = await routing.RouteAsync(leadId, $"workflow:{context.DefinitionId}", ct);
            return new JsonObject { ["owner"] = decision.Owner, ["team"] = decision.Team, ["reasons"] = new JsonArray([.. decision.Reasons.Select(r => JsonValue.Create(r))]) };
        });
        context.SetOutput("owner", result?["owner"]?.DeepClone());
        context.SetOutput("team", result?["team"]?.DeepClone());
        context.SetOutput("reasons", result?["reasons"]?.DeepClone());
        context.Complete(result?["owner"] is null && result is not null ? "pooled" : "assigned");
    }
}

[Activity("lead.escalate", Kinds = ActivityKinds.SideEffect,
    Description = "Alerts the lead's team lead (for example when the first contact missed its SLA).")]
public sealed class EscalateLead(LeadEvents events) : Activity
{
    [Input(Required = true)]
    public Input<long> LeadId { get; init; } = new();

    [Input(Required = true)]
    public Input<string> Reason { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var leadId = context.Get(LeadId);
        var reason = context.Get(Reason) ?? "escalated";
        var result = await context.RunEffectAsync(new JsonObject { ["leadId"] = leadId, ["reason"] = reason }, async (key, ct) =>
            new JsonObject { ["notified"] = await events.EscalateAsync(leadId, reason, key, ct) });
        context.SetOutput("notified", result?["notified"]?.DeepClone());
        context.Complete();
    }
}
