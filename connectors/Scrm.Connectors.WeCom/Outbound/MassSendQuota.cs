using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Scrm.Connectors.WeCom.Storage;
using Scrm.Platform.Calendar;

namespace Scrm.Connectors.WeCom.Outbound;

/// <summary>
/// The monthly per-customer mass-send limit. A send reserves one of each recipient's messages for
/// the month in one atomic upsert (so concurrent sends cannot both take the last one); recipients
/// already at the limit are left out; reservations the channel did not use are given back.
/// </summary>
internal sealed class MassSendQuota(IDbContextFactory<WeComDbContext> contexts)
{
    /// <summary>The calendar month the platform counts in (China time), as <c>yyyy-MM</c>.</summary>
    public static string Month(DateTimeOffset now) => now.ToOffset(ChinaTime.Offset).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reserves a message for each recipient under the limit; returns those that got one.</summary>
    public async Task<IReadOnlyList<string>> ReserveAsync(string account, IReadOnlyList<string> recipients, string month, int limit, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction,
            $"""
            INSERT INTO {WeComDbContext.MassSendCountsTable} (account, external_user_id, month, count) VALUES (@account, @user, @month, 1)
            ON CONFLICT (account, external_user_id, month) DO UPDATE SET count = {WeComDbContext.MassSendCountsTable}.count + 1
            WHERE {WeComDbContext.MassSendCountsTable}.count < @limit
            RETURNING count
            """, ("account", DbType.String, account), ("user", DbType.String, ""), ("month", DbType.String, month), ("limit", DbType.Int32, limit));
        var reserved = new List<string>(recipients.Count);
        foreach (var user in recipients.Distinct(StringComparer.Ordinal))
        {
            command.Parameters["user"].Value = user;
            if (await command.ExecuteScalarAsync(cancellationToken) is not null)
            {
                reserved.Add(user);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return reserved;
    }

    /// <summary>Gives back reservations for recipients the channel did not send to.</summary>
    public async Task ReleaseAsync(string account, IEnumerable<string> recipients, string month)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await using var command = Command(connection, transaction,
            $"UPDATE {WeComDbContext.MassSendCountsTable} SET count = count - 1 WHERE account = @account AND external_user_id = @user AND month = @month AND count > 0",
            ("account", DbType.String, account), ("user", DbType.String, ""), ("month", DbType.String, month));
        foreach (var user in recipients)
        {
            command.Parameters["user"].Value = user;
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql, params (string Name, DbType Type, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, type, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
