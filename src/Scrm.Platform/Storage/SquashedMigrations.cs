using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace Scrm.Platform.Storage;

/// <summary>
/// Upgrades a store created by a build from before a module's migrations were squashed into one
/// baseline (ADR 0009). The old steps travel as the SQL the EF tools wrote for them, one embedded
/// <c>{context}.legacy.sql</c> per provider; a store at any old point runs the steps after it, and
/// its history then names only the baseline, which creates the same schema.
/// </summary>
internal static class SquashedMigrations
{
    private const string Marker = "-- migration: ";

    /// <summary>Brings a pre-squash store to the baseline, then applies migrations as usual.</summary>
    public static async Task MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        var legacy = Legacy(db.GetType());
        if (legacy is not null)
        {
            await UpgradeAsync(db, legacy, cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The old steps of the context's module, in order, each with its migration id; null when it was never squashed.</summary>
    internal static IReadOnlyList<(string Id, string Sql)>? Legacy(Type context)
    {
        var suffix = $".{context.Name}.legacy.sql";
        var name = context.Assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal));
        if (name is null)
        {
            return null;
        }

        using var reader = new StreamReader(context.Assembly.GetManifestResourceStream(name)!);
        var steps = new List<(string, string)>();
        string? id = null;
        var sql = new System.Text.StringBuilder();
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                if (id is not null)
                {
                    steps.Add((id, sql.ToString()));
                }

                id = line[Marker.Length..].Trim();
                sql.Clear();
            }
            else if (id is not null)
            {
                sql.AppendLine(line);
            }
        }

        if (id is not null)
        {
            steps.Add((id, sql.ToString()));
        }

        return steps;
    }

    private static async Task UpgradeAsync(DbContext db, IReadOnlyList<(string Id, string Sql)> legacy, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken))
        {
            return;
        }

        var baseline = db.Database.GetMigrations().Single();
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                // Replicas starting together: one upgrades, the others wait and then find the baseline.
                await ExecuteAsync(db, $"LOCK TABLE \"{HistoryTableName(db)}\" IN EXCLUSIVE MODE", ct);
            }

            var applied = (await history.GetAppliedMigrationsAsync(ct)).Select(r => r.MigrationId).ToList();
            if (applied.Count == 0 || applied.Contains(baseline, StringComparer.Ordinal))
            {
                return;
            }

            var last = applied.Max(StringComparer.Ordinal)!;
            var from = legacy.Select(s => s.Id).ToList().IndexOf(last);
            if (from < 0)
            {
                throw new InvalidOperationException(
                    $"存储中的迁移 {last} 不属于本版本认识的任何迁移，无法升级；请先用较早的版本升级这份数据。 " +
                    $"The store's migration {last} is not one this build knows, so it cannot be upgraded; upgrade the data with an earlier build first.");
            }

            foreach (var (_, sql) in legacy.Skip(from + 1))
            {
                await ExecuteAsync(db, sql, ct);
            }

            foreach (var id in applied)
            {
                await ExecuteAsync(db, history.GetDeleteScript(id), ct);
            }

            await ExecuteAsync(db, history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())), ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    private static string HistoryTableName(DbContext db) =>
        db.GetService<IDbContextOptions>().Extensions.OfType<RelationalOptionsExtension>().Single().MigrationsHistoryTableName
        ?? HistoryRepository.DefaultTableName;

    /// <summary>Raw text, not <c>ExecuteSqlRaw</c>: the old steps hold braces (<c>'{}'</c> defaults) that are not format items.</summary>
    private static async Task ExecuteAsync(DbContext db, string sql, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            return;
        }

        DbConnection connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
