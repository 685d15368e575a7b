using Bogus;
using Scrm.Campaigns.Segments.Index;
using Scrm.Campaigns.Segments.Rules;
using Scrm.Customers.Directory;
using Scrm.Platform.Security;

namespace Scrm.Campaigns.Tests;

/// <summary>The columnar index answers exactly what the rule evaluator says, customer by customer, before and after changes.</summary>
public sealed class FactIndexTests
{
    private static (FactIndex Index, Dictionary<Guid, CustomerFactSheet> Customers) Build(int seed, int count)
    {
        var faker = new Faker { Random = new Randomizer(seed) };
        var customers = new Dictionary<Guid, CustomerFactSheet>();
        var index = new FactIndex();
        for (var i = 0; i < count; i++)
        {
            var c = Generated.Customer(faker, Guid.CreateVersion7(Generated.Now.AddSeconds(i)));
            customers[c.Id] = c;
            index.Upsert(c);
        }

        return (index, customers);
    }

    private static List<Guid> BruteForce(SegmentRule rule, IEnumerable<CustomerFactSheet> customers, OwnerScope? scope = null) =>
        [.. customers.Where(c => c.Active && (scope ?? OwnerScope.All).Includes(c.Owner) && RuleEvaluator.Matches(rule, c, Generated.Context)).Select(c => c.Id).Order()];

    private static List<Guid> Members(FactIndex index, SegmentRule rule, OwnerScope? scope = null) =>
        [.. index.Select(rule, Generated.Context, scope ?? OwnerScope.All).Members(null, int.MaxValue).Select(m => m.Id).Order()];

    public static TheoryData<int> RuleRows() => [.. Enumerable.Range(0, Generated.Rules.Length)];

    [Theory]
    [MemberData(nameof(RuleRows))]
    public void Counts_and_members_equal_a_brute_force_evaluation(int row)
    {
        var (index, customers) = Build(seed: 17, count: 3_000);
        var rule = Generated.Rule(Generated.Rules[row]);

        var expected = BruteForce(rule, customers.Values);

        index.Select(rule, Generated.Context, OwnerScope.All).Count.ShouldBe(expected.Count);
        Members(index, rule).ShouldBe(expected);
    }

    [Fact]
    public void The_rule_table_selects_neither_everyone_nor_no_one_for_most_rules()
    {
        var (_, customers) = Build(seed: 17, count: 3_000);

        var sizes = Generated.Rules.Select(r => BruteForce(Generated.Rule(r), customers.Values).Count).ToList();

        sizes.Count(n => n > 0 && n < customers.Count).ShouldBeGreaterThanOrEqualTo(Generated.Rules.Length - 2);
    }

    [Fact]
    public void A_data_scope_keeps_only_its_owners_and_the_unowned()
    {
        var (index, customers) = Build(seed: 5, count: 2_000);
        var scope = OwnerScope.Of(["rep-a"]);

        foreach (var json in Generated.Rules)
        {
            var rule = Generated.Rule(json);
            Members(index, rule, scope).ShouldBe(BruteForce(rule, customers.Values, scope), json);
        }
    }

    [Fact]
    public void Incremental_updates_equal_a_full_rebuild_after_a_random_event_stream()
    {
        var (index, customers) = Build(seed: 23, count: 2_000);
        var faker = new Faker { Random = new Randomizer(99) };
        var ids = customers.Keys.ToList();
        for (var e = 0; e < 10_000; e++)
        {
            var id = faker.PickRandom(ids);
            var was = customers[id];
            var next = faker.Random.Int(0, 9) switch
            {
                0 => Generated.Customer(faker, Guid.CreateVersion7(Generated.Now.AddMinutes(e))),
                1 => was with { Active = false },
                2 => was with { Tags = [.. was.Tags.Append(faker.PickRandom(Generated.Tags)).Distinct()] },
                3 => was with { Tags = [.. was.Tags.Skip(1)] },
                4 => was with { Tier = faker.Random.Bool(0.2f) ? null : faker.PickRandom(Generated.Tiers), R = faker.Random.Int(0, 5) },
                5 => was with { OrderCount = was.OrderCount + 1, AmountCents = was.AmountCents + faker.Random.Long(100, 10_000), LastOrderAt = Generated.Now.AddDays(-faker.Random.Double(0, 5)).ToUnixTimeMilliseconds() },
                6 => was with { Owner = faker.Random.Bool(0.2f) ? null : faker.PickRandom(Generated.Owners) },
                7 => was with { Consent = [.. faker.PickRandom(Generated.Channels, faker.Random.Int(0, 2))], Identities = [.. faker.PickRandom(Generated.Identities, faker.Random.Int(0, 3))] },
                8 => was with { City = faker.PickRandom(Generated.Cities), Province = faker.Random.Bool(0.1f) ? null : faker.PickRandom(Generated.Provinces) },
                _ => was with { LastInboundAt = Generated.Now.AddDays(-faker.Random.Double(0, 60)).ToUnixTimeMilliseconds(), LastContactAt = null },
            };
            if (!customers.ContainsKey(next.Id))
            {
                ids.Add(next.Id);
            }

            customers[next.Id] = next;
            index.Upsert(next);
        }

        var rebuilt = new FactIndex();
        foreach (var c in customers.Values)
        {
            rebuilt.Upsert(c);
        }

        index.Count.ShouldBe(customers.Values.Count(c => c.Active));
        foreach (var json in Generated.Rules)
        {
            var rule = Generated.Rule(json);
            var expected = BruteForce(rule, customers.Values);
            Members(index, rule).ShouldBe(expected, json);
            Members(rebuilt, rule).ShouldBe(expected, json);
        }
    }

    [Fact]
    public void Members_page_by_cursor_without_gaps_or_repeats()
    {
        var (index, customers) = Build(seed: 3, count: 1_000);
        var rule = Generated.Rule("""{"fact":"tier","op":"exists"}""");
        var selection = index.Select(rule, Generated.Context, OwnerScope.All);

        var seen = new List<Guid>();
        Guid? after = null;
        while (selection.Members(after, 37) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(m => m.Id));
            after = page[^1].Id;
        }

        seen.Count.ShouldBe(selection.Count);
        seen.Order().ShouldBe(BruteForce(rule, customers.Values));
    }
}
