using Scrm.Platform.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scrm.Customers.Directory;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Routing;
using Scrm.Workflows.Activities;

namespace Scrm.Leads.Workflow;

[Activity("lead.create", Kinds = ActivityKinds.SideEffect, Outcomes = ["created", "attached"],
    Description = "Creates a lead for the customer identity resolution put the item on (a customer with an open lead gets the item attached instead), scores it and correlates the instance with the lead.")]
internal sealed class CreateLead(LeadIntake intake, CustomerDirectory? customers = null) : Activity
{
    private static class Texts
    {
        public static readonly UserText NoItem = new(
            "lead.create 需要 'item'：一条线索或提及的日志记录 {{kind, channel, position, payload}}；它的值为空。",
            "lead.create needs 'item': a lead or mention journal item {{kind, channel, position, payload}}; it got nothing.");

        public static readonly UserText NotAnItem = new(
            "lead.create 需要 'item'：一条线索或提及的日志记录 {{kind, channel, position, payload}}；得到的是不含线索或提及内容的 {0}。",
            "lead.create needs 'item': a lead or mention journal item {{kind, channel, position, payload}}; it got {0} without a lead or mention payload.");
    }

    [Input(Required = true, Description = "The journal item the workflow started on, usually {\"js\": \"input\"}.")]
    public Input<JsonNode> Item { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var item = context.Get(Item);
        var draft = LeadDrafts.From(item) ?? throw new ActivityInputException(item is null
            ? Texts.NoItem
            : Texts.NotAnItem.Filled(item.GetValueKind()));
        // The workflows read a journal item only after identity resolution has committed it (the
        // journal order the leads module declares), so this answer is final, whatever the load:
        // no customer here means the item names nobody, and its own contacts key the lead.
        if (customers is not null && item?["position"]?.GetValue<long>() is { } position
            && await customers.ForJournalItemAsync(position, context.CancellationToken) is { } customer)
        {
            draft = draft with
            {
                CustomerKey = $"customer:{customer.Id}",
                CustomerOwner = customer.Owner,
                ValueTier = customer.Tier ?? draft.ValueTier,
                Province = draft.Province ?? customer.Province,
                City = draft.City ?? customer.City,
            };
        }

        draft = LeadDrafts.WithPhoneRegion(draft);
        // Run again after a crash, the intake answers its first outcome: the lead this step created, not "already taken".
        var result = await context.RunEffectAsync(JsonSerializer.SerializeToNode(draft, JsonSerializerOptions.Web), (key, ct) => intake.IntakeAsync(draft, key, ct));
        if (result is null)
        {
            // A dry run: nothing was created; what would be is shown, and the next steps get a stand-in id.
            var (score, hot) = intake.Preview(draft);
            context.SetOutput("leadId", 0);
            context.SetOutput("customerKey", draft.CustomerKey);
            context.SetOutput("score", score);
            context.SetOutput("hot", hot);
            context.Complete("created");
            return;
        }

        context.SetOutput("leadId", result.LeadId);
        context.SetOutput("customerKey", result.CustomerKey);
        context.SetOutput("score", result.Score);
        context.SetOutput("hot", result.Hot);
        context.SetOutput("outcome", (int)result.Outcome);
        context.SetCorrelationId(LeadEvents.Correlation(result.LeadId));
        context.Complete(result.Outcome == IntakeOutcome.Created ? "created" : "attached");
    }
}

[Activity("lead.route", Kinds = ActivityKinds.SideEffect, Outcomes = ["assigned", "pooled"],
    Description = "Routes the lead to exactly one owner (notified, first contact planned), or to the shared pool; a customer without an owner gets this one.")]
internal sealed class RouteLead(LeadRouting routing, CustomerDirectory? customers = null) : Activity
{
    private static readonly UserText NoLeadId = new(
        "lead.route 需要 'leadId'，即 lead.create 给出的 ID（outputs.create.leadId）；它的值为空。是否在它之前有 lead.create 步骤？",
        "lead.route needs 'leadId', the id lead.create put out (outputs.create.leadId); it evaluated to nothing. Does a lead.create step run before it?");

    [Input(Required = true, Description = "The lead to route: lead.create's output, usually {\"js\": \"outputs.create.leadId\"}.")]
    public Input<long?> LeadId { get; init; } = new();

    [Input(Description = "The lead's customer key from lead.create; a 'customer:…' key gets its owner set when it has none.")]
    public Input<string> CustomerKey { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var leadId = context.Get(LeadId)
            ?? throw new ActivityInputException(NoLeadId);
        var customerKey = CustomerKey.IsSet ? context.Get(CustomerKey) : null;
        var decision = await context.RunEffectAsync(new JsonObject { ["leadId"] = leadId }, (key, ct) => routing.RouteAsync(leadId, $"workflow:{context.DefinitionId}", key, ct));
        if (decision?.Owner is { } owner && customerKey?.StartsWith("customer:", StringComparison.Ordinal) == true
            && Guid.TryParse(customerKey["customer:".Length..], out var customerId) && customers is { } directory)
        {
            // The customer model is another store: its claim is an effect of its own, answered again after a crash like the routing.
            await context.RunEffectAsync(new JsonObject { ["customerId"] = customerId, ["owner"] = owner }, (key, ct) => directory.ClaimOwnerAsync(customerId, owner, key, ct), part: "claim");
        }

        context.SetOutput("owner", decision?.Owner);
        context.SetOutput("team", decision?.Team);
        context.SetOutput("reasons", decision is null ? null : new JsonArray([.. decision.Reasons.Select(r => JsonValue.Create(r))]));
        context.Complete(decision is { Owner: null } ? "pooled" : "assigned");
    }
}

[Activity("lead.escalate", Kinds = ActivityKinds.SideEffect,
    Description = "Alerts the lead's team lead (for example when the first contact missed its SLA).")]
internal sealed class EscalateLead(LeadEvents events) : Activity
{
    [Input(Required = true)]
    public Input<long> LeadId { get; init; } = new();

    [Input(Required = true)]
    public Input<string> Reason { get; init; } = new();

    public override async ValueTask ExecuteAsync(ActivityContext context)
    {
        var leadId = context.Get(LeadId);
        var reason = context.Get(Reason) ?? "escalated";
        var notified = await context.RunEffectAsync(new JsonObject { ["leadId"] = leadId, ["reason"] = reason }, (key, ct) => events.EscalateAsync(leadId, reason, key, ct));
        context.SetOutput("notified", context.DryRun ? null : notified);
        context.Complete();
    }
}
