using System.Text;
using System.Text.Json;
using Scrm.Testing;

[assembly: AssemblyFixture(typeof(PostgresServer))]

namespace Scrm.Connectors.Channels.Tests;

/// <summary>The shared protocol and hostile fixtures, read directly from their files.</summary>
internal static class Fixtures
{
    private static readonly Lazy<JsonElement[]> VectorCases = new(() => Load("wechat", "vectors.json"));
    private static readonly Lazy<JsonElement[]> NegativeCases = new(() => Load("wechat", "negative.json"));
    private static readonly Lazy<JsonElement[]> HostileCases = new(() => Load("hostile", "cases.json"));

    public static JsonElement Vector(string id) => VectorCases.Value.Single(v => v.GetProperty("id").GetString() == id);

    public static JsonElement Negative(string id) => NegativeCases.Value.Single(v => v.GetProperty("id").GetString() == id);

    public static TheoryData<string> VectorIds(params string[] kinds) => new(VectorIdList(kinds));

    public static string[] VectorIdList(params string[] kinds) =>
        [.. VectorCases.Value.Where(v => kinds.Contains(v.GetProperty("kind").GetString())).Select(v => v.GetProperty("id").GetString()!)];

    public static TheoryData<string> NegativeIds() => new(NegativeIdList());

    public static string[] NegativeIdList() => [.. NegativeCases.Value.Select(v => v.GetProperty("id").GetString()!)];

    /// <summary>A hostile case's body: its file's bytes, or its generator evaluated.</summary>
    public static byte[] Hostile(string id)
    {
        var c = HostileCases.Value.Single(v => v.GetProperty("id").GetString() == id);
        return c.TryGetProperty("file", out var file)
            ? File.ReadAllBytes(Repo.Fixture("hostile", file.GetString()!))
            : Encoding.UTF8.GetBytes(Generator.Evaluate(c.GetProperty("generator").GetString()!));
    }

    public static string HostileFile(string name) => Repo.Fixture("hostile", name);

    public static string Text(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static string? OptionalText(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement[] Load(params string[] path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Repo.Fixture(path)));
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}

/// <summary>
/// Evaluates the fixtures' body generators, which are Python expressions of one shape: string
/// literals repeated with <c>*</c> and joined with <c>+</c>.
/// </summary>
internal static class Generator
{
    public static string Evaluate(string expression)
    {
        var builder = new StringBuilder();
        var i = 0;
        while (true)
        {
            Skip(expression, ref i);
            var literal = ReadString(expression, ref i);
            Skip(expression, ref i);
            var times = 1;
            if (i < expression.Length && expression[i] == '*')
            {
                i++;
                Skip(expression, ref i);
                var start = i;
                while (i < expression.Length && (char.IsAsciiDigit(expression[i]) || expression[i] == '_'))
                {
                    i++;
                }

                times = int.Parse(expression[start..i].Replace("_", ""), System.Globalization.CultureInfo.InvariantCulture);
                Skip(expression, ref i);
            }

            builder.Insert(builder.Length, literal, times);
            if (i >= expression.Length)
            {
                return builder.ToString();
            }

            if (expression[i++] != '+')
            {
                throw new FormatException($"Unexpected '{expression[i - 1]}' in generator at {i - 1}.");
            }
        }
    }

    private static void Skip(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }
    }

    private static string ReadString(string s, ref int i)
    {
        var quote = s[i];
        if (quote is not ('\'' or '"'))
        {
            throw new FormatException($"Expected a string literal at {i}.");
        }

        var builder = new StringBuilder();
        for (i++; s[i] != quote; i++)
        {
            if (s[i] == '\\')
            {
                i++;
            }

            builder.Append(s[i]);
        }

        i++;
        return builder.ToString();
    }
}
