using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Scrm.Customers.Model;

/// <summary>
/// Bulk writes for the resolution hot path, inside the context's transaction, instead of one
/// tracked entity each: on PostgreSQL multi-row INSERTs of 200 rows per round trip; on SQLite one
/// prepared statement run per row with its values bound by position. Columns, names and value
/// conversions come from the EF model, so the rows are stored exactly as EF Core would store them.
/// </summary>
internal static class BulkInsert
{
    private const int RowsPerStatement = 200;

    public static async Task InsertAsync<TRow>(CustomersDbContext db, IReadOnlyList<TRow> rows, CancellationToken cancellationToken)
        where TRow : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException(typeof(TRow).Name + " is not mapped.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // Database-generated keys (identity columns) are left out; client-generated ones (UUIDv7) are written.
        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never || p.ClrType == typeof(Guid)).ToArray();
        var names = string.Join(", ", columns.Select(c => c.GetColumnName(table)));
        var mappings = columns.Select(c => c.GetRelationalTypeMapping()).ToArray();
        var getters = columns.Select(c => c.PropertyInfo!).ToArray();

        var connection = db.Database.GetDbConnection();
        if (connection is SqliteConnection sqlite)
        {
            // SQLite: one prepared single-row statement, its values bound by position (ADO.NET
            // binds every parameter by name on every execution, which was most of the cost).
            var placeholders = string.Join(", ", columns.Select((_, i) => "?" + (i + 1).ToString(CultureInfo.InvariantCulture)));
            using var statement = Prepare(sqlite, $"INSERT INTO {entity.GetTableName()} ({names}) VALUES ({placeholders})");
            foreach (var row in rows)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    Bind(sqlite, statement, c + 1, ProviderValue(mappings[c], getters[c].GetValue(row)));
                }

                Step(sqlite, statement);
            }

            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            var sql = new StringBuilder($"INSERT INTO {entity.GetTableName()} ({names}) VALUES ");
            command.Parameters.Clear();
            var n = 0;
            for (var r = 0; r < count; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = "@p" + n++.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    sql.Append(c == 0 ? name : ", " + name);
                    command.Parameters.Add(mappings[c].CreateParameter(command, name, getters[c].GetValue(rows[start + r]), columns[c].IsNullable));
                }

                sql.Append(')');
            }

            var text = sql.ToString();
            if (command.CommandText != text)
            {
                command.CommandText = text;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes the tracked, modified <typeparamref name="TRow"/>s with one UPDATE per row naming only
    /// the changed columns (the same few on the hot path, so the statement is prepared once), then
    /// accepts the changes so SaveChanges does not write them again.
    /// </summary>
    public static async Task UpdateModifiedAsync<TRow>(CustomersDbContext db, CancellationToken cancellationToken)
        where TRow : class
    {
        var entries = db.ChangeTracker.Entries<TRow>().Where(e => e.State == EntityState.Modified).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(TRow))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var connection = db.Database.GetDbConnection();
        var sqlite = connection as SqliteConnection;
        // Positional on SQLite (bound by index below), named on PostgreSQL.
        string Placeholder(int i) => sqlite is not null ? "?" + (i + 1).ToString(CultureInfo.InvariantCulture) : "@p" + i.ToString(CultureInfo.InvariantCulture);
        var statements = new Dictionary<string, sqlite3_stmt>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        try
        {
            foreach (var entry in entries)
            {
                var changed = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).Append(key).ToList();
                var sql = new StringBuilder($"UPDATE {entity.GetTableName()} SET ");
                for (var i = 0; i < changed.Count - 1; i++)
                {
                    sql.Append(i == 0 ? "" : ", ").Append(changed[i].GetColumnName(table)).Append(" = ").Append(Placeholder(i));
                }

                sql.Append(" WHERE ").Append(key.GetColumnName(table)).Append(" = ").Append(Placeholder(changed.Count - 1));
                var text = sql.ToString();
                if (sqlite is not null)
                {
                    if (!statements.TryGetValue(text, out var statement))
                    {
                        statements[text] = statement = Prepare(sqlite, text);
                    }

                    for (var i = 0; i < changed.Count; i++)
                    {
                        Bind(sqlite, statement, i + 1, ProviderValue(changed[i].GetRelationalTypeMapping(), entry.CurrentValues[changed[i]]));
                    }

                    Step(sqlite, statement);
                }
                else
                {
                    command.Parameters.Clear();
                    for (var i = 0; i < changed.Count; i++)
                    {
                        command.Parameters.Add(changed[i].GetRelationalTypeMapping().CreateParameter(command, Placeholder(i), entry.CurrentValues[changed[i]], changed[i].IsNullable));
                    }

                    if (command.CommandText != text)
                    {
                        command.CommandText = text;
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                entry.OriginalValues.SetValues(entry.CurrentValues);
                entry.State = EntityState.Unchanged;
            }
        }
        finally
        {
            foreach (var statement in statements.Values)
            {
                statement.Dispose();
            }
        }
    }

    private static sqlite3_stmt Prepare(SqliteConnection connection, string sql)
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out var statement);
        Check(connection, rc);
        return statement;
    }

    /// <summary>The value as the column stores it, after the model's value converter if it has one.</summary>
    private static object? ProviderValue(RelationalTypeMapping mapping, object? value) =>
        value is not null && mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;

    /// <summary>Binds a provider value the way Microsoft.Data.Sqlite stores it for EF Core (GUIDs as upper-case text).</summary>
    private static void Bind(SqliteConnection connection, sqlite3_stmt statement, int index, object? value) => Check(connection, value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        string text => raw.sqlite3_bind_text(statement, index, text),
        long number => raw.sqlite3_bind_int64(statement, index, number),
        int number => raw.sqlite3_bind_int64(statement, index, number),
        bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
        double real => raw.sqlite3_bind_double(statement, index, real),
        Guid id => raw.sqlite3_bind_text(statement, index, id.ToString().ToUpperInvariant()),
        _ => throw new NotSupportedException($"Bulk insert cannot bind a {value.GetType().Name}."),
    });

    private static void Step(SqliteConnection connection, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(connection, rc);
        }
    }

    private static void Check(SqliteConnection connection, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc, raw.sqlite3_extended_errcode(connection.Handle));
        }
    }
}
