using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteResolutionEngineTests(PostgresServer postgres) : ResolutionEngineTests(postgres, usePostgres: false);

public sealed class PostgresResolutionEngineTests(PostgresServer postgres) : ResolutionEngineTests(postgres, usePostgres: true);

public abstract class ResolutionEngineTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static IdentityKey OpenId(string id) => new(IdentityTypes.WeChatOpenId, "oa1", id);

    [Fact]
    public async Task Rehandling_a_batch_changes_nothing()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        Observation[] batch =
        [
            CustomerHost.Lead(1, "张三", "+8613800138000"),
            CustomerHost.Lead(2, "李四", "+8613900139000", "li@example.com"),
            CustomerHost.Lead(3, null, "+8613800138000"),
        ];

        var first = await host.ApplyAsync(batch);
        var again = await host.ApplyAsync(batch);

        again.ShouldBe(first);
        first[2].ShouldBe(first[0]);
        (await host.ActiveCustomersAsync()).ShouldBe(2);
        (await host.QueryAsync(db => db.Identities.CountAsync(TestContext.Current.CancellationToken))).ShouldBe(3);
        (await host.QueryAsync(db => db.Timeline.CountAsync(TestContext.Current.CancellationToken))).ShouldBe(3);
    }

    [Fact]
    public async Task Two_people_sharing_a_company_switchboard_stay_two_customers()
    {
        await using var host = await CustomerHost.StartAsync(Storage);

        var result = await host.ApplyAsync(
            CustomerHost.Lead(1, "张三", "+861088886666", "zhang@corp.example", "示例科技"),
            CustomerHost.Lead(2, "李四", "+861088886666", "li@corp.example", "示例科技"));

        result[0].ShouldNotBe(result[1]);
        (await host.ActiveCustomersAsync()).ShouldBe(2);
        (await host.QueryAsync(db => db.Identities.CountAsync(i => i.Type == IdentityTypes.Phone, TestContext.Current.CancellationToken))).ShouldBe(0);
    }

    [Fact]
    public async Task A_mobile_used_by_two_named_people_is_marked_shared_and_links_nobody_afterwards()
    {
        await using var host = await CustomerHost.StartAsync(Storage);

        var result = await host.ApplyAsync(
            CustomerHost.Lead(1, "张三", "+8613800138000"),
            CustomerHost.Lead(2, "李四", "+8613800138000"),
            CustomerHost.Lead(3, null, "+8613800138000"));

        result.Distinct().Count().ShouldBe(3);
        (await host.QueryAsync(db => db.SharedNumbers.Select(s => s.Value).ToListAsync(TestContext.Current.CancellationToken))).ShouldBe(["+8613800138000"]);
    }

    [Fact]
    public async Task Items_in_one_batch_see_the_customers_earlier_items_created()
    {
        await using var host = await CustomerHost.StartAsync(Storage);

        var result = await host.ApplyAsync(
            CustomerHost.Contact(1, "wechat", [OpenId("o-1"), IdentityKey.Global(IdentityTypes.WeChatUnionId, "u-1")]),
            CustomerHost.Contact(2, "wechat", [OpenId("o-1")]),
            CustomerHost.Contact(3, "wecom", [new IdentityKey(IdentityTypes.WeComExternalUserId, "corp", "wm-1"), IdentityKey.Global(IdentityTypes.WeChatUnionId, "u-1")], rep: "rep-a"));

        result.Distinct().ShouldHaveSingleItem();
        var customer = await host.QueryAsync(db => db.Customers.SingleAsync(TestContext.Current.CancellationToken));
        customer.OwnerId.ShouldBe("rep-a");
        (await host.QueryAsync(db => db.Identities.CountAsync(TestContext.Current.CancellationToken))).ShouldBe(3);
    }

    [Fact]
    public async Task Keys_proving_two_customers_are_one_merge_them_with_an_audited_reversible_record()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var first = await host.ApplyAsync(
            CustomerHost.Contact(1, "wechat", [OpenId("o-1"), IdentityKey.Global(IdentityTypes.WeChatUnionId, "u-1")]),
            CustomerHost.Lead(2, "张三", "+8613800138000", "zhang@example.com"));
        first[0].ShouldNotBe(first[1]);

        // A WeCom contact that carries the unionid, and that the rep recorded with the same e-mail.
        var merged = await host.ApplyAsync(CustomerHost.Contact(3, "wecom",
            [new IdentityKey(IdentityTypes.WeComExternalUserId, "corp", "wm-1"), IdentityKey.Global(IdentityTypes.WeChatUnionId, "u-1"), IdentityKey.Global(IdentityTypes.Email, "zhang@example.com")],
            rep: "rep-a"));

        merged[0].ShouldBe(first[0]);
        (await host.ActiveCustomersAsync()).ShouldBe(1);
        var record = await host.QueryAsync(db => db.Merges.SingleAsync(TestContext.Current.CancellationToken));
        record.Actor.ShouldBe(ResolutionEngine.Actor);
        record.SurvivorId.ShouldBe(first[0]!.Value);
        record.MergedId.ShouldBe(first[1]!.Value);
        (await host.QueryAsync(db => db.Audit.CountAsync(a => a.Action == "merge", TestContext.Current.CancellationToken))).ShouldBe(2);
        (await host.QueryAsync(db => db.Timeline.CountAsync(t => t.CustomerId == first[0]!.Value, TestContext.Current.CancellationToken))).ShouldBe(3);
    }
}

public sealed class SqliteOwnershipUpdateTests(PostgresServer postgres) : OwnershipUpdateTests(postgres, usePostgres: false);

public sealed class PostgresOwnershipUpdateTests(PostgresServer postgres) : OwnershipUpdateTests(postgres, usePostgres: true);

public abstract class OwnershipUpdateTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Fact]
    public async Task A_rep_who_later_takes_on_a_known_customer_becomes_the_owner()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var key = new IdentityKey(IdentityTypes.WeComExternalUserId, "corp", "wm-9");
        var first = await host.ApplyAsync(CustomerHost.Contact(1, "wecom", [key]));
        await host.ApplyAsync(CustomerHost.Contact(2, "wecom", [key], rep: "rep-c"));

        var row = await host.QueryAsync(db => db.Customers.SingleAsync(TestContext.Current.CancellationToken));
        row.Id.ShouldBe(first[0]!.Value);
        row.OwnerId.ShouldBe("rep-c");
        row.LastSalesActivityAt.ShouldNotBeNull();
    }
}

public sealed class SqliteMergeOwnerTests(PostgresServer postgres) : MergeOwnerTests(postgres, usePostgres: false);

public abstract class MergeOwnerTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_rep_who_joins_two_customers_owns_the_merged_one(int batches)
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var union = IdentityKey.Global(IdentityTypes.WeChatUnionId, "u-1");
        var visitor = IdentityKey.Global(IdentityTypes.WebVisitor, "v-1");
        Observation[] all =
        [
            CustomerHost.Contact(1, "wechat", [new IdentityKey(IdentityTypes.WeChatOpenId, "oa", "o-1"), union]),
            CustomerHost.Lead(2, "王小明", "+8613800138000") with { Keys = [PhoneKeys.FromE164("+8613800138000")!.Value, visitor] },
            CustomerHost.Contact(3, "wecom", [new IdentityKey(IdentityTypes.WeComExternalUserId, "corp", "wm-1"), union, visitor], rep: "rep-z"),
        ];
        if (batches == 1)
        {
            await host.ApplyAsync(all);
        }
        else
        {
            foreach (var o in all)
            {
                await host.ApplyAsync(o);
            }
        }

        var rows = await host.QueryAsync(db => db.Customers.Where(c => c.Status == "active").ToListAsync(TestContext.Current.CancellationToken));
        rows.ShouldHaveSingleItem().OwnerId.ShouldBe("rep-z");
    }
}
