namespace Scrm.Connectors.Crawler.Crawling;

/// <summary>
/// A site's robots.txt as it applies to this crawler: the group for its user agent (else <c>*</c>),
/// Allow/Disallow with <c>*</c> and <c>$</c>, the longest matching rule winning (Allow on a tie),
/// and Crawl-delay.
/// </summary>
internal sealed class RobotsRules
{
    private readonly List<(string Pattern, bool Allow)> _rules;

    private RobotsRules(List<(string, bool)> rules, TimeSpan? crawlDelay, bool disallowAll)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
        DisallowAll = disallowAll;
    }

    public static RobotsRules AllowAll { get; } = new([], null, false);

    /// <summary>For a robots.txt that could not be read (server error): nothing is fetched.</summary>
    public static RobotsRules Unavailable { get; } = new([], null, true);

    public TimeSpan? CrawlDelay { get; }

    public bool DisallowAll { get; }

    public static RobotsRules Parse(string text, string userAgent)
    {
        var token = userAgent.Split('/', ' ')[0];
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Split('#')[0].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var field = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (field == "user-agent")
            {
                if (!lastWasAgent || current is null)
                {
                    groups.Add(current = new Group());
                }

                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }

            lastWasAgent = false;
            switch (field)
            {
                case "disallow" when current is not null && value.Length > 0:
                    current.Rules.Add((value, false));
                    break;
                case "allow" when current is not null && value.Length > 0:
                    current.Rules.Add((value, true));
                    break;
                case "crawl-delay" when current is not null
                    && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                    && seconds is >= 0 and <= 60:
                    current.Delay = TimeSpan.FromSeconds(seconds);
                    break;
            }
        }

        var chosen = groups.FirstOrDefault(g => g.Agents.Any(a => a != "*" && token.StartsWith(a, StringComparison.OrdinalIgnoreCase)))
            ?? groups.FirstOrDefault(g => g.Agents.Contains("*"));
        return chosen is null ? AllowAll : new RobotsRules(chosen.Rules, chosen.Delay, false);
    }

    public bool Allows(Uri url)
    {
        if (DisallowAll)
        {
            return false;
        }

        var path = url.PathAndQuery;
        var best = (Length: -1, Allow: true);
        foreach (var (pattern, allow) in _rules)
        {
            if (Matches(pattern, path) && (pattern.Length > best.Length || pattern.Length == best.Length && allow))
            {
                best = (pattern.Length, allow);
            }
        }

        return best.Allow;
    }

    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var parts = (anchored ? pattern[..^1] : pattern).Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = path.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        if (parts.Length == 1)
        {
            return !anchored || position == path.Length;
        }

        var last = parts[^1];
        return anchored
            ? path.EndsWith(last, StringComparison.Ordinal) && path.Length - last.Length >= position
            : path.IndexOf(last, position, StringComparison.Ordinal) >= 0;
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];

        public List<(string Pattern, bool Allow)> Rules { get; } = [];

        public TimeSpan? Delay { get; set; }
    }
}
