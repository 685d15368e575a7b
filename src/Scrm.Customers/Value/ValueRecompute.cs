using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scrm.Customers.Model;
using Scrm.Platform.Storage;

namespace Scrm.Customers.Value;

/// <summary>What a full recompute did.</summary>
internal sealed record RecomputeReport(int Scored, int Changed, TimeSpan Elapsed);

/// <summary>
/// The full recompute: new quintile cut points over every customer who ordered, recency decayed to
/// today, scores and tiers written where they changed. Reads and writes with plain commands
/// (a measured hot path over the whole table); the decisions are <see cref="ValueModel"/>'s.
/// </summary>
internal sealed partial class ValueRecompute(ScrmDatabase database, IOptions<ValueOptions> options, TimeProvider time, ILogger<ValueRecompute> log)
{
    public async Task<RecomputeReport> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var needsFields = options.Value.Indicators.Exists(i => i.Source.StartsWith("field:", StringComparison.Ordinal));
        await using var connection = await database.OpenConnectionAsync(cancellationToken);

        var ids = new List<object>();
        var inputs = new List<ValueInput>();
        var current = new List<(int R, int F, int M, string? Tier, double? Score)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT id, order_count, monetary_cents, last_order_at, r_score, f_score, m_score, tier, score{(needsFields ? ", custom_fields" : "")} "
                + "FROM customers WHERE status = 'active' AND order_count > 0";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetValue(0));
                inputs.Add(new ValueInput(reader.GetInt32(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    needsFields && !reader.IsDBNull(9) ? ProfileUpdate.ReadFields(reader.GetString(9)) : null));
                current.Add((reader.GetInt32(4), reader.GetInt32(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                    reader.IsDBNull(8) ? null : reader.GetDouble(8)));
            }
        }

        var recency = new double[inputs.Count];
        var frequency = new double[inputs.Count];
        var monetary = new double[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            recency[i] = ValueModel.RecencyDays(inputs[i].LastOrderAt ?? now, now);
            frequency[i] = inputs[i].Orders;
            monetary[i] = inputs[i].MonetaryCents;
        }

        var cuts = ValueModel.Cuts(recency, frequency, monetary);
        var changed = 0;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE customers SET r_score = @r, f_score = @f, m_score = @m, score = @s, tier = @t, scored_at = @at, updated_at = @at WHERE id = @id";
            var p = new[] { Add(update, "@r"), Add(update, "@f"), Add(update, "@m"), Add(update, "@s"), Add(update, "@t"), Add(update, "@at"), Add(update, "@id") };
            (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value, p[5].Value) = (0, 0, 0, 0.0, "", now);
            p[6].Value = ids.Count > 0 ? ids[0] : DBNull.Value;
            await update.PrepareAsync(cancellationToken);
            for (var i = 0; i < inputs.Count; i++)
            {
                var score = ValueModel.Score(inputs[i], cuts, options.Value, now);
                var was = current[i];
                if (was.R == score.R && was.F == score.F && was.M == score.M && was.Tier == score.Tier && was.Score == score.Score)
                {
                    continue;
                }

                p[0].Value = score.R;
                p[1].Value = score.F;
                p[2].Value = score.M;
                p[3].Value = score.Score;
                p[4].Value = (object?)score.Tier ?? DBNull.Value;
                p[6].Value = ids[i];
                await update.ExecuteNonQueryAsync(cancellationToken);
                changed++;
            }
        }

        await using (var state = connection.CreateCommand())
        {
            state.Transaction = transaction;
            state.CommandText = "DELETE FROM customer_value_state WHERE name = @n; INSERT INTO customer_value_state (name, state, computed_at) VALUES (@n, @s, @at)";
            Add(state, "@n").Value = ValueScorer.CutsName;
            Add(state, "@s").Value = JsonSerializer.Serialize(cuts, CustomersJson.Default.RfmCuts);
            Add(state, "@at").Value = now;
            await state.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        var report = new RecomputeReport(inputs.Count, changed, watch.Elapsed);
        LogRecomputed(log, report.Scored, report.Changed, (long)report.Elapsed.TotalMilliseconds);
        return report;
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Value recompute scored {Scored} customers, {Changed} changed, in {Milliseconds} ms")]
    private static partial void LogRecomputed(ILogger logger, int scored, int changed, long milliseconds);
}
