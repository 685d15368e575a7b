using Scrm.Platform.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scrm.Platform.Http;
using Scrm.Ingestion;
using Scrm.Ingestion.Inbound;
using Scrm.Platform.Contacts;
using EmailAddress = Scrm.Platform.Contacts.Email;
using PhoneNumber = Scrm.Platform.Contacts.Phone;

namespace Scrm.Connectors.Web.Leads;

/// <summary>A lead as submitted, before normalisation: from JSON or from a web form.</summary>
internal sealed record LeadInput
{
    public string? Name { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Company { get; init; }
    public string? Title { get; init; }
    public string? Message { get; init; }
    public string? Campaign { get; init; }
    public string? UtmSource { get; init; }
    public string? UtmMedium { get; init; }
    public string? UtmCampaign { get; init; }
    public string? UtmTerm { get; init; }
    public string? UtmContent { get; init; }
    public string? PageUrl { get; init; }
    public string? Referrer { get; init; }
    public string? ExternalId { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public IReadOnlyDictionary<string, string>? Fields { get; init; }
}

/// <summary>
/// Normalises a lead and gives it its idempotency key: the submitting system's own id when it has
/// one, otherwise a fingerprint of the normalised contents, so a resubmission (a double click, a
/// reload, the same details with different spacing or full-width digits) within
/// <see cref="ResubmissionWindow"/> is a duplicate.
/// </summary>
internal static class LeadNormalizer
{
    private static class Texts
    {
        public static readonly Scrm.Platform.Text.UserText NeedsContact = new("线索需要手机号或邮箱", "a lead needs a phone number or an e-mail address");
    }

    public static readonly TimeSpan ResubmissionWindow = TimeSpan.FromHours(24);

    public static InboundItem? ToItem(LeadInput input, string channel, string account, DateTimeOffset now, string path, FieldErrors errors)
    {
        var errorsBefore = errors.Count;
        var (phone, phoneError) = PhoneNumber.Check(input.Phone);
        if (phoneError is not null)
        {
            errors.Add(Join(path, "phone"), PhoneNumber.Refused, phoneError);
        }

        string? email = null;
        if (!string.IsNullOrWhiteSpace(input.Email))
        {
            (email, var error) = EmailAddress.Normalize(input.Email);
            if (error is not null)
            {
                errors.Add(Join(path, "email"), EmailAddress.Refused, error);
            }
        }

        if (string.IsNullOrWhiteSpace(input.Phone) && string.IsNullOrWhiteSpace(input.Email))
        {
            errors.Add(Join(path, "phone"), Texts.NeedsContact);
        }

        if (errors.Count > errorsBefore)
        {
            return null;
        }

        var submittedAt = input.SubmittedAt ?? now;
        var payload = new LeadPayload(
            Trim(input.Name),
            phone is null ? null : new PhoneValue(phone.Raw, phone.E164),
            email,
            Trim(input.Company),
            Trim(input.Title),
            Trim(input.Message),
            new LeadOrigin(channel, channel == WebChannel.Forms ? account : null, Trim(input.Campaign),
                Trim(input.UtmSource), Trim(input.UtmMedium), Trim(input.UtmCampaign), Trim(input.UtmTerm), Trim(input.UtmContent),
                Trim(input.PageUrl), Trim(input.Referrer)),
            submittedAt,
            input.Fields is { Count: > 0 } ? input.Fields : null);
        var json = JsonSerializer.Serialize(payload, InboundJson.Stored.LeadPayload);
        return input.ExternalId is { } externalId
            ? new InboundItem(InboundKind.Lead, channel, account, $"lead:{channel}:{account}:{externalId}", submittedAt, json)
            : new InboundItem(InboundKind.Lead, channel, account, $"lead:{channel}:{account}:#{Fingerprint(payload, phone)}", submittedAt, json)
            {
                DuplicateWindow = ResubmissionWindow,
            };
    }

    /// <summary>What makes two submissions the same lead: normalised contacts, name, company and message.</summary>
    internal static string Fingerprint(LeadPayload lead, NormalizedPhone? phone)
    {
        var canonical = string.Join('\u001F',
            phone?.E164 ?? Digits(phone?.Raw),
            lead.Email ?? "",
            MatchText.Normalize(lead.Name),
            MatchText.Normalize(lead.Company),
            MatchText.Normalize(lead.Message));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32];
    }

    private static string Digits(string? raw) =>
        raw is null ? "" : new string([.. Width.Fold(raw).Where(char.IsAsciiDigit)]);

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
