using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Scrm.Customers;
using Scrm.Customers.Identity;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Leads.Pipeline;
using Scrm.Leads.Storage;
using Scrm.Platform.Scheduling;
using Scrm.Testing;
using Scrm.Workflows;
using Scrm.Workflows.Definitions;

namespace Scrm.Leads.Tests;

/// <summary>
/// The shipped lead-conversion workflow beside identity resolution: a lead's customer and owner do
/// not depend on how far behind resolution runs, because the workflows see an item only after
/// resolution has committed it.
/// </summary>
public sealed class ResolutionOrderTests
{
    private const string Phone = "+8613900000077";

    [Fact]
    public async Task A_lead_held_back_from_resolution_ends_with_the_same_customer_and_owner_as_one_that_was_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ModuleHost.StartAsync(StorageUnderTest.Sqlite,
            (s, c) => s.AddScrmScheduling(c).AddScrmIngestion(c).AddScrmCustomers(c).AddScrmWorkflows(c).AddScrmLeads(c), RoutingConcurrencyTests.Team(), time);
        var store = host.Get<DefinitionStore>();
        var shipped = DefinitionJson.Parse(await File.ReadAllBytesAsync(Path.Combine(Repo.Root, "workflows", "definitions", "lead-conversion.json"), ct), 1 << 20).Definition!;
        (await store.CreateAsync(shipped, ct)).Outcome.ShouldBe(SaveOutcome.Saved);
        (await store.PublishAsync(shipped.Id, ct)).Outcome.ShouldBe(PublishOutcome.Published);
        var journal = host.Get<IJournal>();

        // The customer's first lead is routed; a second item from them, resolved at once, joins that lead.
        var first = await LeadOfAsync(host, await AppendAsync(journal, "first"));
        var prompt = await LeadOfAsync(host, await AppendAsync(journal, "prompt"));
        prompt.CustomerKey.ShouldStartWith("customer:");
        prompt.Owner.ShouldNotBeNull();
        prompt.Id.ShouldBe(first.Id);

        // A third item from the same person while identity resolution is held back, far longer than
        // any wait a workflow step could afford, then let go.
        var gate = host.Get<ResolutionGate>();
        await gate.WaitAsync(ct);
        long late;
        try
        {
            late = await AppendAsync(journal, "late");
            for (var i = 0; i < 40; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Delay(25, ct);
            }
        }
        finally
        {
            gate.Release();
        }

        var held = await LeadOfAsync(host, late);
        held.CustomerKey.ShouldBe(prompt.CustomerKey);
        held.Owner.ShouldBe(prompt.Owner);
        held.Id.ShouldBe(prompt.Id);
    }

    private static async Task<long> AppendAsync(IJournal journal, string id)
    {
        var lead = new LeadPayload("王小明", new PhoneValue("13900000077", Phone), null, "示例科技", null, "想了解企业版价格",
            new LeadOrigin("web", "contact", null, null, null, null, null, null, null, null), DateTimeOffset.UtcNow, null);
        return (await journal.AppendAsync([new InboundItem(InboundKind.Lead, "web", "contact", $"lead:web:contact:order-{id}", lead.SubmittedAt,
            JsonSerializer.Serialize(lead, InboundJson.Default.LeadPayload))], TestContext.Current.CancellationToken))[0].Position;
    }

    /// <summary>The routed lead the item at <paramref name="position"/> made or joined (polled: the workflow runs in the background).</summary>
    private static async Task<LeadRow> LeadOfAsync(ModuleHost host, long position)
    {
        var contexts = host.Get<IDbContextFactory<LeadsDbContext>>();
        var key = LeadDrafts.JournalKey(position);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using (var db = await contexts.CreateDbContextAsync(TestContext.Current.CancellationToken))
            {
                var lead = await db.Touches.AsNoTracking().Where(t => t.SourceKey == key)
                    .Join(db.Leads.AsNoTracking(), t => t.LeadId, l => l.Id, (t, l) => l)
                    .SingleOrDefaultAsync(TestContext.Current.CancellationToken);
                if (lead is { Owner: not null })
                {
                    return lead;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No routed lead holds journal item {position}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
