using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Platform.Contacts;
using Scrm.Platform.Text;
using EmailAddress = Scrm.Platform.Contacts.Email;
using PhoneNumber = Scrm.Platform.Contacts.Phone;

namespace Scrm.Leads.Entry;

/// <summary>A lead a rep enters by hand (a phone call, a business card, a trade fair) or imports from a spreadsheet.</summary>
/// <param name="Source">Where it came from, in the rep's words (电话, 名片, 展会…): the lead's channel in reports and routing rules.</param>
/// <param name="Keep">The rep keeps the lead instead of having it routed (unless the customer already has an owner).</param>
internal sealed record ManualLead(
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? Company = null,
    string? Title = null,
    string? Province = null,
    string? City = null,
    string? Product = null,
    string? Source = null,
    string? Message = null,
    bool Keep = false);

/// <summary>
/// Turns a lead entered or imported by a rep into a journal item, so it takes the path every lead
/// takes (customer resolution, the lead-conversion workflow, routing, search). Pure. A lead entered
/// by hand is keyed by its contents within <see cref="ResubmissionWindow"/> (a double click is one
/// lead); an imported row is keyed by its contents for good, so uploading the same file again adds nothing.
/// </summary>
internal static class LeadEntries
{
    /// <summary>The journal channel of leads reps enter by hand; the item's account is the rep.</summary>
    public const string Channel = "sales";

    /// <summary>The journal channel of leads imported from a file; the item's account is the rep who imported it.</summary>
    public const string ImportChannel = "import";

    /// <summary>The payload field naming the rep who keeps the lead (only read on <see cref="Channel"/> items, and only as the item's own account).</summary>
    public const string KeepField = "keepOwner";

    public static readonly TimeSpan ResubmissionWindow = TimeSpan.FromHours(24);

    private static class Texts
    {
        public static readonly UserText NeedsContact = new("线索需要手机号或邮箱", "a lead needs a phone number or an e-mail address");
        public static readonly UserText TooLong = new("最多 {0} 个字符", "must be at most {0} characters");
        public static readonly UserText BadText = new("含有不允许的字符：{0}", "{0}");
    }

    private static readonly (string Field, int Max)[] Limits =
    [
        ("name", 200), ("phone", 64), ("email", 254), ("company", 200), ("title", 200), ("province", 64), ("city", 64),
        ("product", 200), ("source", 64), ("message", 5_000),
    ];

    /// <summary>The journal item for a lead entered (<paramref name="imported"/> false) or imported by <paramref name="rep"/>, or the errors by field.</summary>
    public static (InboundItem? Item, Dictionary<string, string[]> Errors) ToItem(ManualLead lead, string rep, bool imported, DateTimeOffset now, string language)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var values = new Dictionary<string, string?>
        {
            ["name"] = lead.Name, ["phone"] = lead.Phone, ["email"] = lead.Email, ["company"] = lead.Company, ["title"] = lead.Title,
            ["province"] = lead.Province, ["city"] = lead.City, ["product"] = lead.Product, ["source"] = lead.Source, ["message"] = lead.Message,
        };
        foreach (var (field, max) in Limits)
        {
            if (values[field] is not { } value)
            {
                continue;
            }

            if (value.Length > max)
            {
                errors[field] = [Texts.TooLong.In(language, max)];
            }
            else if (TextRule.Problem(value) is { } problem)
            {
                errors[field] = [Texts.BadText.In(language, problem)];
            }
        }

        var (phone, phoneError) = errors.ContainsKey("phone") ? (null, null) : PhoneNumber.Check(lead.Phone);
        if (phoneError is not null)
        {
            errors["phone"] = [PhoneNumber.Refused.In(language, phoneError)];
        }

        string? email = null;
        if (!string.IsNullOrWhiteSpace(lead.Email) && !errors.ContainsKey("email"))
        {
            (email, var emailError) = EmailAddress.Normalize(lead.Email);
            if (emailError is not null)
            {
                errors["email"] = [EmailAddress.Refused.In(language, emailError)];
            }
        }

        if (string.IsNullOrWhiteSpace(lead.Phone) && string.IsNullOrWhiteSpace(lead.Email))
        {
            errors["phone"] = [Texts.NeedsContact.In(language)];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Put(fields, "province", lead.Province);
        Put(fields, "city", lead.City);
        Put(fields, "product", lead.Product);
        if (lead.Keep && !imported)
        {
            fields[KeepField] = rep;
        }

        var channel = imported ? ImportChannel : Channel;
        var payload = new LeadPayload(
            Trim(lead.Name),
            phone is null ? null : new PhoneValue(phone.Raw, phone.E164),
            email,
            Trim(lead.Company),
            Trim(lead.Title),
            Trim(lead.Message),
            new LeadOrigin(Trim(lead.Source) ?? channel, null, null, null, null, null, null, null, null, null),
            now,
            fields.Count > 0 ? fields : null);
        var json = JsonSerializer.Serialize(payload, InboundJson.Stored.LeadPayload);
        var fingerprint = Fingerprint(payload, phone);
        return imported
            ? (new InboundItem(InboundKind.Lead, channel, rep, $"lead:{channel}:#{fingerprint}", now, json), errors)
            : (new InboundItem(InboundKind.Lead, channel, rep, $"lead:{channel}:{rep}:#{fingerprint}", now, json) { DuplicateWindow = ResubmissionWindow }, errors);
    }

    /// <summary>What makes two entries the same lead: normalised contacts, name, company and message.</summary>
    internal static string Fingerprint(LeadPayload lead, NormalizedPhone? phone)
    {
        var canonical = string.Join('\u001F',
            phone?.E164 ?? new string([.. Width.Fold(phone?.Raw ?? "").Where(char.IsAsciiDigit)]),
            lead.Email ?? "",
            MatchText.Normalize(lead.Name),
            MatchText.Normalize(lead.Company),
            MatchText.Normalize(lead.Message));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32];
    }

    private static void Put(Dictionary<string, string> fields, string name, string? value)
    {
        if (Trim(value) is { } text)
        {
            fields[name] = text;
        }
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
