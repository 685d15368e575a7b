using Scrm.Connectors.Crawler;
using Scrm.Connectors.Web;
using Scrm.Connectors.WeChat;
using Scrm.Connectors.WeCom;
using Scrm.Connectors.Weibo;
using Scrm.Customers;
using Scrm.Host;
using Scrm.Ingestion;
using Scrm.Leads;
using Scrm.Leads.Api;
using Scrm.Platform.Http;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;
using Scrm.Search;
using Scrm.Workflows;
using Scrm.Workflows.Definitions;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

builder.Services
    .AddScrmStorage(builder.Configuration)
    .AddScrmSecurity(builder.Configuration)
    .AddScrmProblemDetails()
    .AddScrmScheduling(builder.Configuration)
    .AddScrmIngestion(builder.Configuration)
    .AddScrmWebConnector(builder.Configuration)
    .AddScrmWeChatConnector(builder.Configuration)
    .AddScrmWeComConnector(builder.Configuration)
    .AddScrmWeiboConnector(builder.Configuration)
    .AddScrmCrawlerConnector(builder.Configuration)
    .AddScrmCustomers(builder.Configuration)
    .AddScrmLeads(builder.Configuration)
    .AddScrmWorkflows(builder.Configuration)
    .AddScrmSearch(builder.Configuration);
builder.Services.AddOpenApi();

var app = builder.Build();
await app.Services.MigrateScrmStorageAsync();
await app.Services.ImportShippedWorkflowsAsync(Path.Combine(AppContext.BaseDirectory, "workflows", "definitions"));
app.Services.GetRequiredService<ApiKeyStore>();

app.UseScrmProblemDetails();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapScrmHealth();
app.MapJournalApi();
app.MapWebConnector();
app.MapWeChatConnector();
app.MapWeComConnector();
app.MapWeiboConnector();
app.MapCrawlerConnector();
app.MapCustomersApi();
app.MapLeadsApi();
app.MapWorkflowsApi();
app.MapSearchApi();

await app.RunAsync();

/// <summary>The host's entry point, visible to the in-process test host.</summary>
public partial class Program;
