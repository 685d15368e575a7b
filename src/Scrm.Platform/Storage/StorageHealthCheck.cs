using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scrm.Platform.Storage;

/// <summary>Ready only when the system of record answers a query.</summary>
internal sealed class StorageHealthCheck(ScrmDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer.", ex);
        }
    }
}
