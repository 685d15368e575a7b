using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;
using Scrm.Customers.Api;
using Scrm.Customers.Identity;
using Scrm.Customers.Merging;
using Scrm.Customers.Model;
using Scrm.Customers.Orders;
using Scrm.Customers.Value;
using Scrm.Customers.View;
using Scrm.Ingestion;
using Scrm.Platform.Effects;
using Scrm.Platform.Audit;
using Scrm.Platform.Scheduling;
using Scrm.Platform.Security;
using Scrm.Platform.Storage;

namespace Scrm.Customers;

public static partial class CustomersModule
{
    /// <summary>The name of the journal consumer that resolves items onto customers (its checkpoint's key).</summary>
    public const string ResolutionConsumer = "customers.resolution";

    /// <summary>The shared customer model: its tables, identity resolution over the journal, merges, orders and value scoring.</summary>
    public static IServiceCollection AddScrmCustomers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResolutionOptions>().Bind(configuration.GetSection(ResolutionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ValueOptions>().Bind(configuration.GetSection(ValueOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Indicators.Count > 0 && o.Indicators.Sum(i => i.Weight) > 0, "Scrm:Customers:Value:Indicators needs at least one indicator with a weight.")
            .Validate(o => o.Indicators.TrueForAll(i => i.Source is "recency" or "frequency" or "monetary" || i.Source.StartsWith("field:", StringComparison.Ordinal) && i.Max > i.Min),
                "Each Scrm:Customers:Value:Indicators source is recency, frequency, monetary or field:NAME (with Max > Min).")
            .Validate(o => Cron.IsValid(o.NightlyCron), "Scrm:Customers:Value:NightlyCron is not a valid Quartz cron expression.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScrmDbContext<CustomersDbContext, SqliteCustomersDbContext, PostgresCustomersDbContext>("customers");
        services.AddEffectOutcomes<CustomersDbContext>();
        services.AddSingleton<CustomerIds>();
        services.AddSingleton<Directory.CustomerDirectory>();
        services.AddSingleton<Directory.CustomerChanges>();
        services.AddSingleton<Directory.CustomerFactSheets>();
        services.AddSingleton<Directory.CustomerConsents>();
        services.AddSingleton<Directory.CustomerOrders>();
        services.AddSingleton<ResolutionGate>();
        services.AddScoped<ResolutionEngine>();
        services.AddScoped<MergeService>();
        services.AddScoped<ValueScorer>();
        services.AddScoped<ValueRecompute>();
        services.AddScoped<CustomerReader>();
        services.AddScoped<CustomerEditor>();
        services.AddScoped<CandidateFinder>();
        services.AddScoped<AuditReader>();
        services.AddScoped<OrderService>();
        services.AddScoped(sp => new ImportService(sp.GetRequiredService<CustomersDbContext>(), sp.GetRequiredService<ImportQueue>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetServices<IImportRows>()));
        services.AddScoped<CustomerExport>();
        services.AddSingleton<ImportQueue>();
        services.AddHostedService<ImportWorker>();
        services.AddJournalConsumer<ResolutionHandler>();
        services.AddScrmAudit(configuration);
        services.AddScrmAuditOutbox<CustomersDbContext>();
        services.AddSingleton<IOwnerHandover, View.CustomerHandover>();
        services.AddAuthorizationBuilder()
            .AddPolicy(CustomerPolicies.Read, p => p.RequireAuthenticatedUser().RequireRole(ScrmRoles.Sales, ScrmRoles.Marketer, ScrmRoles.Community, ScrmRoles.Admin))
            .AddPolicy(CustomerPolicies.Tag, p => p.RequireAuthenticatedUser().RequireRole(ScrmRoles.Sales, ScrmRoles.Marketer, ScrmRoles.Admin))
            .AddPolicy(CustomerPolicies.Orders, p => p.RequireAuthenticatedUser().RequireRole(ScrmRoles.Ingest, ScrmRoles.Sales, ScrmRoles.Admin));

        var cron = configuration.GetSection(ValueOptions.Section)[nameof(ValueOptions.NightlyCron)] ?? new ValueOptions().NightlyCron;
        services.AddQuartz(q =>
        {
            q.AddJob<NightlyValueJob>(j => j.WithIdentity(NightlyValueJob.Key).StoreDurably());
            q.AddTrigger(t => t.ForJob(NightlyValueJob.Key).WithIdentity("customers.value.nightly.trigger", "customers").WithCronSchedule(cron));
        });
        return services;
    }

    /// <summary><c>/api/v1/customers</c> and <c>/api/v1/orders</c>.</summary>
    public static IEndpointRouteBuilder MapCustomersApi(this IEndpointRouteBuilder app)
    {
        CustomersApi.Map(app);
        OrdersApi.Map(app);
        return app;
    }

}
