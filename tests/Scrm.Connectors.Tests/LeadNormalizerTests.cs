using Scrm.Platform.Text;
using System.Text.Json;
using Scrm.Platform.Http;
using Scrm.Connectors.Web.Leads;
using Scrm.Ingestion.Inbound;
using Scrm.Testing;

namespace Scrm.Connectors.Tests;

public sealed class LeadNormalizerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_three_hostile_resubmissions_share_one_fingerprint()
    {
        var leads = JsonSerializer.Deserialize<LeadRecord[]>(File.ReadAllText(Repo.Fixture("hostile", "lead-duplicates.json")), JsonSerializerOptions.Web)!;
        var keys = leads
            .Select(l => LeadNormalizer.ToItem(new LeadInput { Name = l.Name, Phone = l.Phone, Company = l.Company }, "web", "contact", Now, "", new FieldErrors())!)
            .ToArray();
        keys.Select(k => k.IdempotencyKey).Distinct().Count().ShouldBe(1);
        keys.ShouldAllBe(k => k.DuplicateWindow == TimeSpan.FromHours(24));
    }

    [Fact]
    public void A_different_message_is_a_different_submission()
    {
        var a = LeadNormalizer.ToItem(new LeadInput { Phone = "13800138000", Message = "报价" }, "web", "contact", Now, "", new FieldErrors())!;
        var b = LeadNormalizer.ToItem(new LeadInput { Phone = "13800138000", Message = "售后" }, "web", "contact", Now, "", new FieldErrors())!;
        a.IdempotencyKey.ShouldNotBe(b.IdempotencyKey);
    }

    [Fact]
    public void An_external_id_makes_an_exact_key_without_a_window()
    {
        var item = LeadNormalizer.ToItem(new LeadInput { Email = "A@B.cn", ExternalId = "crm-42" }, "api", "hubspot", Now, "", new FieldErrors())!;
        item.IdempotencyKey.ShouldBe("lead:api:hubspot:crm-42");
        item.DuplicateWindow.ShouldBeNull();
    }

    [Fact]
    public void The_payload_keeps_raw_and_normalised_contacts_and_verbatim_text()
    {
        var item = LeadNormalizer.ToItem(
            new LeadInput { Name = " <script>alert(1)</script> ", Phone = "400-123-4567", Email = "Sales@Example.COM", Company = "=cmd|' /C calc'!A0", UtmSource = "baidu" },
            "web", "contact", Now, "", new FieldErrors())!;
        var lead = JsonSerializer.Deserialize(item.Payload, InboundJson.Default.LeadPayload)!;
        lead.Name.ShouldBe("<script>alert(1)</script>");
        lead.Phone.ShouldBe(new PhoneValue("400-123-4567", null));
        lead.Email.ShouldBe("sales@example.com");
        lead.Company.ShouldBe("=cmd|' /C calc'!A0");
        lead.Origin.UtmSource.ShouldBe("baidu");
        lead.Origin.Form.ShouldBe("contact");
    }

    [Theory]
    [InlineData(null, null, "phone")]
    [InlineData("not a phone", null, "phone")]
    [InlineData(null, "sales@@example.com", "email")]
    [InlineData("13800138000", "bad", "email")]
    public void Invalid_contacts_are_field_errors(string? phone, string? email, string field)
    {
        var errors = new FieldErrors();
        LeadNormalizer.ToItem(new LeadInput { Phone = phone, Email = email }, "web", "contact", Now, "[2]", errors).ShouldBeNull();
        errors.ToDictionary().Keys.ShouldContain($"[2].{field}");
    }

    private sealed record LeadRecord(string Name, string Phone, string Company);
}
