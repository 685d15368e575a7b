using Scrm.Access;
using Scrm.Campaigns;
using Scrm.Connectors.Crawler;
using Scrm.Connectors.Web;
using Scrm.Connectors.WeChat;
using Scrm.Connectors.WeCom;
using Scrm.Connectors.Weibo;
using Scrm.Community;
using Scrm.Community.Api;
using Scrm.Customers;
using Scrm.Host;
using Scrm.Ingestion;
using Scrm.Leads;
using Scrm.Leads.Api;
using Scrm.Platform.Consistency;
using Scrm.Platform.Faults;
using Scrm.Platform.Http;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Storage;
using Scrm.Search;
using Scrm.Web;
using Scrm.Workflows;
using Scrm.Workflows.Definitions;

if (args is ["healthcheck", ..])
{
    // The container's HEALTHCHECK: the image has no curl, so the host asks itself.
    return await HealthProbe.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(HostSetup.Options(args));
HostSetup.ListenByDefault(builder);
// The web app's files (its own, MudBlazor's, Blazor's) from their build locations in every environment; a published app has them in wwwroot.
builder.WebHost.UseStaticWebAssets();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
    kestrel.ConfigureEndpointDefaults(Utf8RequestTargets.Use);
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
HostSetup.KeepPersonalDataOutOfLogs(builder.Services);
HostSetup.AddTrustedProxies(builder.Services, builder.Configuration);

builder.Services
    .AddScrmStorage(builder.Configuration)
    .AddScrmAccess(builder.Configuration)
    .AddScrmProblemDetails()
    .AddScrmScheduling(builder.Configuration)
    .AddScrmConsistency(builder.Configuration)
    .AddScrmIngestion(builder.Configuration)
    .AddScrmWebConnector(builder.Configuration)
    .AddScrmWeChatConnector(builder.Configuration)
    .AddScrmWeComConnector(builder.Configuration)
    .AddScrmWeiboConnector(builder.Configuration)
    .AddScrmCrawlerConnector(builder.Configuration)
    .AddScrmCustomers(builder.Configuration)
    .AddScrmLeads(builder.Configuration)
    .AddScrmCommunity(builder.Configuration)
    .AddScrmCampaigns(builder.Configuration)
    .AddScrmWorkflows(builder.Configuration)
    .AddScrmSearch(builder.Configuration)
    .AddScrmWeb();
builder.Services.AddOpenApi(OpenApiProblems.Describe);

var app = builder.Build();
await app.Services.MigrateScrmStorageAsync();
await app.Services.ImportShippedWorkflowsAsync(Path.Combine(AppContext.BaseDirectory, "workflows", "definitions"));

HostSetup.UseTrustedProxies(app);
app.UseScrmProblemDetails();
app.UseScrmAccess();

// The API's description is public: it names endpoints, never data.
app.MapOpenApi().AllowAnonymous();
app.Map(Utf8RequestTargets.InvalidTargetPath, (HttpContext http) => TypedResults.Problem(
    Utf8RequestTargets.InvalidTarget.In(http), statusCode: StatusCodes.Status400BadRequest))
    .ExcludeFromDescription().AllowAnonymous();
app.MapScrmHealth();
app.MapScrmFaultInjection();
app.MapAccessApi();
app.MapJournalApi();
app.MapConsistencyApi();
app.MapStorageApi();
app.MapWebConnector();
app.MapWeChatConnector();
app.MapWeComConnector();
app.MapWeiboConnector();
app.MapCrawlerConnector();
app.MapCustomersApi();
app.MapLeadsApi();
app.MapCommunityApi();
app.MapCampaignsApi();
app.MapWorkflowsApi();
app.MapSearchApi();
app.MapScrmWeb();

await app.RunAsync();
return 0;

/// <summary>The host's entry point, visible to the in-process test host.</summary>
public partial class Program;
