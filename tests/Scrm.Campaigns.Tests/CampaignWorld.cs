using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.FakeChannels;

namespace Scrm.Campaigns.Tests;

/// <summary>
/// Gold customers laid out by how they can be reached, the channels and receivers a campaign sends
/// to, and what each receiver got — so that tests compare the product's figures with counts taken
/// independently on the receiving side.
/// </summary>
internal sealed class CampaignWorld
{
    public const string WeChatAccount = "brand";
    public const string WeComAccount = "corp";

    public sealed record Person(Guid Id, string Group, string Name, string? OpenId, string? ExternalUserId, string? Phone, string? Email, string[] Consents, string Tier = "gold");

    public List<Person> People { get; } = [];

    public CampaignWorld(int scale = 1)
    {
        var n = 0;
        Person Add(string group, Func<int, Person> make)
        {
            var p = make(n++);
            People.Add(p);
            return p;
        }

        for (var i = 0; i < 10 * scale; i++)
        {
            // Also reachable by SMS: the marketer's order puts WeChat first.
            Add("wechat", k => new Person(Id(k), "wechat", $"微信客户{k}", $"oWx{k:D6}", null, i % 2 == 0 ? $"+86138{k:D8}" : null, null,
                i % 2 == 0 ? ["wechat:" + WeChatAccount, "sms"] : ["wechat:" + WeChatAccount]));
        }

        for (var i = 0; i < 8 * scale; i++)
        {
            Add("wecom", k => new Person(Id(k), "wecom", $"企微客户{k}", null, $"wmEx{k:D6}", null, i % 2 == 0 ? $"wecom{k}@example.com" : null,
                ["wecom:" + WeComAccount, "email"]));
        }

        for (var i = 0; i < 8 * scale; i++)
        {
            Add("sms", k => new Person(Id(k), "sms", $"短信客户{k}", null, null, $"+86139{k:D8}", null, ["sms"]));
        }

        for (var i = 0; i < 6 * scale; i++)
        {
            Add("email", k => new Person(Id(k), "email", $"邮件客户{k}", null, null, null, $"buyer{k}@example.com", ["email"]));
        }

        for (var i = 0; i < 3 * scale; i++)
        {
            // Reachable, but consent was never given (or was withdrawn).
            Add("no-consent", k => new Person(Id(k), "no-consent", $"未授权客户{k}", $"oWx{k:D6}", null, $"+86137{k:D8}", null, []));
        }

        for (var i = 0; i < 2 * scale; i++)
        {
            Add("unreachable", k => new Person(Id(k), "unreachable", $"无联系方式{k}", null, null, null, null, []));
        }

        for (var i = 0; i < 5 * scale; i++)
        {
            Add("silver", k => new Person(Id(k), "silver", $"银卡客户{k}", $"oWx{k:D6}", null, null, null, ["wechat:" + WeChatAccount], "silver"));
        }
    }

    private static Guid Id(int k) => Guid.Parse($"00000000-0000-7000-8000-{k + 1:D12}");

    public IEnumerable<Person> Gold => People.Where(p => p.Tier == "gold");

    /// <summary>The channel each gold customer should get the campaign on, in the order wechat, wecom, sms, email; null when held back.</summary>
    public static string? ExpectedChannel(Person p) =>
        p.OpenId is not null && p.Consents.Contains("wechat:" + WeChatAccount) ? "wechat"
        : p.ExternalUserId is not null && p.Consents.Contains("wecom:" + WeComAccount) ? "wecom"
        : p.Phone is not null && p.Consents.Contains("sms") ? "sms"
        : p.Email is not null && p.Consents.Contains("email") ? "email"
        : null;

    public async Task SeedAsync(CustomersDbContext db, long updatedAt)
    {
        foreach (var p in People)
        {
            db.Customers.Add(new CustomerRow
            {
                Id = p.Id,
                Status = CustomerStatus.Active,
                Name = p.Name,
                Tier = p.Tier,
                CreatedAt = updatedAt,
                UpdatedAt = updatedAt,
            });
            if (p.OpenId is not null)
            {
                db.Identities.Add(new IdentityRow { CustomerId = p.Id, Type = IdentityTypes.WeChatOpenId, Account = WeChatAccount, Value = p.OpenId + p.Id.ToString("N")[^4..] });
            }

            if (p.ExternalUserId is not null)
            {
                db.Identities.Add(new IdentityRow { CustomerId = p.Id, Type = IdentityTypes.WeComExternalUserId, Account = WeComAccount, Value = p.ExternalUserId });
            }

            if (p.Phone is not null)
            {
                db.Identities.Add(new IdentityRow { CustomerId = p.Id, Type = IdentityTypes.Phone, Value = p.Phone });
            }

            if (p.Email is not null)
            {
                db.Identities.Add(new IdentityRow { CustomerId = p.Id, Type = IdentityTypes.Email, Value = p.Email });
            }

            db.Consents.AddRange(p.Consents.Select(c => new ConsentRow { CustomerId = p.Id, Channel = c, Granted = true, At = updatedAt, Source = "test" }));
            if (p.Group == "no-consent")
            {
                db.Consents.Add(new ConsentRow { CustomerId = p.Id, Channel = "wechat:" + WeChatAccount, Granted = false, At = updatedAt, Source = "unsubscribe" });
            }
        }

        await db.SaveChangesAsync();
    }

    public string OpenIdOf(Person p) => p.OpenId + p.Id.ToString("N")[^4..];

    public static Dictionary<string, string?> Settings(FakeChannelServer fake, LocalSmsGateway sms, LocalSmtpServer smtp) => new()
    {
        ["Scrm:Connectors:WeChat:Accounts:brand:AppId"] = "wx0123456789abcdef",
        ["Scrm:Connectors:WeChat:Accounts:brand:Token"] = "campaigntoken",
        ["Scrm:Connectors:WeChat:Accounts:brand:AppSecret"] = "app-secret",
        ["Scrm:Connectors:WeChat:ApiBaseUrl"] = fake.WeChat.ToString(),
        ["Scrm:Connectors:WeCom:Accounts:corp:CorpId"] = "ww0123456789abcdef",
        ["Scrm:Connectors:WeCom:Accounts:corp:Token"] = "QDG6eK",
        ["Scrm:Connectors:WeCom:Accounts:corp:EncodingAesKey"] = "Ko1kxXoq0mHxg6vXcfGrpwSIQO3Ty2sx7YqjBgDkiYr",
        ["Scrm:Connectors:WeCom:Accounts:corp:Secret"] = "wecom-secret",
        ["Scrm:Connectors:WeCom:ApiBaseUrl"] = fake.WeCom.ToString(),
        ["Scrm:Campaigns:Sms:GatewayUrl"] = sms.Url.ToString(),
        ["Scrm:Campaigns:Sms:ApiKey"] = LocalSmsGateway.Key,
        ["Scrm:Campaigns:Sms:Signature"] = "【好物商城】",
        ["Scrm:Campaigns:Email:Host"] = "127.0.0.1",
        ["Scrm:Campaigns:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Scrm:Campaigns:Email:From"] = "好物商城 <news@example.com>",
        ["Scrm:Campaigns:FrequencyCap"] = "1",
        ["Scrm:Campaigns:QuietHoursStart"] = "00:00",
        ["Scrm:Campaigns:QuietHoursEnd"] = "00:00",
        ["Scrm:Campaigns:SendPollInterval"] = "00:00:00.100",
        ["Scrm:Campaigns:IndexSettleTime"] = "00:00:00",
        ["Scrm:Campaigns:IndexPollInterval"] = "00:00:00.100",
        ["Scrm:Scheduling:Store"] = "Memory",
    };

    public static object GoldRule => new { fact = "tier", op = "in", values = new[] { "gold" } };

    /// <summary>A campaign body: every channel, in the order wechat, wecom, sms, email; the campaign's name in every message.</summary>
    public static object Campaign(string name, Guid segment, object? quietHours = null) => new
    {
        name,
        segmentId = segment,
        channels = new object[]
        {
            new { channel = "wechat", account = WeChatAccount, templateId = "TPL-D11", values = new Dictionary<string, string> { ["first"] = "{{ customer.name }}，会员专享", ["remark"] = "{{ campaign.name }}" }, url = "https://shop.example.com/d11" },
            new { channel = "wecom", account = WeComAccount, text = "{{ customer.name }}您好：{{ campaign.name }}" },
            new { channel = "sms", account = "gateway", text = "{{ customer.name }}您好：{{ campaign.name }} {{ link }}", url = "https://shop.example.com/sms" },
            new { channel = "email", account = "news", subject = "{{ campaign.name }}", text = "{{ customer.name }}您好：{{ campaign.name }}\n退订：{{ unsubscribe_url }}" },
        },
        quietHours,
    };

    /// <summary>What each receiver got, as (channel, address, text that names the campaign).</summary>
    public static List<(string Channel, string Address, string Text)> Received(FakeChannelServer fake, LocalSmsGateway sms, LocalSmtpServer smtp)
    {
        var got = new List<(string, string, string)>();
        foreach (var call in fake.State.CallsTo("template_send"))
        {
            got.Add(("wechat", (string)call.Body["touser"]!, string.Join("\n", call.Body["data"]!.AsObject().Select(v => (string)v.Value!["value"]!))));
        }

        foreach (var call in fake.State.CallsTo("add_msg_template"))
        {
            foreach (var user in call.Body["external_userid"]!.AsArray())
            {
                got.Add(("wecom", (string)user!, (string)call.Body["text"]!["content"]!));
            }
        }

        got.AddRange(sms.Messages.Select(m => ("sms", m.To, m.Text)));
        got.AddRange(smtp.Messages.Select(m => ("email", m.To, Decoded(m.Data))));
        return got;
    }

    /// <summary>An e-mail's subject, headers that matter and text, decoded.</summary>
    public static string Decoded(string mime)
    {
        var message = MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(mime)));
        return $"{message.Subject}\nList-Unsubscribe: {message.Headers["List-Unsubscribe"]}\n{message.TextBody}";
    }

    public string AddressOf(Person p, string channel) => channel switch
    {
        "wechat" => OpenIdOf(p),
        "wecom" => p.ExternalUserId!,
        "sms" => p.Phone!,
        _ => p.Email!,
    };

    public static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe, TimeSpan? atMost = null)
    {
        var deadline = DateTime.UtcNow + (atMost ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(100);
        }
    }

    public static async Task<Guid> SegmentAsync(HttpClient client, int expected, CancellationToken ct)
    {
        var created = await client.PostAsJsonAsync("/api/v1/segments", new { name = "金卡会员", rule = GoldRule }, ct);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        await PollAsync(async () =>
        {
            var preview = await client.PostAsJsonAsync("/api/v1/segments/preview?sample=0", GoldRule, ct);
            var body = await preview.Content.ReadFromJsonAsync<JsonElement>(ct);
            return preview.IsSuccessStatusCode && body.GetProperty("count").GetInt32() == expected ? body : null;
        });
        return id;
    }
}
