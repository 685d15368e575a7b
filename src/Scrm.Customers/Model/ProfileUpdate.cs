using System.Text.Json;
using Scrm.Customers.Identity;
using Scrm.Platform.Contacts;

namespace Scrm.Customers.Model;

/// <summary>How observations fill a customer's profile: known values are never overwritten by inbound data.</summary>
internal static class ProfileUpdate
{
    /// <summary>Fills empty fields from the hints; returns whether anything changed.</summary>
    public static bool FillEmpty(CustomerRow c, ProfileHints p)
    {
        var changed = false;
        if (string.IsNullOrWhiteSpace(c.Name) && !string.IsNullOrWhiteSpace(p.Name))
        {
            c.Name = Bound(p.Name, 200);
            c.NameKey = Bound(MatchText.Normalize(p.Name), 200);
            changed = true;
        }

        changed |= Fill(c.Nickname, p.Nickname, 200, v => c.Nickname = v);
        if (string.IsNullOrWhiteSpace(c.Company) && !string.IsNullOrWhiteSpace(p.Company))
        {
            c.Company = Bound(p.Company, 200);
            c.CompanyKey = Bound(MatchText.Normalize(p.Company), 200);
            changed = true;
        }

        changed |= Fill(c.Title, p.Title, 200, v => c.Title = v);
        changed |= Fill(c.Source, p.Source, 128, v => c.Source = v);
        changed |= Fill(c.Industry, p.Industry, 128, v => c.Industry = v);
        changed |= Fill(c.Phone, p.Phone, 64, v => c.Phone = v);
        changed |= Fill(c.Email, p.Email, 254, v => c.Email = v);
        changed |= FillRegion(c, p);
        if (p.CustomFields is { Count: > 0 })
        {
            var fields = ReadFields(c.CustomFields);
            var before = fields.Count;
            foreach (var (key, value) in p.CustomFields)
            {
                fields.TryAdd(key, value);
            }

            if (fields.Count != before)
            {
                c.CustomFields = WriteFields(fields);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// A stated region fills an empty one or replaces an inferred one; an inferred one only fills an
    /// empty one. With neither in the hints, an empty region is inferred from the customer's phone.
    /// </summary>
    private static bool FillRegion(CustomerRow c, ProfileHints p)
    {
        var empty = string.IsNullOrWhiteSpace(c.Province) && string.IsNullOrWhiteSpace(c.City);
        if (string.IsNullOrWhiteSpace(p.Province) && string.IsNullOrWhiteSpace(p.City))
        {
            return empty && InferRegion(c);
        }

        var source = p.RegionInferred ? RegionSources.Inferred : RegionSources.Stated;
        if (!empty && !(c.RegionSource == RegionSources.Inferred && source == RegionSources.Stated))
        {
            return false;
        }

        c.Province = string.IsNullOrWhiteSpace(p.Province) ? null : Bound(p.Province, 64);
        c.City = string.IsNullOrWhiteSpace(p.City) ? null : Bound(p.City, 64);
        c.RegionSource = source;
        return true;
    }

    /// <summary>
    /// Places a customer whose region nobody gave (nor cleared) where their mainland phone number is
    /// registered, marked as inferred, so territory rules and region segments work for the many leads
    /// that come with only a number.
    /// </summary>
    public static bool InferRegion(CustomerRow c)
    {
        if (c.RegionSource == RegionSources.Stated || Phone.Region(c.Phone) is not { } region)
        {
            return false;
        }

        (c.Province, c.City, c.RegionSource) = (region.Province, region.City, RegionSources.Inferred);
        return true;
    }

    public static Dictionary<string, string> ReadFields(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(JsonSerializer.Deserialize(json, CustomersJson.Default.DictionaryStringString) ?? [], StringComparer.Ordinal);

    public static string? WriteFields(Dictionary<string, string> fields) =>
        fields.Count == 0 ? null : JsonSerializer.Serialize(fields, CustomersJson.Default.DictionaryStringString);

    private static bool Fill(string? current, string? value, int max, Action<string> set)
    {
        if (!string.IsNullOrWhiteSpace(current) || string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        set(Bound(value, max));
        return true;
    }

    internal static string Bound(string value, int max)
    {
        var trimmed = value.Trim();
        return trimmed.Length <= max ? trimmed : trimmed[..max];
    }
}
