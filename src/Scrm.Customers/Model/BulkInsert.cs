using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Scrm.Customers.Model;

/// <summary>
/// Multi-row INSERTs for the resolution hot path, inside the context's transaction: one statement
/// per 200 rows instead of one tracked entity each. Columns, names and parameter types come from
/// the EF model, so the rows are stored exactly as EF Core would store them.
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
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        // SQLite binds parameters by name with a linear search, so many-row statements cost quadratic
        // time there: it gets one prepared single-row statement, run per row. PostgreSQL gets 200 rows per round trip.
        var perStatement = db.Database.IsNpgsql() ? RowsPerStatement : 1;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
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
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var entry in entries)
        {
            var changed = entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata).ToList();
            var sql = new StringBuilder($"UPDATE {entity.GetTableName()} SET ");
            command.Parameters.Clear();
            for (var i = 0; i < changed.Count; i++)
            {
                var name = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append(changed[i].GetColumnName(table)).Append(" = ").Append(name);
                command.Parameters.Add(changed[i].GetRelationalTypeMapping().CreateParameter(command, name, entry.CurrentValues[changed[i]], changed[i].IsNullable));
            }

            sql.Append(" WHERE ").Append(key.GetColumnName(table)).Append(" = @key");
            command.Parameters.Add(key.GetRelationalTypeMapping().CreateParameter(command, "@key", entry.CurrentValues[key], nullable: false));
            var text = sql.ToString();
            if (command.CommandText != text)
            {
                command.CommandText = text;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
            entry.OriginalValues.SetValues(entry.CurrentValues);
            entry.State = EntityState.Unchanged;
        }
    }

    internal static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }
}
