using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Scrm.Customers.Identity;
using Scrm.Customers.Model;
using Scrm.Platform.Security;
using Scrm.Platform.Contacts;
using Scrm.Platform.Text;

namespace Scrm.Customers.View;

/// <summary>The outcome of an edit: done, not found, or field errors.</summary>
internal sealed record EditResult(bool Found, FieldErrors? Errors)
{
    public static readonly EditResult Done = new(true, null);
    public static readonly EditResult Missing = new(false, null);

    public static EditResult Invalid(FieldErrors errors) => new(true, errors);

    public static EditResult Invalid(string field, UserText error)
    {
        var errors = new FieldErrors();
        errors.Add(field, error);
        return new(true, errors);
    }
}

/// <summary>Changes people make to a customer: profile, owner, tags, decision map. Each is audited.</summary>
internal sealed class CustomerEditor(CustomersDbContext db, ResolutionGate gate, TimeProvider time)
{
    private static readonly Dictionary<string, int> TextFields = new(StringComparer.Ordinal)
    {
        ["name"] = 200,
        ["nickname"] = 200,
        ["company"] = 200,
        ["title"] = 200,
        ["province"] = 64,
        ["city"] = 64,
        ["source"] = 128,
        ["industry"] = 128,
        ["phone"] = 64,
        ["email"] = 254,
        ["owner"] = 128,
    };

    /// <summary>A change to a customer outside the caller's data scope answers as if it did not exist.</summary>
    private IQueryable<CustomerRow> InScope(Caller caller) => caller.Scope(DataResources.Customers).Apply(db.Customers, c => c.OwnerId);

    public async Task<EditResult> PatchAsync(Guid id, JsonElement body, Caller caller, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return EditResult.Invalid("", CustomerTexts.NotAnObject);
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        Dictionary<string, string?>? fields = null;
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "customFields")
            {
                fields = ReadFields(property.Value, errors);
            }
            else if (!TextFields.TryGetValue(property.Name, out var max))
            {
                errors.Add(property.Name, CustomerTexts.NotAField);
            }
            else if (property.Value.ValueKind == JsonValueKind.Null)
            {
                values[property.Name] = null;
            }
            else if (property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Trim().Length is 0 || property.Value.GetString()!.Length > max)
            {
                errors.Add(property.Name, CustomerTexts.TextField, max);
            }
            else
            {
                values[property.Name] = property.Value.GetString()!.Trim();
            }
        }

        if (values.TryGetValue("phone", out var phone) && phone is not null)
        {
            var (normalized, error) = Phone.Check(phone);
            if (error is not null)
            {
                errors.Add("phone", Phone.Refused, error);
            }
            else
            {
                values["phone"] = normalized!.E164 ?? normalized.Raw;
            }
        }

        if (values.TryGetValue("email", out var email) && email is not null)
        {
            var (address, error) = Email.Normalize(email);
            if (error is not null)
            {
                errors.Add("email", Email.Refused, error);
            }
            else
            {
                values["email"] = address;
            }
        }

        if (errors.Any)
        {
            return EditResult.Invalid(errors);
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            db.ChangeTracker.Clear();
            var c = await db.Customers.FirstOrDefaultAsync(x => x.Id == id && x.Status == CustomerStatus.Active, cancellationToken);
            if (c is null || !caller.Scope(DataResources.Customers).Includes(c.OwnerId))
            {
                return EditResult.Missing;
            }

            if (values.TryGetValue("owner", out var owner) && !caller.IsAdmin && !(c.OwnerId is null && owner == caller.Name))
            {
                return EditResult.Invalid("owner", CustomerTexts.OwnerChange);
            }

            var before = CustomerSnapshot.Of(c);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var inferred = c.RegionSource == RegionSources.Inferred;
            foreach (var (field, value) in values)
            {
                Set(c, field, value, now);
            }

            if (inferred && (values.ContainsKey("province") || values.ContainsKey("city") || values.ContainsKey("phone")))
            {
                // A region read from the old number, or the half of one beside what a person just stated, is not kept.
                c.Province = values.ContainsKey("province") ? c.Province : null;
                c.City = values.ContainsKey("city") ? c.City : null;
                c.RegionSource = values.ContainsKey("province") || values.ContainsKey("city") ? RegionSources.Stated : null;
            }

            if (string.IsNullOrWhiteSpace(c.Province) && string.IsNullOrWhiteSpace(c.City))
            {
                ProfileUpdate.InferRegion(c);
            }

            if (fields is not null)
            {
                var current = ProfileUpdate.ReadFields(c.CustomFields);
                foreach (var (key, value) in fields)
                {
                    if (value is null)
                    {
                        current.Remove(key);
                    }
                    else
                    {
                        current[key] = value;
                    }
                }

                c.CustomFields = ProfileUpdate.WriteFields(current);
            }

            c.UpdatedAt = now;
            await LinkContactAsync(c, values, now, cancellationToken);
            var changed = Changes(before, CustomerSnapshot.Of(c));
            db.Audit.Add(new AuditRow { CustomerId = id, At = now, Actor = caller.Name, Action = "update", Detail = JsonSerializer.Serialize(changed, CustomersJson.Default.DictionaryStringString) });
            await db.SaveChangesAsync(cancellationToken);
            return EditResult.Done;
        }
        finally
        {
            db.ChangeTracker.Clear();
            gate.Release();
        }
    }

    public async Task<EditResult> TagAsync(Guid id, string tag, bool add, Caller caller, CancellationToken cancellationToken)
    {
        tag = tag.Trim();
        if (tag.Length is 0 or > 64 || tag.Any(char.IsControl) || tag.Any(MatchText.IsInvisibleControl))
        {
            return EditResult.Invalid("tag", CustomerTexts.Tag);
        }

        if (!await InScope(caller).AnyAsync(c => c.Id == id && c.Status == CustomerStatus.Active, cancellationToken))
        {
            return EditResult.Missing;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var existing = await db.Tags.Where(t => t.CustomerId == id && t.Tag == tag).ToListAsync(cancellationToken);
        if (add && existing.Count == 0)
        {
            db.Tags.Add(new TagRow { CustomerId = id, Tag = tag, Kind = TagKinds.Manual, CreatedAt = now });
        }
        else if (!add)
        {
            db.Tags.RemoveRange(existing);
        }

        db.Audit.Add(new AuditRow { CustomerId = id, At = now, Actor = caller.Name, Action = add ? "tag" : "untag", Detail = JsonSerializer.Serialize(new Dictionary<string, string> { ["tag"] = tag }, CustomersJson.Default.DictionaryStringString) });
        await db.SaveChangesAsync(cancellationToken);

        // Stamped after the tags are saved, so CustomerChanges readers (the search index) read them again.
        await db.Customers.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, now), cancellationToken);
        return EditResult.Done;
    }

    public async Task<EditResult> ReplaceDecisionMapAsync(Guid id, IReadOnlyList<DecisionMapInput> people, Caller caller, CancellationToken cancellationToken)
    {
        var errors = DecisionMaps.Validate(people);
        if (errors.Any)
        {
            return EditResult.Invalid(errors);
        }

        if (!await InScope(caller).AnyAsync(c => c.Id == id && c.Status == CustomerStatus.Active, cancellationToken))
        {
            return EditResult.Missing;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Contacts.Where(x => x.CompanyId == id).ExecuteDeleteAsync(cancellationToken);
        var rows = people.ToDictionary(p => p.Key, p => new ContactRow
        {
            CompanyId = id,
            PersonId = p.PersonId,
            Name = p.Name.Trim(),
            Title = p.Title?.Trim(),
            Role = p.Role,
            Influence = p.Influence,
        }, StringComparer.Ordinal);
        db.Contacts.AddRange(rows.Values);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var p in people.Where(p => p.ReportsTo is not null))
        {
            rows[p.Key].ReportsTo = rows[p.ReportsTo!].Id;
        }

        db.Audit.Add(new AuditRow { CustomerId = id, At = time.GetUtcNow().ToUnixTimeMilliseconds(), Actor = caller.Name, Action = "decision_map", Detail = null });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return EditResult.Done;
    }

    /// <summary>A number or address a person entered links future items too, when nobody else holds it.</summary>
    private async Task LinkContactAsync(CustomerRow c, Dictionary<string, string?> values, long now, CancellationToken cancellationToken)
    {
        var keys = new List<IdentityKey>();
        if (values.TryGetValue("phone", out var phone) && PhoneKeys.FromE164(phone) is { } p
            && !await db.SharedNumbers.AnyAsync(s => s.Value == p.Value, cancellationToken))
        {
            keys.Add(p);
        }

        if (values.TryGetValue("email", out var email) && email is not null)
        {
            keys.Add(IdentityKey.Global(IdentityTypes.Email, email));
        }

        foreach (var key in keys)
        {
            if (!await db.Identities.AnyAsync(i => i.Type == key.Type && i.Account == key.Account && i.Value == key.Value, cancellationToken))
            {
                db.Identities.Add(new IdentityRow { CustomerId = c.Id, Type = key.Type, Account = key.Account, Value = key.Value, CreatedAt = now });
            }
        }
    }

    private static void Set(CustomerRow c, string field, string? value, long now)
    {
        switch (field)
        {
            case "name": c.Name = value; c.NameKey = MatchText.Normalize(value); break;
            case "nickname": c.Nickname = value; break;
            case "company": c.Company = value; c.CompanyKey = MatchText.Normalize(value); break;
            case "title": c.Title = value; break;
            case "province": c.Province = value; c.RegionSource = RegionSources.Stated; break;
            case "city": c.City = value; c.RegionSource = RegionSources.Stated; break;
            case "source": c.Source = value; break;
            case "industry": c.Industry = value; break;
            case "phone": c.Phone = value; break;
            case "email": c.Email = value; break;
            case "owner":
                if (c.OwnerId != value)
                {
                    c.OwnerId = value;
                    c.OwnerSince = value is null ? null : now;
                }

                break;
        }
    }

    private static Dictionary<string, string?>? ReadFields(JsonElement value, FieldErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add("customFields", CustomerTexts.CustomFields);
            return null;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var f in value.EnumerateObject())
        {
            if (f.Name.Length is 0 or > 64 || fields.Count >= 50
                || f.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
                || f.Value.ValueKind == JsonValueKind.String && f.Value.GetString()!.Length > 1000)
            {
                errors.Add("customFields." + f.Name, CustomerTexts.CustomField);
                continue;
            }

            fields[f.Name] = f.Value.ValueKind == JsonValueKind.Null ? null : f.Value.GetString();
        }

        return fields;
    }

    /// <summary>Changed fields for the audit log; protected values appear masked.</summary>
    private static Dictionary<string, string> Changes(CustomerSnapshot before, CustomerSnapshot after)
    {
        var changes = new Dictionary<string, string>(StringComparer.Ordinal);
        void Diff(string name, string? a, string? b, Func<string?, string?>? mask = null)
        {
            if (a != b)
            {
                changes[name] = $"{(mask ?? (x => x))(a) ?? "∅"} → {(mask ?? (x => x))(b) ?? "∅"}";
            }
        }

        Diff("name", before.Name, after.Name);
        Diff("nickname", before.Nickname, after.Nickname);
        Diff("company", before.Company, after.Company);
        Diff("title", before.Title, after.Title);
        Diff("province", before.Province, after.Province);
        Diff("city", before.City, after.City);
        Diff("source", before.Source, after.Source);
        Diff("industry", before.Industry, after.Industry);
        Diff("phone", before.Phone, after.Phone, Masking.Phone);
        Diff("email", before.Email, after.Email, Masking.Email);
        Diff("customFields", before.CustomFields, after.CustomFields);
        Diff("owner", before.OwnerId, after.OwnerId);
        return changes;
    }
}
