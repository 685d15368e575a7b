using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Scrm.Host;

/// <summary><c>Scrm:Http</c>: the reverse proxies whose <c>X-Forwarded-*</c> headers are believed.</summary>
internal sealed class ProxyOptions
{
    public const string Section = "Scrm:Http";

    /// <summary>Addresses of trusted proxies (<c>10.0.0.5</c>); nothing else may say who the client is.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form (<c>172.28.0.0/16</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>How the host starts: where it finds its settings, where it listens, what it believes and what it never logs.</summary>
internal static class HostSetup
{
    public const string DefaultUrls = "http://localhost:5080";

    /// <summary>
    /// Categories that write request targets (with query strings such as <c>q=13912345678</c>) or
    /// request values: silenced at every level and for every provider, whatever the settings say.
    /// </summary>
    public static readonly IReadOnlyList<string> PersonalDataCategories =
    [
        "Microsoft.AspNetCore.Hosting.Diagnostics",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.Server.Kestrel.BadRequests",
        "Microsoft.AspNetCore.Http.RequestDelegateFactory",
        "Microsoft.AspNetCore.Routing.EndpointMiddleware",
    ];

    /// <summary>
    /// The settings live beside the host's dll: started as <c>dotnet /path/Scrm.Host.dll</c> from any
    /// folder, it reads its own <c>appsettings.json</c>. A working folder that holds the host's
    /// settings itself (<c>dotnet run</c> in the project) keeps being the content root.
    /// </summary>
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
    };

    /// <summary>
    /// Listens where the environment says (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>HTTP_PORTS</c>, Kestrel
    /// endpoints); only when nothing says anything, on <see cref="DefaultUrls"/>. (A <c>Urls</c> in
    /// appsettings.json would win over the container's <c>ASPNETCORE_URLS</c>, so there is none.)
    /// </summary>
    public static void ListenByDefault(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }
    }

    /// <summary>Silences <see cref="PersonalDataCategories"/> for every logging provider, after every other rule.</summary>
    public static void KeepPersonalDataOutOfLogs(IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
            foreach (var provider in providers)
            {
                foreach (var category in PersonalDataCategories)
                {
                    options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.None, null));
                }
            }
        });

    /// <summary>
    /// Reads forwarded headers only when proxies are configured: the middleware believes everyone
    /// when its lists are empty, so without configured proxies it is not in the pipeline at all.
    /// </summary>
    public static void UseTrustedProxies(WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        if (proxies.KnownProxies.Count + proxies.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }
    }

    /// <summary>Believes <c>X-Forwarded-For</c>/<c>-Proto</c> only from the configured proxies; with none, from nobody.</summary>
    public static void AddTrustedProxies(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>()
            .Bind(configuration.GetSection(ProxyOptions.Section))
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Every Scrm:Http:KnownProxies:N must be an IP address.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Every Scrm:Http:KnownNetworks:N must be a network in CIDR form, e.g. 172.28.0.0/16.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }
}
