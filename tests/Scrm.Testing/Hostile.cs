using System.Text;
using System.Text.Json;

namespace Scrm.Testing;

/// <summary>The shared hostile corpus (fixtures/hostile), as bodies and as texts.</summary>
public static class Hostile
{
    public static JsonElement[] Cases() =>
        JsonDocument.Parse(File.ReadAllText(Repo.Fixture("hostile", "cases.json"))).RootElement.EnumerateArray().ToArray();

    /// <summary>A case's body: its file's bytes, or its <c>generator</c> evaluated.</summary>
    public static byte[] Body(string id)
    {
        var c = Cases().Single(x => x.GetProperty("id").GetString() == id);
        if (c.TryGetProperty("file", out var file))
        {
            return File.ReadAllBytes(Repo.Fixture("hostile", file.GetString()!));
        }

        // A generated body is the fixture's own generator evaluated, never a copy typed here.
        return Encoding.UTF8.GetBytes(HostileGenerator.Evaluate(c.GetProperty("generator").GetString()!));
    }

    /// <summary>The corpus's text-shaped cases (SQL, queries, formulas, markup), read as strings.</summary>
    public static IEnumerable<string> Texts() => Cases()
        .Where(c => c.TryGetProperty("file", out var f) && (f.GetString()!.EndsWith(".txt", StringComparison.Ordinal) || f.GetString()!.EndsWith(".q", StringComparison.Ordinal) || f.GetString()!.EndsWith(".html", StringComparison.Ordinal)))
        .Select(c => File.ReadAllText(Repo.Fixture("hostile", c.GetProperty("file").GetString()!)))
        .Select(t => t.Length > 10_000 ? t[..10_000] : t);
}
