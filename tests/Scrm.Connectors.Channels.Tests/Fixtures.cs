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
            : Encoding.UTF8.GetBytes(HostileGenerator.Evaluate(c.GetProperty("generator").GetString()!));
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
