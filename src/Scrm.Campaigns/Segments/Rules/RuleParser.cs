using System.Globalization;
using System.Text.Json;
using Scrm.Platform.Calendar;
using Scrm.Platform.Text;

namespace Scrm.Campaigns.Segments.Rules;

/// <summary>One thing wrong with a rule tree, at its JSON path (<c>$.and[1].values[0]</c>).</summary>
internal sealed record RuleError(string Path, UserText Message, string? Arg = null)
{
    public string In(string language) => Message.In(language, Arg);
}

/// <summary>A parsed rule tree, or everything wrong with it.</summary>
internal sealed record RuleParse(SegmentRule? Rule, IReadOnlyList<RuleError> Errors)
{
    public bool Ok => Rule is not null && Errors.Count == 0;
}

/// <summary>
/// Reads a rule tree from JSON and says exactly which node is wrong. The shapes are
/// <c>{"and":[…]}</c>, <c>{"or":[…]}</c>, <c>{"not":{…}}</c> and conditions
/// <c>{"fact":"tags","op":"hasAny","values":[…]}</c>, <c>{"fact":"orderCount","op":"gte","value":3}</c>,
/// <c>{"fact":"orderAmount","op":"between","min":100,"max":500}</c> (amounts in yuan),
/// <c>{"fact":"lastOrderAt","op":"within","days":30}</c>, <c>{"fact":"createdAt","op":"before","date":"2026-01-01"}</c>.
/// </summary>
internal static class RuleParser
{
    public const int MaxDepth = 12;
    public const int MaxNodes = 200;
    public const int MaxValues = 500;
    public const int MaxValueLength = 200;
    public const int MaxDays = 3_650;
    public const long MaxCount = 1_000_000_000;
    public const decimal MaxAmountYuan = 100_000_000_000m;

    private static class Texts
    {
        public static readonly UserText NotObject = new("必须是对象：and、or、not 或条件 {fact, op, …}", "must be an object: and, or, not or a condition {fact, op, …}");
        public static readonly UserText OneKind = new("只能是 and、or、not 或条件中的一种", "must be exactly one of and, or, not or a condition");
        public static readonly UserText NotArray = new("必须是规则数组", "must be an array of rules");
        public static readonly UserText TooDeep = new("规则嵌套过深（最多 {0} 层）", "rules are nested too deeply (at most {0} levels)");
        public static readonly UserText TooMany = new("规则过多（最多 {0} 个节点）", "too many rules (at most {0} nodes)");
        public static readonly UserText UnknownFact = new("未知的客户属性；可用：{0}", "unknown fact; one of {0}");
        public static readonly UserText UnknownOp = new("该属性不支持此运算；可用：{0}", "this fact does not take this operator; one of {0}");
        public static readonly UserText UnknownField = new("未知字段", "unknown field");
        public static readonly UserText Values = new("必须是 1–{0} 个非空字符串的数组", "must be an array of 1–{0} non-empty strings");
        public static readonly UserText Value = new("必须是非空字符串，最多 {0} 个字符", "must be a non-empty string of at most {0} characters");
        public static readonly UserText IdentityKind = new("必须是以下身份之一：{0}", "must be one of the identities {0}");
        public static readonly UserText Number = new("必须是 0 到 {0} 之间的数", "must be a number from 0 to {0}");
        public static readonly UserText WholeNumber = new("必须是 0 到 {0} 之间的整数", "must be a whole number from 0 to {0}");
        public static readonly UserText Range = new("min 不能大于 max", "min must not be greater than max");
        public static readonly UserText Days = new("必须是 1 到 {0} 之间的整数（天）", "must be a whole number of days from 1 to {0}");
        public static readonly UserText Date = new("必须是日期（yyyy-MM-dd，按北京时间）或带时区的时间（ISO 8601）", "must be a date (yyyy-MM-dd, China time) or a date-time with an offset (ISO 8601)");
        public static readonly UserText Required = new("必填", "is required");
    }

    private static readonly string[] Kinds = ["and", "or", "not", "fact"];
    private static readonly string[] Combinators = ["and", "or"];

    public static RuleParse Parse(JsonElement root)
    {
        var errors = new List<RuleError>();
        var nodes = 0;
        var rule = Node(root, "$", 1, errors, ref nodes);
        return new RuleParse(errors.Count == 0 ? rule : null, errors);
    }

    private static SegmentRule? Node(JsonElement e, string path, int depth, List<RuleError> errors, ref int nodes)
    {
        if (++nodes > MaxNodes)
        {
            if (nodes == MaxNodes + 1)
            {
                errors.Add(new RuleError(path, Texts.TooMany, MaxNodes.ToString(CultureInfo.InvariantCulture)));
            }

            return null;
        }

        if (depth > MaxDepth)
        {
            errors.Add(new RuleError(path, Texts.TooDeep, MaxDepth.ToString(CultureInfo.InvariantCulture)));
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new RuleError(path, Texts.NotObject));
            return null;
        }

        var kinds = Kinds.Count(k => e.TryGetProperty(k, out _));
        if (kinds != 1)
        {
            errors.Add(new RuleError(path, Texts.OneKind));
            return null;
        }

        if (e.TryGetProperty("not", out var inner))
        {
            if (!OnlyFields(e, path, errors, "not"))
            {
                return null;
            }

            var child = Node(inner, path + ".not", depth + 1, errors, ref nodes);
            return child is null ? null : new NotRule(child);
        }

        foreach (var combinator in Combinators)
        {
            if (!e.TryGetProperty(combinator, out var list))
            {
                continue;
            }

            if (!OnlyFields(e, path, errors, combinator))
            {
                return null;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new RuleError($"{path}.{combinator}", Texts.NotArray));
                return null;
            }

            var rules = new List<SegmentRule>();
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (Node(item, $"{path}.{combinator}[{i++}]", depth + 1, errors, ref nodes) is { } r)
                {
                    rules.Add(r);
                }

                if (nodes > MaxNodes)
                {
                    return null;
                }
            }

            return combinator == "and" ? new AllOf(rules) : new AnyOf(rules);
        }

        return Condition(e, path, errors);
    }

    private static SegmentRule? Condition(JsonElement e, string path, List<RuleError> errors)
    {
        var factName = e.GetProperty("fact") is { ValueKind: JsonValueKind.String } f ? f.GetString()! : null;
        var opName = e.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : null;
        if (factName is null || !RuleVocabulary.AllFacts.Contains(factName, StringComparer.Ordinal))
        {
            errors.Add(new RuleError(path + ".fact", Texts.UnknownFact, string.Join(", ", RuleVocabulary.AllFacts)));
            return null;
        }

        if (RuleVocabulary.TextFacts.TryGetValue(factName, out var textFact))
        {
            if (!Op(RuleVocabulary.TextOps, opName, path, errors, out var op))
            {
                return null;
            }

            if (op is TextOp.Exists or TextOp.Missing)
            {
                return OnlyFields(e, path, errors, "fact", "op") ? new TextCondition(textFact, op, []) : null;
            }

            return OnlyFields(e, path, errors, "fact", "op", "values") && Strings(e, path, errors, null) is { } values
                ? new TextCondition(textFact, op, values)
                : null;
        }

        if (RuleVocabulary.SetFacts.TryGetValue(factName, out var setFact))
        {
            if (!Op(RuleVocabulary.SetOps, opName, path, errors, out var op) || !OnlyFields(e, path, errors, "fact", "op", "values"))
            {
                return null;
            }

            return Strings(e, path, errors, setFact == SetFact.Identities ? RuleVocabulary.IdentityKinds : null) is { } values
                ? new SetCondition(setFact, op, values)
                : null;
        }

        if (RuleVocabulary.NumberFacts.TryGetValue(factName, out var numberFact))
        {
            return Number(e, numberFact, opName, path, errors);
        }

        return Date(e, RuleVocabulary.DateFacts[factName], opName, path, errors);
    }

    private static NumberCondition? Number(JsonElement e, NumberFact fact, string? opName, string path, List<RuleError> errors)
    {
        if (opName is null || !RuleVocabulary.NumberOps.Contains(opName, StringComparer.Ordinal))
        {
            errors.Add(new RuleError(path + ".op", Texts.UnknownOp, string.Join(", ", RuleVocabulary.NumberOps)));
            return null;
        }

        var between = opName == "between";
        if (!(between ? OnlyFields(e, path, errors, "fact", "op", "min", "max") : OnlyFields(e, path, errors, "fact", "op", "value")))
        {
            return null;
        }

        var amount = fact == NumberFact.OrderAmount;
        long? Read(string field)
        {
            if (!e.TryGetProperty(field, out var v))
            {
                errors.Add(new RuleError($"{path}.{field}", Texts.Required));
                return null;
            }

            if (amount)
            {
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var yuan) && yuan >= 0 && yuan <= MaxAmountYuan)
                {
                    return (long)Math.Round(yuan * 100m, MidpointRounding.AwayFromZero);
                }

                errors.Add(new RuleError($"{path}.{field}", Texts.Number, MaxAmountYuan.ToString(CultureInfo.InvariantCulture)));
                return null;
            }

            var max = fact == NumberFact.OrderCount ? MaxCount : 5;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 && n <= max)
            {
                return n;
            }

            errors.Add(new RuleError($"{path}.{field}", Texts.WholeNumber, max.ToString(CultureInfo.InvariantCulture)));
            return null;
        }

        if (between)
        {
            var (min, max) = (Read("min"), Read("max"));
            if (min is null || max is null)
            {
                return null;
            }

            if (min > max)
            {
                errors.Add(new RuleError(path + ".min", Texts.Range));
                return null;
            }

            return new NumberCondition(fact, min.Value, max.Value);
        }

        return Read("value") is not { } value ? null : opName switch
        {
            "eq" => new NumberCondition(fact, value, value),
            "gte" => new NumberCondition(fact, value, long.MaxValue),
            _ => new NumberCondition(fact, long.MinValue, value),
        };
    }

    private static DateCondition? Date(JsonElement e, DateFact fact, string? opName, string path, List<RuleError> errors)
    {
        if (!Op(RuleVocabulary.DateOps, opName, path, errors, out var op))
        {
            return null;
        }

        switch (op)
        {
            case DateOp.Exists or DateOp.Missing:
                return OnlyFields(e, path, errors, "fact", "op") ? new DateCondition(fact, op, 0, 0) : null;
            case DateOp.Within or DateOp.NotWithin:
                if (!OnlyFields(e, path, errors, "fact", "op", "days"))
                {
                    return null;
                }

                if (e.TryGetProperty("days", out var d) && d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var days) && days is >= 1 and <= MaxDays)
                {
                    return new DateCondition(fact, op, days, 0);
                }

                errors.Add(new RuleError(path + ".days", Texts.Days, MaxDays.ToString(CultureInfo.InvariantCulture)));
                return null;
            default:
                if (!OnlyFields(e, path, errors, "fact", "op", "date"))
                {
                    return null;
                }

                if (e.TryGetProperty("date", out var t) && t.ValueKind == JsonValueKind.String && Moment(t.GetString()!) is { } at)
                {
                    return new DateCondition(fact, op, 0, at);
                }

                errors.Add(new RuleError(path + ".date", Texts.Date));
                return null;
        }
    }

    /// <summary>A date is the start of that day in China (UTC+8); a date-time must carry its offset.</summary>
    private static long? Moment(string text)
    {
        if (text.Length > 40)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), ChinaTime.Offset).ToUnixTimeMilliseconds();
        }

        return text.Contains('T', StringComparison.Ordinal)
            && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var moment)
            ? moment.ToUnixTimeMilliseconds()
            : null;
    }

    private static bool Op<T>(IReadOnlyDictionary<string, T> ops, string? name, string path, List<RuleError> errors, out T op)
    {
        if (name is not null && ops.TryGetValue(name, out op!))
        {
            return true;
        }

        errors.Add(new RuleError(path + ".op", Texts.UnknownOp, string.Join(", ", ops.Keys)));
        op = default!;
        return false;
    }

    private static bool OnlyFields(JsonElement e, string path, List<RuleError> errors, params string[] allowed)
    {
        var ok = true;
        foreach (var property in e.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                errors.Add(new RuleError($"{path}.{Field(property.Name)}", Texts.UnknownField));
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>A field name as it may appear in an error path: short and printable.</summary>
    private static string Field(string name) =>
        name.Length <= 40 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.') ? name : "?";

    private static List<string>? Strings(JsonElement e, string path, List<RuleError> errors, IReadOnlyList<string>? allowed)
    {
        if (!e.TryGetProperty("values", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxValues)
        {
            errors.Add(new RuleError(path + ".values", Texts.Values, MaxValues.ToString(CultureInfo.InvariantCulture)));
            return null;
        }

        var values = new List<string>();
        var i = 0;
        var ok = true;
        foreach (var v in list.EnumerateArray())
        {
            var at = $"{path}.values[{i++}]";
            var s = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : null;
            if (s is not { Length: > 0 and <= MaxValueLength } || s.Any(char.IsControl))
            {
                errors.Add(new RuleError(at, Texts.Value, MaxValueLength.ToString(CultureInfo.InvariantCulture)));
                ok = false;
            }
            else if (allowed is not null && !allowed.Contains(s, StringComparer.Ordinal))
            {
                errors.Add(new RuleError(at, Texts.IdentityKind, string.Join(", ", allowed)));
                ok = false;
            }
            else
            {
                values.Add(s);
            }
        }

        return ok ? [.. values.Distinct(StringComparer.Ordinal)] : null;
    }
}
