namespace Scrm.Host;

/// <summary>
/// <c>dotnet Scrm.Host.dll healthcheck [url]</c>: asks a running host's <c>/health/ready</c> and exits 0
/// when it answers 200, 1 otherwise. Without a url it asks the port the environment gives the host
/// (<c>ASPNETCORE_URLS</c> or <c>ASPNETCORE_HTTP_PORTS</c>) on loopback.
/// </summary>
internal static class HealthProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var target = args.Length > 0 ? args[0] : $"http://127.0.0.1:{Port()}/health/ready";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(target);
            Console.WriteLine($"{target}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{target}: {ex.Message}");
            return 1;
        }
    }

    private static string Port()
    {
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (!string.IsNullOrEmpty(urls))
        {
            var first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
            var colon = first.LastIndexOf(':');
            if (colon > 0 && int.TryParse(first[(colon + 1)..].TrimEnd('/'), out var port))
            {
                return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';')[0] is { Length: > 0 } ports ? ports : "5080";
    }
}
