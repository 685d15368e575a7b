using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Scrm.Customers.Identity;
using Scrm.Customers.Merging;
using Scrm.Customers.Orders;
using Scrm.Platform.Security;
using Scrm.Customers.View;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Ingestion.Journal;
using Scrm.Testing;

namespace Scrm.Customers.Tests;

public sealed class SqliteScenarioTests(PostgresServer postgres) : ScenarioTests(postgres, usePostgres: false);

public sealed class PostgresScenarioTests(PostgresServer postgres) : ScenarioTests(postgres, usePostgres: true);

public abstract class ScenarioTests(PostgresServer postgres, bool usePostgres) : ProviderTests(postgres, usePostgres)
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private static InboundItem ContactEvent(string channel, string account, string key, object payload, DateTimeOffset at) =>
        new(InboundKind.ContactEvent, channel, account, key, at, JsonSerializer.Serialize(payload, JsonSerializerOptions.Web));

    /// <summary>
    /// The rule that joins them, stated: a web form alone never proves who a WeChat user is. After
    /// the form, the thank-you page shows the rep's WeCom "contact me" code issued for that visitor
    /// (State = wv_{visitorId}); the WeCom add event carries that State and the unionid WeCom
    /// resolved. So the WeCom event holds two deterministic keys: the unionid (the WeChat follower)
    /// and the visitor (the form's customer, with its phone). Resolution merges the two customers
    /// (audited, reversible) and the rep who added them becomes the one owner.
    /// </summary>
    [Fact]
    public async Task A_wechat_follower_who_fills_a_web_form_and_adds_a_rep_on_wecom_is_one_customer()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var journal = host.Get<IJournal>();
        var ct = TestContext.Current.CancellationToken;

        await journal.AppendAsync([ContactEvent("wechat", "oa-brand", "wechat:oa-brand:follow:o-1", new
        {
            channel = "wechat", account = "oa-brand", contact = new { id = "o-1", unionId = "u-1", name = "小明🌸" },
            eventType = "follow", attribution = new { source = "wechat_qr_scene", key = "qrscene_expo" }, churn = false, occurredAt = Day1,
        }, Day1)], ct);
        var lead = new LeadPayload("王小明", new PhoneValue("１３８ ００１３ ８０００", "+8613800138000"), null, "示例科技", null, "想了解报价",
            new LeadOrigin("web", "contact", null, "baidu", null, null, null, null, null, null), Day1.AddDays(2),
            new Dictionary<string, string> { ["visitorId"] = "v-7f3a" });
        await journal.AppendAsync([new InboundItem(InboundKind.Lead, "web", "contact", "lead:web:contact:1", lead.SubmittedAt,
            JsonSerializer.Serialize(lead, InboundJson.Default.LeadPayload))], ct);
        await journal.AppendAsync([ContactEvent("wecom", "corp-1", "wecom:corp-1:add:wm-1", new
        {
            channel = "wecom", account = "corp-1", contact = new { id = "wm-1", unionId = "u-1" }, eventType = "contact_added", staff = "rep-zhang",
            attribution = new { source = "wecom_contact_way_state", key = "wv_v-7f3a" }, churn = false, occurredAt = Day1.AddDays(3),
        }, Day1.AddDays(3))], ct);

        var customerId = await WaitForAsync(host, async db =>
            await db.Timeline.CountAsync(ct) == 3 && await db.Customers.CountAsync(c => c.Status == "active", ct) == 1
                ? await db.Customers.Where(c => c.Status == "active").Select(c => (Guid?)c.Id).SingleAsync(ct)
                : null);

        await using var scope = host.Services.CreateAsyncScope();
        var view = (await scope.ServiceProvider.GetRequiredService<CustomerReader>().GetAsync(customerId, new Caller("rep-zhang", "sales"), null, 50, ct))!;
        view.Owner.ShouldBe("rep-zhang");
        view.Profile.Name.ShouldBe("王小明");
        view.Profile.Nickname.ShouldBe("小明🌸");
        view.Profile.Phone.ShouldBe("+8613800138000");
        view.Identities.Select(i => i.Type).Order().ShouldBe([
            IdentityTypes.Phone, IdentityTypes.WebVisitor, IdentityTypes.WeChatOpenId, IdentityTypes.WeChatUnionId, IdentityTypes.WeComExternalUserId]);
        // Three channels: WeChat (openid + unionid), the web form (phone + visitor), WeCom (external_userid).
        view.Identities.Select(i => i.Type switch { IdentityTypes.Phone or IdentityTypes.WebVisitor => "web", var t => t.Split('_')[0] }).Distinct().Count().ShouldBe(3);
        view.Timeline.Items.Reverse().Select(t => (t.Kind, t.Channel)).ShouldBe([("contact_event", "wechat"), ("lead", "web"), ("contact_event", "wecom")]);
        view.Consents.Select(c => (c.Channel, c.Granted)).ShouldBe([("wechat:oa-brand", true), ("wecom:corp-1", true)]);
    }

    [Fact]
    public async Task Merge_then_unmerge_restores_both_full_360_views_exactly()
    {
        await using var host = await CustomerHost.StartAsync(Storage);
        var ct = TestContext.Current.CancellationToken;
        var ids = await host.ApplyAsync(
            CustomerHost.Contact(1, "wechat", [new IdentityKey(IdentityTypes.WeChatOpenId, "oa1", "o-1")], rep: "rep-a") with
            {
                Profile = new ProfileHints { Nickname = "阿明" },
                Consents = [new ConsentChange("wechat:oa1", true, "follow")],
                AutoTags = ["churn-risk"],
            },
            CustomerHost.Lead(2, "李明", "+8613900139000", "li.ming@example.com", "示例科技") with
            {
                Rep = "rep-b",
                Consents = [new ConsentChange("wechat:oa1", false, "unfollow"), new ConsentChange("sms", true, "form")],
                AutoTags = ["churn-risk"],
            },
            CustomerHost.Lead(3, null, "+8613900139000"));
        Guid a = ids[0]!.Value, b = ids[1]!.Value;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var orders = scope.ServiceProvider.GetRequiredService<OrderService>();
            (await orders.RecordAsync([
                new OrderInput("o-100", a, null, null, null, null, 199m, null, "shop", Day1, [new OrderLineInput("tea", 1, 199m)]),
                new OrderInput("o-101", null, "+86 139 0013 9000", null, null, null, 3999m, null, "shop", Day1.AddDays(30), [new OrderLineInput("tea", 2, 3999m)]),
                new OrderInput("o-102", b, null, null, null, null, 59m, null, "shop", Day1.AddDays(60), [new OrderLineInput("tea", 1, 59m)]),
            ], "zh-CN", ct)).Select(o => o.Status).ShouldBe(["created", "created", "created"]);
            var editor = scope.ServiceProvider.GetRequiredService<CustomerEditor>();
            var admin = new Caller("root", "admin");
            (await editor.TagAsync(b, "trade-show", true, admin, ct)).Errors.ShouldBeNull();
            (await editor.ReplaceDecisionMapAsync(b, [new DecisionMapInput("ceo", "周总", "CEO", "decision_maker", 5, null, null),
                new DecisionMapInput("buyer", "钱经理", "采购", "economic_buyer", 4, "ceo", a)], admin, ct)).Errors.ShouldBeNull();
        }

        var before = (await ViewAsync(host, a), await ViewAsync(host, b));

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<MergeService>().MergeAsync(a, b, "root", "same person (checked by phone)", ct);
            result.Preview.Owner.DroppedOwner.ShouldBe("rep-a");
            result.Preview.Owner.Owner.ShouldBe("rep-b");
        }

        var merged = JsonSerializer.Deserialize<CustomerView>(await ViewAsync(host, a), JsonSerializerOptions.Web)!;
        merged.Owner.ShouldBe("rep-b");
        merged.Identities.Count.ShouldBe(3);
        merged.Value.Orders.ShouldBe(3);
        merged.Timeline.Items.Count.ShouldBe(3 + 3);
        merged.DecisionMap.Count.ShouldBe(2);
        merged.Consents.Single(c => c.Channel == "wechat:oa1").Granted.ShouldBeFalse();
        (await host.QueryAsync(db => db.Customers.CountAsync(c => c.OwnerId != null, ct))).ShouldBe(1);

        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<MergeService>().UnmergeAsync(b, "root", "two people after all", ct);
        }

        (await ViewAsync(host, a)).ShouldBe(before.Item1);
        (await ViewAsync(host, b)).ShouldBe(before.Item2);
    }

    private static async Task<string> ViewAsync(ModuleHost host, Guid id)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<CustomerReader>().GetAsync(id, new Caller("root", "admin"), null, 200, TestContext.Current.CancellationToken);
        return JsonSerializer.Serialize(view, JsonSerializerOptions.Web);
    }

    private static async Task<Guid> WaitForAsync(ModuleHost host, Func<Model.CustomersDbContext, Task<Guid?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await host.QueryAsync(probe) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("resolution did not finish");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
