using Scrm.Connectors.Web;
using Scrm.Host;
using Scrm.Ingestion;
using Scrm.Platform.Http;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;
using Scrm.Search;

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
    .AddScrmSearch(builder.Configuration);
builder.Services.AddOpenApi();

var app = builder.Build();
await app.Services.MigrateScrmStorageAsync();
app.Services.GetRequiredService<ApiKeyStore>();

app.UseScrmProblemDetails();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapScrmHealth();
app.MapJournalApi();
app.MapWebConnector();
app.MapSearchApi();

await app.RunAsync();

/// <summary>The host's entry point, visible to the in-process test host.</summary>
public partial class Program;
