namespace Scrm.Connectors.Sdk.Requests;

/// <summary>Validation errors keyed by JSON path (<c>[3].author.id</c>), for a 400 problem.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    /// <summary>Stops collecting after this many fields so a hostile request cannot grow the answer without bound.</summary>
    public const int Limit = 200;

    public void Add(string path, string message)
    {
        if (_errors.Count >= Limit && !_errors.ContainsKey(path))
        {
            return;
        }

        if (!_errors.TryGetValue(path, out var list))
        {
            _errors[path] = list = [];
        }

        list.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
