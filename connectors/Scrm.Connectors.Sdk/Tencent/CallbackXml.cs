using System.Xml;

namespace Scrm.Connectors.Sdk.Tencent;

/// <summary>
/// The flat fields of a callback's <c>&lt;xml&gt;</c> document, read with DTDs prohibited, no
/// resolver and a size cap, so external entities and entity expansion never run.
/// </summary>
public sealed class CallbackXml
{
    /// <summary>Callbacks are a few kilobytes; anything near this is not from the platform.</summary>
    public const int MaxChars = 64 * 1024;

    /// <summary>More fields than any message type has.</summary>
    public const int MaxFields = 64;

    private const int MaxDepth = 4;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxChars,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = true,
    };

    private readonly Dictionary<string, string> _fields;

    private CallbackXml(Dictionary<string, string> fields) => _fields = fields;

    /// <summary>Field names, nested ones joined by '/' (<c>ScanCodeInfo/ScanResult</c>).</summary>
    public IReadOnlyDictionary<string, string> Fields => _fields;

    public string? this[string name] => _fields.GetValueOrDefault(name);

    /// <summary>The field's text, or <see cref="CallbackFailure.MalformedXml"/> when it is missing or empty.</summary>
    public string Required(string name) =>
        _fields.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new CallbackRejectedException(CallbackFailure.MalformedXml, $"The message has no {name}.");

    /// <summary>Parses a callback body; refusals are <see cref="CallbackRejectedException"/>s with their category.</summary>
    public static CallbackXml Parse(string xml)
    {
        if (xml.Length > MaxChars)
        {
            throw new CallbackRejectedException(CallbackFailure.Oversized, $"The XML is longer than {MaxChars} characters.");
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings);
            return Read(reader);
        }
        catch (XmlException) when (xml.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
        {
            throw new CallbackRejectedException(CallbackFailure.Xxe, "The XML declares a DTD, which callbacks never do.");
        }
        catch (XmlException ex)
        {
            throw new CallbackRejectedException(CallbackFailure.MalformedXml,
                $"The XML is not well formed (line {ex.LineNumber}, position {ex.LinePosition}).");
        }
    }

    private static CallbackXml Read(XmlReader reader)
    {
        if (reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The body has no root element.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = new List<string>();
        string? pending = null;
        var text = new System.Text.StringBuilder();
        reader.Read();
        while (!reader.EOF)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (path.Count >= MaxDepth)
                    {
                        throw new CallbackRejectedException(CallbackFailure.MalformedXml, "The XML nests deeper than callbacks do.");
                    }

                    path.Add(reader.LocalName);
                    pending = string.Join('/', path);
                    text.Clear();
                    if (reader.IsEmptyElement)
                    {
                        Add(fields, pending, "");
                        path.RemoveAt(path.Count - 1);
                        pending = null;
                    }

                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                    text.Append(reader.Value);
                    break;
                case XmlNodeType.EndElement when path.Count > 0:
                    var name = string.Join('/', path);
                    if (pending == name)
                    {
                        Add(fields, name, text.ToString());
                    }

                    pending = null;
                    text.Clear();
                    path.RemoveAt(path.Count - 1);
                    break;
            }

            reader.Read();
        }

        return new CallbackXml(fields);
    }

    private static void Add(Dictionary<string, string> fields, string name, string value)
    {
        if (fields.Count >= MaxFields)
        {
            throw new CallbackRejectedException(CallbackFailure.MalformedXml, $"The XML has more than {MaxFields} fields.");
        }

        // A repeated field (e.g. the items of a list) keeps its first value.
        fields.TryAdd(name, value);
    }
}
