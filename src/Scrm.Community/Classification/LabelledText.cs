using System.Text.Json;

namespace Scrm.Community.Classification;

/// <summary>
/// A text with what is known about it. Labels may be partial: a review set may say only the
/// sentiment, a correction only the topics. Null means "not labelled", never "false".
/// </summary>
/// <param name="Weight">How much the example counts in training (a manager's correction counts more than a review).</param>
internal sealed record LabelledText(
    string Text,
    bool? Positive = null,
    bool? Complaint = null,
    IReadOnlySet<string>? Topics = null,
    string? Sentiment = null,
    string? Intent = null,
    float Weight = 1f)
{
    /// <summary>
    /// Opinion phrases annotated inside the text (aspect + opinion, e.g. "服务不敢恭维") with whether
    /// each is negative: training also learns from them as short examples of their own.
    /// </summary>
    public IReadOnlyList<(string Phrase, bool Negative)>? Opinions { get; init; }

    /// <summary>Reads the labelled review sets (JSON lines: <c>text</c>, <c>label</c>, optional <c>topic</c>) with the source categories mapped to topic codes.</summary>
    public static IReadOnlyList<LabelledText> ReadJsonLines(string path)
    {
        var rows = new List<LabelledText>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var text = root.GetProperty("text").GetString() ?? "";
            var label = root.GetProperty("label").GetString();
            HashSet<string>? topics = null;
            if (root.TryGetProperty("topic", out var topicArray))
            {
                topics = [];
                foreach (var category in topicArray.EnumerateArray())
                {
                    if (SourceCategory(category.GetString()) is { } code)
                    {
                        topics.Add(code);
                    }
                }
            }

            List<(string, bool)>? opinions = null;
            if (root.TryGetProperty("aspects", out var aspects))
            {
                opinions = [];
                foreach (var aspect in aspects.EnumerateArray())
                {
                    var polarity = aspect.GetProperty("polarity").GetString();
                    var opinion = aspect.TryGetProperty("opinion", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
                    var term = aspect.TryGetProperty("aspect", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                    if (opinion is { Length: > 0 } && polarity is "positive" or "negative")
                    {
                        opinions.Add((term + opinion, polarity == "negative"));
                    }
                }
            }

            rows.Add(new LabelledText(
                text,
                Positive: label switch { "positive" => true, "negative" => false, _ => null },
                Complaint: label is "negative" or "mixed" ? true : label is "positive" or "neutral" ? false : null,
                Topics: topics,
                Sentiment: label) { Opinions = opinions });
        }

        return rows;
    }

    /// <summary>The review sets' categories as topic codes (整体 "overall" and 其他 are no topic).</summary>
    public static string? SourceCategory(string? category) => category switch
    {
        "价格" => "price",
        "物流" => "delivery",
        "包装" => "packaging",
        "真伪" => "authenticity",
        "服务" => "service",
        "使用体验" or "功效" or "气味" or "成分" or "尺寸" or "新鲜度" => "quality",
        _ => null,
    };
}
