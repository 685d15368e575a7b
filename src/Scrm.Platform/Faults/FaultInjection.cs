using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scrm.Platform.Security;

namespace Scrm.Platform.Faults;

/// <summary><c>Scrm:FaultInjection</c>: crash points for crash tests. Off unless a test host turns it on; refused in Production.</summary>
internal sealed class FaultInjectionOptions
{
    public const string Section = "Scrm:FaultInjection";

    public bool Enabled { get; set; }

    /// <summary>A crash point armed from the start (<c>name</c> or <c>name#N</c> for its Nth arrival), e.g. during the catch-up after a restart.</summary>
    public string? CrashAt { get; set; }
}

/// <summary>What a crash test sends to arm a point at run time.</summary>
internal sealed record CrashPointRequest(string Point, int Arrival = 1);

public static partial class FaultInjection
{
    /// <summary>
    /// When <c>Scrm:FaultInjection:Enabled</c> is true (never in Production): arms
    /// <c>Scrm:FaultInjection:CrashAt</c> and maps <c>POST /api/v1/fault-injection/crash-point</c>
    /// (admin), which arms a point at run time. Otherwise maps nothing and arms nothing.
    /// </summary>
    public static IEndpointRouteBuilder MapScrmFaultInjection(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IConfiguration>().GetSection(FaultInjectionOptions.Section).Get<FaultInjectionOptions>();
        if (options is not { Enabled: true })
        {
            return app;
        }

        if (app.ServiceProvider.GetRequiredService<IHostEnvironment>().IsProduction())
        {
            throw new InvalidOperationException("Scrm:FaultInjection is for crash tests and is refused in the Production environment.");
        }

        var log = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FaultInjection));
        if (options.CrashAt is { Length: > 0 } crashAt)
        {
            var (point, arrival) = CrashPoints.Parse(crashAt);
            CrashPoints.Arm(point, arrival);
            LogArmed(log, point, arrival);
        }

        app.MapPost("/api/v1/fault-injection/crash-point", (CrashPointRequest request, ILoggerFactory logs) => Arm(request, logs))
            .RequireAuthorization(ScrmPolicies.Admin)
            .ExcludeFromDescription();
        return app;
    }

    private static Results<NoContent, ValidationProblem> Arm(CrashPointRequest request, ILoggerFactory logs)
    {
        if (string.IsNullOrWhiteSpace(request.Point) || request.Arrival < 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["point"] = ["A crash point name and an arrival of 1 or more are required."] });
        }

        CrashPoints.Arm(request.Point, request.Arrival);
        LogArmed(logs.CreateLogger(typeof(FaultInjection)), request.Point, request.Arrival);
        return TypedResults.NoContent();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fault injection: the process ends at crash point '{Point}' (arrival {Arrival})")]
    private static partial void LogArmed(ILogger logger, string point, int arrival);
}
