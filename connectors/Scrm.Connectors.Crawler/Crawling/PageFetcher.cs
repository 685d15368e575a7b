using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Scrm.Connectors.Crawler.Crawling;

internal enum FetchOutcome
{
    /// <summary>An HTML page, read whole.</summary>
    Page,
    /// <summary>Unchanged since the validators we sent (304).</summary>
    NotModified,
    /// <summary>A 3xx with a Location.</summary>
    Redirect,
    /// <summary>Larger than the page size limit: reading stopped there.</summary>
    TooLarge,
    /// <summary>Not HTML, or an error status.</summary>
    Skipped,
}

internal sealed record FetchResult(FetchOutcome Outcome, string? Html = null, Uri? Location = null, string? ETag = null, string? LastModified = null, int Status = 0);

/// <summary>
/// One polite GET: no automatic redirects (the crawler counts and checks each hop), conditional
/// headers from the last visit, and the body read only up to the size limit.
/// </summary>
internal sealed class PageFetcher(IHttpClientFactory clients)
{
    public const string HttpClientName = "crawler";

    public async Task<FetchResult> FetchAsync(Uri url, string? etag, string? lastModified, int maxBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (lastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FetchResult(FetchOutcome.NotModified, Status: status);
        }

        if (status is >= 300 and < 400)
        {
            return response.Headers.Location is { } location
                ? new FetchResult(FetchOutcome.Redirect, Location: location.IsAbsoluteUri ? location : new Uri(url, location), Status: status)
                : new FetchResult(FetchOutcome.Skipped, Status: status);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!response.IsSuccessStatusCode || mediaType is not ("text/html" or "application/xhtml+xml"))
        {
            return new FetchResult(FetchOutcome.Skipped, Status: status);
        }

        if (response.Content.Headers.ContentLength > maxBytes)
        {
            return new FetchResult(FetchOutcome.TooLarge, Status: status);
        }

        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var body = new MemoryStream();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > maxBytes)
            {
                // Stop here: disposing the response abandons the rest of the body.
                return new FetchResult(FetchOutcome.TooLarge, Status: status);
            }

            body.Write(buffer, 0, read);
        }

        var html = HtmlEncoding.Decode(body.GetBuffer().AsSpan(0, (int)body.Length), response.Content.Headers.ContentType?.CharSet);
        return new FetchResult(FetchOutcome.Page, html, null, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), status);
    }

    /// <summary>robots.txt: its status and (up to 512 KiB of) its text.</summary>
    public async Task<(int Status, string? Text)> FetchRobotsAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await clients.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, null);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[512 * 1024];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return ((int)response.StatusCode, Encoding.UTF8.GetString(buffer, 0, length));
    }
}
