using System.Text;
using HtmlAgilityPack;

namespace Scrm.Connectors.Crawler.Extraction;

/// <summary>A block of visible text: the whole page, or an element marked as contact details.</summary>
internal sealed record TextBlock(string Text, IReadOnlyList<string> MailTo, bool IsContactBlock);

/// <summary>What a page offers the crawler: its title, visible text, contact blocks, links and meta refresh.</summary>
internal sealed record HtmlPage(string? Title, TextBlock Page, IReadOnlyList<TextBlock> ContactBlocks, IReadOnlyList<Uri> Links, Uri? Refresh);

/// <summary>
/// Reads a page leniently (HtmlAgilityPack, malformed HTML welcome) but bounded: nesting is capped
/// and the tree is walked without recursion. Only what a visitor sees counts as text: scripts,
/// styles, form controls (hidden inputs above all) and elements hidden by attribute or style are skipped.
/// </summary>
internal static class HtmlPages
{
    public const int MaxNesting = 256;
    public const int MaxLinks = 1_000;

    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "head", "input", "select", "textarea", "button", "option", "svg", "iframe", "object",
    };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "footer", "header", "address", "table", "ul", "ol", "dd", "dt",
    };

    /// <summary>The page, or null when it nests deeper than <see cref="MaxNesting"/> (a hostile or broken page).</summary>
    public static HtmlPage? Read(string html, Uri url)
    {
        var document = new HtmlDocument { OptionMaxNestedChildNodes = MaxNesting, OptionFixNestedTags = true };
        try
        {
            document.LoadHtml(html);
        }
        catch (ApplicationException)
        {
            return null;
        }

        var root = document.DocumentNode;
        var title = root.SelectSingleNode("//title")?.InnerText is { } t ? HtmlEntity.DeEntitize(t).Trim() : null;
        var contactBlocks = new List<TextBlock>();
        var links = new List<Uri>();
        Uri? refresh = null;
        foreach (var node in Walk(root))
        {
            if (node.NodeType != HtmlNodeType.Element)
            {
                continue;
            }

            if (node.Name == "a" && links.Count < MaxLinks && Resolve(url, node.GetAttributeValue("href", null)) is { } link)
            {
                links.Add(link);
            }
            else if (node.Name == "meta" && refresh is null
                && string.Equals(node.GetAttributeValue("http-equiv", ""), "refresh", StringComparison.OrdinalIgnoreCase))
            {
                refresh = RefreshTarget(url, node.GetAttributeValue("content", ""));
            }

            if (IsContactBlock(node) && !IsHidden(node))
            {
                contactBlocks.Add(TextOf(node));
            }
        }

        return new HtmlPage(title, TextOf(root) with { IsContactBlock = false }, contactBlocks, links, refresh);
    }

    /// <summary>The target of <c>&lt;meta http-equiv="refresh" content="0;url=..."&gt;</c>, when it sends the visitor elsewhere.</summary>
    public static Uri? RefreshTarget(Uri page, string content)
    {
        var at = content.IndexOf("url", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var target = content[(at + 3)..].TrimStart().TrimStart('=').Trim().Trim('\'', '"');
        return Resolve(page, target);
    }

    private static TextBlock TextOf(HtmlNode start)
    {
        var text = new StringBuilder();
        var mailTo = new List<string>();
        foreach (var node in Walk(start))
        {
            if (node.NodeType == HtmlNodeType.Text)
            {
                text.Append(HtmlEntity.DeEntitize(node.InnerText));
            }
            else if (node.NodeType == HtmlNodeType.Element)
            {
                if (Blocks.Contains(node.Name))
                {
                    text.Append('\n');
                }

                if (node.Name == "a" && node.GetAttributeValue("href", "") is { } href && href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                {
                    mailTo.Add(Uri.UnescapeDataString(href[7..].Split('?')[0]));
                }
            }
        }

        return new TextBlock(text.ToString(), mailTo, true);
    }

    /// <summary>Every visible node under <paramref name="start"/>, in document order, without recursion.</summary>
    private static IEnumerable<HtmlNode> Walk(HtmlNode start)
    {
        var stack = new Stack<HtmlNode>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.NodeType == HtmlNodeType.Element && (Skipped.Contains(node.Name) || IsHidden(node)))
            {
                continue;
            }

            yield return node;
            for (var child = node.LastChild; child is not null; child = child.PreviousSibling)
            {
                stack.Push(child);
            }
        }
    }

    private static bool IsHidden(HtmlNode node)
    {
        if (node.Attributes.Contains("hidden")
            || string.Equals(node.GetAttributeValue("aria-hidden", ""), "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(node.GetAttributeValue("type", ""), "hidden", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var style = node.GetAttributeValue("style", "").Replace(" ", "", StringComparison.Ordinal);
        return style.Contains("display:none", StringComparison.OrdinalIgnoreCase) || style.Contains("visibility:hidden", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsContactBlock(HtmlNode node)
    {
        if (node.Name is "html" or "body")
        {
            return false;
        }

        var marker = node.GetAttributeValue("class", "") + " " + node.GetAttributeValue("id", "");
        return marker.Contains("contact", StringComparison.OrdinalIgnoreCase) || marker.Contains("lianxi", StringComparison.OrdinalIgnoreCase)
            || node.Name == "address";
    }

    private static Uri? Resolve(Uri page, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.Length > 2048 || !Uri.TryCreate(page, href.Trim(), out var url) || url.Scheme is not ("http" or "https"))
        {
            return null;
        }

        return new UriBuilder(url) { Fragment = "" }.Uri;
    }
}
