namespace Scrm.Search;

/// <summary>One searchable thing: a mention, message, lead or customer, flattened for the index.</summary>
/// <param name="Id">Unique across types; writing the same id again replaces the document.</param>
/// <param name="Type">One of <see cref="DocumentTypes"/>.</param>
/// <param name="Channel">The channel it came through (<c>wechat</c>, <c>weibo</c>, <c>web</c>, <c>webhook</c>, ...).</param>
/// <param name="Account">The channel account, form or source system.</param>
/// <param name="Title">A short heading (a lead's name and company, a customer's name); searched with a higher weight.</param>
/// <param name="Text">The body text.</param>
/// <param name="CreatedAt">When it happened on the channel; the date facet and the time sorts use it.</param>
/// <param name="Owner">The staff member it is routed to, if any.</param>
/// <remarks>
/// Contact data is protected (see <see cref="Protection.DocumentProtection"/>): phone numbers and
/// e-mail addresses belong in <see cref="Contacts"/>; any found in the title, text or author name
/// are masked there and added to it when the document is written.
/// </remarks>
internal sealed record SearchDocument(
    string Id,
    string Type,
    string Channel,
    string Account,
    string? AuthorId,
    string? AuthorName,
    string? Title,
    string Text,
    DateTimeOffset CreatedAt,
    string? Owner,
    IReadOnlyList<string> Tags)
{
    /// <summary>
    /// Phone numbers and e-mail addresses of the person behind the document, normalised (E.164,
    /// lower-case address): searchable and shown in full only to roles allowed to see them.
    /// </summary>
    public IReadOnlyList<string> Contacts { get; init; } = [];

    /// <summary>
    /// The journal item a mention's text is read from. The embedded index indexes such a text without
    /// storing it (the journal keeps it): a hit reads it back from there.
    /// </summary>
    public long? JournalPosition { get; init; }
}

/// <summary>The document types the index holds.</summary>
internal static class DocumentTypes
{
    public const string Mention = "mention";
    public const string Message = "message";
    public const string Lead = "lead";
    public const string Customer = "customer";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Mention, Message, Lead, Customer };
}
