using Scrm.Platform.Text;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Scrm.Platform.Http;

namespace Scrm.Search.Api;

/// <summary>A validated search request: the query, and the cursor still to be checked against it.</summary>
internal sealed record SearchRequest(SearchQuery Query, string? Cursor);

/// <summary>
/// Reads <c>GET /api/v1/search?…</c> and the <c>POST</c> body into a <see cref="SearchQuery"/>. Every
/// problem becomes a field error; nothing is passed on unchecked.
/// </summary>
internal static class SearchRequests
{
    public const int MaxValues = 50;
    public const int MaxValueLength = 256;

    private static readonly HashSet<string> QueryParameters =
        ["q", "type", "channel", "account", "author", "owner", "tag", "anyTag", "notTag", "from", "to", "sort", "cursor", "size", "facets"];

    private static readonly HashSet<string> BodyFields =
        ["q", "types", "channels", "accounts", "authors", "owners", "tags", "anyTags", "notTags", "from", "to", "sort", "cursor", "size", "facets"];

    public static (SearchRequest? Request, FieldErrors Errors) FromQueryString(IQueryCollection query, TimeSpan dayOffset)
    {
        var errors = new FieldErrors();
        foreach (var key in query.Keys)
        {
            if (!QueryParameters.Contains(key))
            {
                errors.Add(key, "is not a known parameter");
            }
        }

        string? Single(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors.Add(name, "must be given once");
            }

            return values.Count == 0 ? null : values[0];
        }

        List<string> Many(string name, bool commas) =>
            Values(name, query[name].SelectMany(v => commas ? (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [v ?? ""]).ToList(), errors);

        var size = Single("size") is { } s ? ParseSize(s, errors) : 20;
        var facets = Single("facets") is { } f ? ParseBool("facets", f, errors) : true;
        return Build(
            Text(Single("q"), errors),
            new SearchFilter
            {
                Types = Types(Many("type", commas: true), "type", errors),
                Channels = Many("channel", commas: true),
                Accounts = Many("account", commas: false),
                Authors = Many("author", commas: false),
                Owners = Many("owner", commas: false),
                Tags = Many("tag", commas: false),
                AnyTags = Many("anyTag", commas: false),
                NotTags = Many("notTag", commas: false),
                From = Time("from", Single("from"), dayOffset, errors),
                To = Time("to", Single("to"), dayOffset, errors),
            },
            Single("sort"),
            size,
            facets,
            Single("cursor"),
            errors);
    }

    public static (SearchRequest? Request, FieldErrors Errors) FromBody(JsonElement root, TimeSpan dayOffset)
    {
        var errors = new FieldErrors();
        if (JsonFields.Open(root, "", errors, BodyFields) is not { } fields)
        {
            return (null, errors);
        }

        List<string> Many(string name) => Values(name, Array(root, name, errors), errors);

        var size = 20;
        if (root.TryGetProperty("size", out var sizeElement) && sizeElement.ValueKind != JsonValueKind.Null)
        {
            if (sizeElement.ValueKind != JsonValueKind.Number || !sizeElement.TryGetInt32(out size) || size is < 1 or > SearchQuery.MaxSize)
            {
                errors.Add("size", $"must be a whole number from 1 to {SearchQuery.MaxSize}");
            }
        }

        var facets = true;
        if (root.TryGetProperty("facets", out var facetsElement) && facetsElement.ValueKind != JsonValueKind.Null)
        {
            if (facetsElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("facets", "must be true or false");
            }
            else
            {
                facets = facetsElement.GetBoolean();
            }
        }

        return Build(
            Text(fields.Text("q", QueryText.MaxLength), errors),
            new SearchFilter
            {
                Types = Types(Many("types"), "types", errors),
                Channels = Many("channels"),
                Accounts = Many("accounts"),
                Authors = Many("authors"),
                Owners = Many("owners"),
                Tags = Many("tags"),
                AnyTags = Many("anyTags"),
                NotTags = Many("notTags"),
                From = Time("from", fields.Text("from", 64), dayOffset, errors),
                To = Time("to", fields.Text("to", 64), dayOffset, errors),
            },
            fields.Text("sort", 32),
            size,
            facets,
            fields.Text("cursor", SearchCursors.MaxLength + 1),
            errors);
    }

    private static (SearchRequest?, FieldErrors) Build(
        string? text, SearchFilter filter, string? sortText, int size, bool facets, string? cursor, FieldErrors errors)
    {
        var sort = SearchSort.Relevance;
        if (sortText is not null && !TryParseSort(sortText, out sort))
        {
            errors.Add("sort", "must be relevance, newest or oldest");
        }

        if (filter.From is { } from && filter.To is { } to && from >= to)
        {
            errors.Add("to", "must be later than from");
        }

        if (cursor is not null && (cursor.Length is 0 or > SearchCursors.MaxLength))
        {
            errors.Add("cursor", "is not a cursor this API returned");
        }

        if (errors.Any)
        {
            return (null, errors);
        }

        var query = new SearchQuery { Text = text, Filter = filter, Sort = sort, Size = size, Facets = facets };
        return (new SearchRequest(query, cursor), errors);
    }

    private static string? Text(string? text, FieldErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length > QueryText.MaxLength)
        {
            errors.Add("q", $"is longer than {QueryText.MaxLength} characters");
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add("q", "contains a NUL character");
            return null;
        }

        return text;
    }

    private static List<string> Values(string name, List<string> values, FieldErrors errors)
    {
        if (values.Count > MaxValues)
        {
            errors.Add(name, $"may list at most {MaxValues} values");
            return [];
        }

        foreach (var value in values)
        {
            if (value.Length is 0 or > MaxValueLength || value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(name, $"values must have 1 to {MaxValueLength} characters and no NUL");
                return [];
            }
        }

        return values.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> Array(JsonElement root, string name, FieldErrors errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > MaxValues)
        {
            errors.Add(name, $"must be an array of at most {MaxValues} strings");
            return [];
        }

        var result = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            try
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors.Add(name, "must contain strings only");
                    return [];
                }

                result.Add(item.GetString()!);
            }
            catch (InvalidOperationException)
            {
                errors.Add(name, "contains text that is not valid Unicode");
                return [];
            }
        }

        return result;
    }

    private static List<string> Types(List<string> types, string name, FieldErrors errors)
    {
        if (types.Any(t => !DocumentTypes.All.Contains(t)))
        {
            errors.Add(name, $"must be among {string.Join(", ", DocumentTypes.All)}");
            return [];
        }

        return types;
    }

    /// <summary>A time with an offset, or a calendar date meaning its start in the facet time zone.</summary>
    private static DateTimeOffset? Time(string name, string? text, TimeSpan dayOffset, FieldErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), dayOffset);
        }

        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':';
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return time;
        }

        errors.Add(name, "must be a date (2026-05-31) or an ISO 8601 time with an offset (2026-05-31T17:46:55+08:00)");
        return null;
    }

    private static int ParseSize(string text, FieldErrors errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= SearchQuery.MaxSize)
        {
            return size;
        }

        errors.Add("size", $"must be a whole number from 1 to {SearchQuery.MaxSize}");
        return 20;
    }

    private static bool ParseBool(string name, string text, FieldErrors errors)
    {
        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add(name, "must be true or false");
        return true;
    }

    private static bool TryParseSort(string text, out SearchSort sort)
    {
        sort = text switch
        {
            "relevance" => SearchSort.Relevance,
            "newest" => SearchSort.Newest,
            "oldest" => SearchSort.Oldest,
            _ => (SearchSort)(-1),
        };
        return sort >= 0;
    }
}
