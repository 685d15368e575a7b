using System.Globalization;
using System.Text.Json;
using Scrm.Platform.Text;

namespace Scrm.Platform.Http;

/// <summary>
/// Strict reading of one JSON object: unknown and repeated properties, wrong types, over-long or
/// NUL-bearing strings and invalid Unicode all become field errors under the object's path.
/// </summary>
public readonly struct JsonFields
{
    private static class Texts
    {
        public static readonly UserText Object = new("必须是 JSON 对象", "must be a JSON object");
        public static readonly UserText Repeated = new("出现了不止一次", "appears more than once");
        public static readonly UserText Unknown = new("不是可用的字段", "is not a known field");
        public static readonly UserText String = new("必须是字符串", "must be a string");
        public static readonly UserText Time = new("必须是带时区的 ISO 8601 时间，例如 2026-05-31T17:46:55+08:00", "must be an ISO 8601 time with an offset, e.g. 2026-05-31T17:46:55+08:00");
        public static readonly UserText Url = new("必须是完整的 http 或 https 网址", "must be an absolute http or https URL");
        public static readonly UserText PropertyName = new("有属性名过长或含有 NUL 字符", "has a property name that is too long or contains NUL");
        public static readonly UserText Scalar = new("必须是字符串、数字、布尔值或 null", "must be a string, number, boolean or null");
        public static readonly UserText TooManyProperties = new("属性超过 {0} 个", "has more than {0} properties");
        public static readonly UserText Required = new("必填", "is required");
        public static readonly UserText Unicode = new("不是有效的 Unicode 文本（UTF-8 无效或代理项不成对）", "is not valid Unicode text (invalid UTF-8 or an unpaired surrogate)");
        public static readonly UserText TooLong = new("超过 {0} 个字符", "is longer than {0} characters");
        public static readonly UserText Empty = new("不能为空", "must not be empty");
    }

    private readonly JsonElement _element;
    private readonly string _path;
    private readonly FieldErrors _errors;

    private JsonFields(JsonElement element, string path, FieldErrors errors)
    {
        _element = element;
        _path = path;
        _errors = errors;
    }

    /// <summary>Opens <paramref name="element"/> as an object allowing only <paramref name="allowed"/> names.</summary>
    public static JsonFields? Open(JsonElement element, string path, FieldErrors errors, IReadOnlySet<string> allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path.Length == 0 ? "$" : path, Texts.Object);
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add(Join(path, property.Name), Texts.Repeated);
            }
            else if (!allowed.Contains(property.Name))
            {
                errors.Add(Join(path, property.Name), Texts.Unknown);
            }
        }

        return new JsonFields(element, path, errors);
    }

    public string? Text(string name, int maxLength, bool required = false)
    {
        if (!TryGet(name, required, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            _errors.Add(Join(_path, name), Texts.String);
            return null;
        }

        return CheckText(value, Join(_path, name), maxLength, required, _errors);
    }

    public DateTimeOffset? Time(string name, bool required = false)
    {
        var text = Text(name, 64, required);
        if (text is null)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            || !HasOffset(text))
        {
            _errors.Add(Join(_path, name), Texts.Time);
            return null;
        }

        return time;
    }

    public Uri? Url(string name)
    {
        var text = Text(name, 2048);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            _errors.Add(Join(_path, name), Texts.Url);
            return null;
        }

        return url;
    }

    public JsonFields? Child(string name, IReadOnlySet<string> allowed, bool required = false) =>
        TryGet(name, required, out var value) ? Open(value, Join(_path, name), _errors, allowed) : null;

    /// <summary>A flat object of scalar values (string, number, boolean, null), as free-form metadata.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Scalars(string name, int maxProperties, int maxStringLength)
    {
        if (!TryGet(name, required: false, out var value))
        {
            return null;
        }

        var path = Join(_path, name);
        if (value.ValueKind != JsonValueKind.Object)
        {
            _errors.Add(path, Texts.Object);
            return null;
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var propertyPath = Join(path, property.Name);
            if (property.Name.Length > 64 || property.Name.Contains('\0', StringComparison.Ordinal))
            {
                _errors.Add(path, Texts.PropertyName);
            }
            else if (!result.TryAdd(property.Name, property.Value.Clone()))
            {
                _errors.Add(propertyPath, Texts.Repeated);
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                _errors.Add(propertyPath, Texts.Scalar);
            }
            else if (property.Value.ValueKind == JsonValueKind.String)
            {
                CheckText(property.Value, propertyPath, maxStringLength, required: false, _errors);
            }
        }

        if (result.Count > maxProperties)
        {
            _errors.Add(path, Texts.TooManyProperties, maxProperties);
        }

        return result;
    }

    private bool TryGet(string name, bool required, out JsonElement value)
    {
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            _errors.Add(Join(_path, name), Texts.Required);
        }

        return false;
    }

    private static string? CheckText(JsonElement value, string path, int maxLength, bool required, FieldErrors errors)
    {
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            errors.Add(path, Texts.Unicode);
            return null;
        }

        if (TextRule.Problem(text) is { } problem)
        {
            errors.Add(path, problem);
            return null;
        }

        if (text.Length > maxLength)
        {
            errors.Add(path, Texts.TooLong, maxLength);
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(path, Texts.Empty);
            return null;
        }

        return text;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':';

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
