using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Connectors.Sdk.Outbound;
using Scrm.Connectors.Weibo.Accounts;
using Scrm.Connectors.Weibo.Outbound;
using Scrm.Connectors.Weibo.Polling;
using Scrm.Connectors.Weibo.Storage;
using Scrm.Platform.Storage;

namespace Scrm.Connectors.Weibo;

/// <summary>Weibo: mentions and comments polled on a schedule per account, from a persisted checkpoint; public replies to them sent once per key.</summary>
public static class WeiboConnectorModule
{
    public static IServiceCollection AddScrmWeiboConnector(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WeiboOptions.Section);
        services.AddOptions<WeiboOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeiboOptions>, WeiboOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<WeiboDbContext, SqliteWeiboDbContext, PostgresWeiboDbContext>("weibo");
        services.AddHttpClient(WeiboApiClient.HttpClientName, (sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<WeiboOptions>>().Value.ApiBaseUrl;
            http.Timeout = TimeSpan.FromSeconds(20);
        }).RemoveAllLoggers(); // Request URIs carry access tokens (and WeCom's secret): the client logs nothing.
        services.AddSingleton<WeiboApiClient>();
        services.AddSingleton<OutboundLedger<WeiboDbContext>>();
        services.AddSingleton<IOutboundChannel, WeiboSender>();
        services.AddSingleton<WeiboPoller>();

        var accounts = section.Get<WeiboOptions>()?.Accounts ?? [];
        services.AddQuartz(q =>
        {
            foreach (var (name, account) in accounts)
            {
                var job = new JobKey($"weibo-poll-{name}", "connectors");
                q.AddJob<WeiboPollJob>(j => j.WithIdentity(job).UsingJobData(WeiboPollJob.AccountKey, name));
                q.AddTrigger(t => t.ForJob(job).WithIdentity($"weibo-poll-{name}", "connectors").StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(account.PollInterval > TimeSpan.Zero ? account.PollInterval : TimeSpan.FromMinutes(1)).RepeatForever()));
            }
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWeiboConnector(this IEndpointRouteBuilder app)
    {
        app.MapWeiboPoll();
        return app;
    }
}
