using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;

namespace Scrm.Customers.Merging;

/// <summary>A customer who may be the same person; for a person to merge or dismiss, never merged automatically.</summary>
internal sealed record MergeCandidate(Guid Id, string? Name, string? Company, IReadOnlyList<string> Reasons);

/// <summary>The configurable fuzzy rules: same name and company, similar phone, same contact details on the profile.</summary>
internal sealed class CandidateFinder(CustomersDbContext db, IOptions<ResolutionOptions> options)
{
    public async Task<IReadOnlyList<MergeCandidate>?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var c = await db.Customers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null)
        {
            return null;
        }

        var reasons = new Dictionary<Guid, List<string>>();
        void Add(IEnumerable<Guid> ids, string reason)
        {
            foreach (var other in ids.Where(x => x != id))
            {
                if (!reasons.TryGetValue(other, out var list))
                {
                    reasons[other] = list = [];
                }

                if (!list.Contains(reason))
                {
                    list.Add(reason);
                }
            }
        }

        var active = db.Customers.AsNoTracking().Where(x => x.Status == CustomerStatus.Active && x.Id != id);
        if (o.SuggestSameNameAndCompany && c.NameKey.Length > 0 && c.CompanyKey.Length > 0)
        {
            Add(await active.Where(x => x.NameKey == c.NameKey && x.CompanyKey == c.CompanyKey).Select(x => x.Id).Take(o.MaxCandidates).ToListAsync(cancellationToken),
                "same name and company");
        }

        if (o.SuggestSameContact && c.Phone is { } phone)
        {
            var landline = PhoneKeys.FromE164(phone) is null;
            var same = active.Where(x => x.Phone == phone);
            if (landline)
            {
                // A landline is shared by colleagues: only the same name on it is suspicious.
                same = c.NameKey.Length > 0 ? same.Where(x => x.NameKey == c.NameKey) : same.Where(x => false);
            }

            Add(await same.Select(x => x.Id).Take(o.MaxCandidates).ToListAsync(cancellationToken), "same phone number");
        }

        if (o.SuggestSameContact && c.Email is { } email)
        {
            Add(await active.Where(x => x.Email == email).Select(x => x.Id).Take(o.MaxCandidates).ToListAsync(cancellationToken), "same e-mail address");
        }

        if (o.SuggestSimilarPhone && c.NameKey.Length > 0)
        {
            var phones = await db.Identities.AsNoTracking().Where(i => i.CustomerId == id && i.Type == IdentityTypes.Phone).Select(i => i.Value).ToListAsync(cancellationToken);
            if (c.Phone is not null && !phones.Contains(c.Phone))
            {
                phones.Add(c.Phone);
            }

            var variants = phones.SelectMany(PhoneVariants.Of).Distinct().ToList();
            if (variants.Count > 0)
            {
                var byIdentity = db.Identities.AsNoTracking().Where(i => i.Type == IdentityTypes.Phone && variants.Contains(i.Value)).Select(i => i.CustomerId);
                Add(await active.Where(x => x.NameKey == c.NameKey && (variants.Contains(x.Phone!) || byIdentity.Contains(x.Id)))
                    .Select(x => x.Id).Take(o.MaxCandidates).ToListAsync(cancellationToken), "similar phone number, same name");
            }
        }

        var ids = reasons.Keys.Take(o.MaxCandidates).ToList();
        var rows = await db.Customers.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name, x.Company }).ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => reasons[r.Id].Count).ThenBy(r => r.Id)
            .Select(r => new MergeCandidate(r.Id, r.Name, r.Company, reasons[r.Id])).ToList();
    }
}

/// <summary>Numbers one typo away: one digit changed, or two neighbouring digits swapped.</summary>
internal static class PhoneVariants
{
    public static IEnumerable<string> Of(string e164)
    {
        if (e164.Length < 9 || e164[0] != '+')
        {
            yield break;
        }

        // Keep the country code fixed: typos happen in the national number.
        var start = e164.StartsWith("+86", StringComparison.Ordinal) ? 3 : 2;
        var chars = e164.ToCharArray();
        for (var i = start; i < chars.Length; i++)
        {
            var original = chars[i];
            for (var d = '0'; d <= '9'; d++)
            {
                if (d != original)
                {
                    chars[i] = d;
                    yield return new string(chars);
                }
            }

            chars[i] = original;
        }

        for (var i = start; i < chars.Length - 1; i++)
        {
            if (chars[i] != chars[i + 1])
            {
                (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                yield return new string(chars);
                (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
            }
        }
    }
}
