using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Scrm.Platform.Storage;

/// <summary>
/// Per-connection SQLite settings. <c>busy_timeout</c> lets SQLite wait for the write lock with its
/// own short back-off instead of failing fast into the provider's coarse retry sleep, which is what
/// writers from several modules meet when they commit at the same moment.
/// </summary>
internal sealed class SqlitePragmas(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private readonly string _sql = $"PRAGMA busy_timeout = 30000; PRAGMA synchronous = {synchronous.ToString().ToUpperInvariant()};";

    public void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }
}
