using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Scrm.Platform.Text;

namespace Scrm.Community.Classification;

/// <summary>
/// Word lists per class (<c>sentiment.positive</c>, <c>intent.question</c>, <c>topic.price</c>, ...):
/// the rules classifier reads them directly and the trained model takes their hits as features.
/// Editable as data; <see cref="Default"/> is the shipped Chinese list.
/// </summary>
internal sealed record Lexicon(int Version, IReadOnlyDictionary<string, IReadOnlyList<string>> Classes)
{
    public const string Positive = "sentiment.positive";
    public const string Negative = "sentiment.negative";
    public const string Negator = "negator";
    public const string Contrast = "contrast";
    public const string IntentPrefix = "intent.";
    public const string TopicPrefix = "topic.";

    /// <summary>Most classes and words a lexicon may hold (it is compiled into memory and matched per text).</summary>
    public const int MaxClasses = 64;
    public const int MaxWordsPerClass = 2_000;
    public const int MaxWordLength = 32;

    private static readonly Lazy<Lexicon> Shipped = new(LoadShipped);

    public static Lexicon Default => Shipped.Value;

    /// <summary>The topic codes this lexicon has word lists for, in its order.</summary>
    public IEnumerable<string> Topics => Classes.Keys.Where(k => k.StartsWith(TopicPrefix, StringComparison.Ordinal)).Select(k => k[TopicPrefix.Length..]);

    public IReadOnlyList<string> Words(string @class) => Classes.TryGetValue(@class, out var words) ? words : [];

    /// <summary>Problems that make this lexicon unusable, as sentences in both languages; empty when it is fine.</summary>
    public IReadOnlyList<UserText> Problems()
    {
        var problems = new List<UserText>();
        if (Classes.Count > MaxClasses)
        {
            problems.Add(new($"最多 {MaxClasses} 个类别", $"at most {MaxClasses} classes"));
        }

        foreach (var (name, words) in Classes)
        {
            if (!IsClassName(name))
            {
                problems.Add(new($"“{Clip(name)}”不是类别名（sentiment.positive、sentiment.negative、negator、contrast、intent.<代码>、topic.<代码>）",
                    $"'{Clip(name)}' is not a class name (sentiment.positive, sentiment.negative, negator, contrast, intent.<code>, topic.<code>)"));
            }

            if (words.Count > MaxWordsPerClass)
            {
                problems.Add(new($"{Clip(name)}：最多 {MaxWordsPerClass} 个词", $"{Clip(name)}: at most {MaxWordsPerClass} words"));
            }

            if (words.Any(w => string.IsNullOrWhiteSpace(w) || w.Length > MaxWordLength || w.Any(char.IsControl)))
            {
                problems.Add(new($"{Clip(name)}：每个词为 1 到 {MaxWordLength} 个可打印字符", $"{Clip(name)}: every word has 1-{MaxWordLength} printable characters"));
            }
        }

        return problems;
    }

    private static bool IsClassName(string name) =>
        name is Positive or Negative or Negator or Contrast
        || (name.StartsWith(IntentPrefix, StringComparison.Ordinal) && Taxonomy.Intents.All.Contains(name[IntentPrefix.Length..]))
        || (name.StartsWith(TopicPrefix, StringComparison.Ordinal) && name.Length is > 6 and <= 40 && name[TopicPrefix.Length..].All(c => c is (>= 'a' and <= 'z') or '-' or (>= '0' and <= '9')));

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    public static Lexicon Parse(string json)
    {
        var file = JsonSerializer.Deserialize<LexiconFile>(json, JsonOptions) ?? throw new JsonException("The lexicon is empty.");
        return new Lexicon(file.Version, file.Classes.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)c.Value.Select(TextNormal.Fold).Distinct().ToList(), StringComparer.Ordinal));
    }

    public string ToJson() => JsonSerializer.Serialize(new LexiconFile(Version, Classes.ToDictionary(c => c.Key, c => c.Value.ToList())), JsonOptions);

    private static Lexicon LoadShipped()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Scrm.Community.DefaultLexicon.json")
            ?? throw new InvalidOperationException("The shipped lexicon is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record LexiconFile(int Version, Dictionary<string, List<string>> Classes)
    {
        [JsonPropertyName("description")]
        public string? Description { get; init; }
    }
}

/// <summary>
/// A lexicon compiled for matching: at each position the longest word wins (forward maximum
/// matching), so "不错" is read as praise rather than "不" + "错", and a negator just before a
/// sentiment word flips it ("不好用" is negative, "没问题" is not).
/// </summary>
internal sealed class LexiconMatcher
{
    private readonly FrozenDictionary<char, Entry[]> _byFirstChar;

    public LexiconMatcher(Lexicon lexicon)
    {
        Lexicon = lexicon;
        ClassNames = [.. lexicon.Classes.Keys.Order(StringComparer.Ordinal)];
        var index = ClassNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var entries = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var (name, words) in lexicon.Classes)
        {
            foreach (var word in words)
            {
                if (word.Length == 0)
                {
                    continue;
                }

                if (!entries.TryGetValue(word, out var classes))
                {
                    entries[word] = classes = [];
                }

                classes.Add(index[name]);
            }
        }

        _byFirstChar = entries
            .GroupBy(e => e.Key[0])
            .ToFrozenDictionary(g => g.Key, g => g.Select(e => new Entry(e.Key, [.. e.Value])).OrderByDescending(e => e.Word.Length).ToArray());
        PositiveIndex = index.GetValueOrDefault(Lexicon.Positive, -1);
        NegativeIndex = index.GetValueOrDefault(Lexicon.Negative, -1);
        NegatorIndex = index.GetValueOrDefault(Lexicon.Negator, -1);
    }

    public Lexicon Lexicon { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public int PositiveIndex { get; }

    public int NegativeIndex { get; }

    public int NegatorIndex { get; }

    /// <summary>Counts hits per class (indexes of <see cref="ClassNames"/>) into <paramref name="counts"/>; sentiment words after a negator count for the other side.</summary>
    public void Count(ReadOnlySpan<char> text, Span<float> counts, List<Hit>? hits = null)
    {
        var negatedUntil = -1;
        var i = 0;
        while (i < text.Length)
        {
            var entry = Longest(text, i);
            if (entry is null)
            {
                i++;
                continue;
            }

            var negated = i <= negatedUntil;
            var isNegator = false;
            foreach (var c in entry.Classes)
            {
                var target = c;
                if (negated && c == PositiveIndex && NegativeIndex >= 0)
                {
                    target = NegativeIndex;
                }
                else if (negated && c == NegativeIndex && PositiveIndex >= 0)
                {
                    // "没问题", "不差": a negated complaint word is mild praise at most; it is no complaint.
                    target = -1;
                }

                isNegator |= c == NegatorIndex;
                if (target >= 0)
                {
                    counts[target]++;
                    hits?.Add(new Hit(target, entry.Word, i));
                }
            }

            i += entry.Word.Length;
            // A negator reaches over the next two characters ("不太好", "没什么效果").
            negatedUntil = isNegator ? i + 1 : negatedUntil;
        }
    }

    private Entry? Longest(ReadOnlySpan<char> text, int at)
    {
        if (!_byFirstChar.TryGetValue(text[at], out var candidates))
        {
            return null;
        }

        var rest = text[at..];
        foreach (var candidate in candidates)
        {
            if (rest.StartsWith(candidate.Word, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    private sealed record Entry(string Word, int[] Classes);

    internal readonly record struct Hit(int Class, string Word, int At);
}
