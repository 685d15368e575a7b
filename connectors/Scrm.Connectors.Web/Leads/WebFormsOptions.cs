using System.ComponentModel.DataAnnotations;

namespace Scrm.Connectors.Web.Leads;

/// <summary><c>Scrm:WebForms</c>: the website forms that may post leads to <c>/forms/{formKey}</c>.</summary>
public sealed class WebFormsOptions
{
    public const string Section = "Scrm:WebForms";

    public Dictionary<string, WebFormDefinition> Forms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Submissions one address may make per minute, across all forms.</summary>
    [Range(1, 10_000)]
    public int PerIpPerMinute { get; set; } = 10;

    /// <summary>A field hidden from people; bots fill it in, and their submissions are dropped quietly.</summary>
    [Required]
    public string HoneypotField { get; set; } = "_gotcha";
}

public sealed class WebFormDefinition
{
    public string? Name { get; set; }

    /// <summary>Where a browser is sent (303) after a successful submission; JSON clients get 202.</summary>
    public string? RedirectUrl { get; set; }

    /// <summary>The campaign every lead from this form is attributed to, unless the form names one.</summary>
    public string? Campaign { get; set; }
}
