using System.Globalization;
using System.Text.Json;
using Scrm.Platform.Text;

namespace Scrm.Connectors.Sdk.Requests;

/// <summary>
/// Strict reading of one JSON object: unknown and repeated properties, wrong types, over-long or
/// NUL-bearing strings and invalid Unicode all become field errors under the object's path.
/// </summary>
public readonly struct JsonFields
{
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
            errors.Add(path.Length == 0 ? "$" : path, "must be a JSON object");
            return null;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add(Join(path, property.Name), "appears more than once");
            }
            else if (!allowed.Contains(property.Name))
            {
                errors.Add(Join(path, property.Name), "is not a known field");
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
            _errors.Add(Join(_path, name), "must be a string");
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
            _errors.Add(Join(_path, name), "must be an ISO 8601 time with an offset, e.g. 2026-05-31T17:46:55+08:00");
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
            _errors.Add(Join(_path, name), "must be an absolute http or https URL");
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
            _errors.Add(path, "must be a JSON object");
            return null;
        }

        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            var propertyPath = Join(path, property.Name);
            if (property.Name.Length > 64 || property.Name.Contains('\0', StringComparison.Ordinal))
            {
                _errors.Add(path, "has a property name that is too long or contains NUL");
            }
            else if (!result.TryAdd(property.Name, property.Value.Clone()))
            {
                _errors.Add(propertyPath, "appears more than once");
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                _errors.Add(propertyPath, "must be a string, number, boolean or null");
            }
            else if (property.Value.ValueKind == JsonValueKind.String)
            {
                CheckText(property.Value, propertyPath, maxStringLength, required: false, _errors);
            }
        }

        if (result.Count > maxProperties)
        {
            _errors.Add(path, $"has more than {maxProperties} properties");
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
            _errors.Add(Join(_path, name), "is required");
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
            errors.Add(path, "is not valid Unicode text (invalid UTF-8 or an unpaired surrogate)");
            return null;
        }

        if (TextRule.Problem(text) is { } problem)
        {
            errors.Add(path, problem);
            return null;
        }

        if (text.Length > maxLength)
        {
            errors.Add(path, $"is longer than {maxLength} characters");
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            errors.Add(path, "must not be empty");
            return null;
        }

        return text;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':';

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
