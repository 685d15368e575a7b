using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scrm.Leads.Routing;

/// <summary>What routing can do with the configured teams: said at start and in <c>/health/ready</c>, so a trial without a team does not pool every lead silently.</summary>
internal static partial class RoutingSetup
{
    public const string NoTeam =
        "No sales team is configured (Scrm:Leads:Teams): every lead goes to the shared pool (公海) until one is. See the README for a minimal team.";

    public static string Describe(LeadsOptions options) => options.Teams.Count == 0
        ? NoTeam
        : $"{options.Teams.Count} sales team(s) with {options.Teams.Sum(t => t.Reps.Count)} rep(s), {options.Rules.Count} routing rule(s)"
          + (options.DefaultTeam is null ? "; leads no rule matches go to the shared pool." : $"; leads no rule matches go to {options.DefaultTeam}.");

    /// <summary>Where leads go, as the readiness check's description; a missing team is a setup matter, not unreadiness.</summary>
    internal sealed class Check(IOptionsMonitor<LeadsOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(HealthCheckResult.Healthy(Describe(options.CurrentValue)));
    }

    /// <summary>Says at start where leads will go.</summary>
    internal sealed partial class Notice(IOptions<LeadsOptions> options, ILogger<Notice> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.Teams.Count == 0)
            {
                LogNoTeam(log, NoTeam);
            }
            else
            {
                var description = Describe(options.Value);
                LogTeams(log, description);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
        private static partial void LogNoTeam(ILogger logger, string message);

        [LoggerMessage(Level = LogLevel.Information, Message = "Lead routing: {Message}")]
        private static partial void LogTeams(ILogger logger, string message);
    }
}
