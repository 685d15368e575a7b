namespace Scrm.Platform.Text;

/// <summary>Validation errors keyed by JSON path (<c>[3].author.id</c>), for a 400 problem, in Chinese and English.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<(UserText Text, object?[] Args)>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    /// <summary>Stops collecting after this many fields so a hostile request cannot grow the answer without bound.</summary>
    public const int Limit = 200;

    /// <summary>A message with no translation (a reason from elsewhere): the same in both languages.</summary>
    public void Add(string path, string message) => Add(path, UserText.Plain(message, message));

    public void Add(string path, UserText message, params object?[] args)
    {
        if (_errors.Count >= Limit && !_errors.ContainsKey(path))
        {
            return;
        }

        if (!_errors.TryGetValue(path, out var list))
        {
            _errors[path] = list = [];
        }

        list.Add((message, args));
    }

    /// <summary>The errors in <paramref name="language"/> (English unless asked: tools and logs read them so).</summary>
    public IDictionary<string, string[]> ToDictionary(string language = Languages.English) =>
        _errors.ToDictionary(e => e.Key, e => e.Value.Select(m => m.Text.In(language, m.Args)).ToArray(), StringComparer.Ordinal);
}
