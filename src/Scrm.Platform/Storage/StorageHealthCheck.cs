using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scrm.Platform.Storage;

/// <summary>
/// Ready only when every store in use answers a query that reads its schema (on SQLite each file:
/// the main one, the journal's, the modules' own).
/// </summary>
internal sealed class StorageHealthCheck(ScrmDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        foreach (var (name, store) in database.Stores)
        {
            try
            {
                await using var connection = await store.OpenConnectionAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = store.IsPostgres ? "SELECT 1" : "SELECT count(*) FROM sqlite_master";
                await command.ExecuteScalarAsync(cancellationToken);
                names.Add(name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"{database.Provider} store '{name}' does not answer.", ex);
            }
        }

        return HealthCheckResult.Healthy($"{database.Provider} answers ({string.Join(", ", names)}).");
    }
}
