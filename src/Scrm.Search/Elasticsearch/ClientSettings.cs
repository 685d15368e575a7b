using System.Security.Cryptography.X509Certificates;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Serialization;
using Elastic.Transport;
using Elastic.Transport.Extensions;

namespace Scrm.Search.Elasticsearch;

/// <summary>
/// The official client as users configure it: one node or several (requests go round them and fail
/// over), an API key or basic credentials, TLS trusted by a certificate fingerprint or a CA file, a
/// per-request timeout and node failover retries. Documents are written as UTF-8 (Chinese text is not
/// <c>\u</c>-escaped). Credentials only ever travel in the <c>Authorization</c> header; nothing here logs them.
/// </summary>
internal static class ClientSettings
{
    public static ElasticsearchClient Create(ElasticsearchOptions options)
    {
        var nodes = options.Addresses().Select(a => new Uri(a)).ToList();
        NodePool pool = nodes.Count == 1 ? new SingleNodePool(nodes[0]) : new StaticNodePool(nodes);
        var settings = new ElasticsearchClientSettings(pool, (_, s) => new DefaultSourceSerializer(s, json =>
            {
                json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
                json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            }))
            .RequestTimeout(options.RequestTimeout)
            .MaxRetryTimeout(options.RequestTimeout * (options.MaxRetries + 1))
            .MaximumRetries(options.MaxRetries)
            .EnableHttpCompression(options.HttpCompression);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            settings = settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            settings = settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        if (!string.IsNullOrEmpty(options.CertificateFingerprint))
        {
            settings = settings.CertificateFingerprint(options.CertificateFingerprint);
        }
        else if (!string.IsNullOrEmpty(options.CertificateAuthorityPath))
        {
            settings = settings.ServerCertificateValidationCallback(
                CertificateValidations.AuthorityIsRoot(X509CertificateLoader.LoadCertificateFromFile(options.CertificateAuthorityPath)));
        }

        var client = new ElasticsearchClient(settings);
        // Request bodies (queries with the user's words) are written as UTF-8 too: the client builds their
        // serializer options without a hook, but hands them out until their first use.
        foreach (var formatting in new[] { SerializationFormatting.None, SerializationFormatting.Indented })
        {
            if (client.RequestResponseSerializer.TryGetJsonSerializerOptions(out var json, formatting) && !json.IsReadOnly)
            {
                json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            }
        }

        return client;
    }
}
