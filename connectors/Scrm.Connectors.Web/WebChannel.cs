namespace Scrm.Connectors.Web;

/// <summary>The channel names this connector writes into the journal.</summary>
internal static class WebChannel
{
    /// <summary>Leads posted by other systems to <c>/api/v1/ingest/leads</c>.</summary>
    public const string Api = "api";

    /// <summary>Leads from the website's forms, <c>/forms/{formKey}</c>.</summary>
    public const string Forms = "web";
}
