using System.ComponentModel.DataAnnotations;

namespace Scrm.Customers.Identity;

/// <summary><c>Scrm:Customers:Resolution</c>: how inbound items are tied to customers, and what is suggested.</summary>
internal sealed class ResolutionOptions
{
    public const string Section = "Scrm:Customers:Resolution";

    /// <summary>The custom form field that carries the web visitor (cookie) id.</summary>
    [Required, MaxLength(64)]
    public string VisitorIdField { get; set; } = "visitorId";

    /// <summary>
    /// A WeCom "contact me" code whose <c>State</c> starts with this prefix was issued for one web
    /// visitor (shown after they submitted a form): the rest of the state is their visitor id.
    /// </summary>
    [Required, MaxLength(16)]
    public string VisitorStatePrefix { get; set; } = "wv_";

    /// <summary>Suggest customers with the same name at the same company.</summary>
    public bool SuggestSameNameAndCompany { get; set; } = true;

    /// <summary>Suggest customers whose mobile differs by one digit or two swapped digits (a typo), or who share a landline, and have the same name.</summary>
    public bool SuggestSimilarPhone { get; set; } = true;

    /// <summary>Suggest customers whose profile shows the same number or e-mail (numbers that stopped linking because they are shared).</summary>
    public bool SuggestSameContact { get; set; } = true;

    [Range(1, 200)]
    public int MaxCandidates { get; set; } = 20;
}
