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
    internal static class Texts
    {
        public static readonly UserText UnknownParameter = new("不是可用的参数", "is not a known parameter");
        public static readonly UserText Once = new("只能给出一次", "must be given once");
        public static readonly UserText Size = new("必须是 1 到 {0} 的整数", "must be a whole number from 1 to {0}");
        public static readonly UserText Boolean = new("必须是 true 或 false", "must be true or false");
        public static readonly UserText Sort = new("必须是 relevance（相关度）、newest（最新）或 oldest（最早）", "must be relevance, newest or oldest");
        public static readonly UserText ToAfterFrom = new("必须晚于 from", "must be later than from");
        public static readonly UserText Cursor = new("不是本接口给出的游标", "is not a cursor this API returned");
        public static readonly UserText TooLong = new("超过 {0} 个字符", "is longer than {0} characters");
        public static readonly UserText Nul = new("含有 NUL 字符", "contains a NUL character");
        public static readonly UserText TooManyValues = new("最多列出 {0} 个值", "may list at most {0} values");
        public static readonly UserText Value = new("每个值须为 1 到 {0} 个字符且不含 NUL", "values must have 1 to {0} characters and no NUL");
        public static readonly UserText Array = new("必须是最多 {0} 个字符串的数组", "must be an array of at most {0} strings");
        public static readonly UserText StringsOnly = new("只能包含字符串", "must contain strings only");
        public static readonly UserText Unicode = new("含有无效的 Unicode 文本", "contains text that is not valid Unicode");
        public static readonly UserText Types = new("必须是 {0} 之一", "must be among {0}");
        public static readonly UserText Time = new(
            "必须是日期（2026-05-31）或带时区的 ISO 8601 时间（2026-05-31T17:46:55+08:00）",
            "must be a date (2026-05-31) or an ISO 8601 time with an offset (2026-05-31T17:46:55+08:00)");
    }

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
                errors.Add(key, Texts.UnknownParameter);
            }
        }

        string? Single(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors.Add(name, Texts.Once);
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
                errors.Add("size", Texts.Size, SearchQuery.MaxSize);
            }
        }

        var facets = true;
        if (root.TryGetProperty("facets", out var facetsElement) && facetsElement.ValueKind != JsonValueKind.Null)
        {
            if (facetsElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add("facets", Texts.Boolean);
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
            errors.Add("sort", Texts.Sort);
        }

        if (filter.From is { } from && filter.To is { } to && from >= to)
        {
            errors.Add("to", Texts.ToAfterFrom);
        }

        if (cursor is not null && (cursor.Length is 0 or > SearchCursors.MaxLength))
        {
            errors.Add("cursor", Texts.Cursor);
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
            errors.Add("q", Texts.TooLong, QueryText.MaxLength);
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add("q", Texts.Nul);
            return null;
        }

        return text;
    }

    private static List<string> Values(string name, List<string> values, FieldErrors errors)
    {
        if (values.Count > MaxValues)
        {
            errors.Add(name, Texts.TooManyValues, MaxValues);
            return [];
        }

        foreach (var value in values)
        {
            if (value.Length is 0 or > MaxValueLength || value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(name, Texts.Value, MaxValueLength);
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
            errors.Add(name, Texts.Array, MaxValues);
            return [];
        }

        var result = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            try
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors.Add(name, Texts.StringsOnly);
                    return [];
                }

                result.Add(item.GetString()!);
            }
            catch (InvalidOperationException)
            {
                errors.Add(name, Texts.Unicode);
                return [];
            }
        }

        return result;
    }

    private static List<string> Types(List<string> types, string name, FieldErrors errors)
    {
        if (types.Any(t => !DocumentTypes.All.Contains(t)))
        {
            errors.Add(name, Texts.Types, string.Join(", ", DocumentTypes.All));
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

        errors.Add(name, Texts.Time);
        return null;
    }

    private static int ParseSize(string text, FieldErrors errors)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= SearchQuery.MaxSize)
        {
            return size;
        }

        errors.Add("size", Texts.Size, SearchQuery.MaxSize);
        return 20;
    }

    private static bool ParseBool(string name, string text, FieldErrors errors)
    {
        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        errors.Add(name, Texts.Boolean);
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
