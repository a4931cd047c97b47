using Npgsql;
using NpgsqlTypes;
using Sharpgres.Pool;

namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>
/// Point-query latency against the number of tasks sharing a pool of <see cref="Curves.PoolSize"/> connections
/// (issue 17 §4): each query a checkout (Sharpgres <c>pool.ConnectionAsync()</c>, Npgsql <c>OpenConnectionAsync</c>
/// on a data source of the same size), an async point query, a return.
/// </summary>
internal static class PoolCurve
{
    public static Suite Suite()
    {
        ConnectionPool? pool = null;
        NpgsqlDataSource? source = null;
        var workloads = Curves.PoolTasks.Select(n => new WorkloadSpec($"pool point latency, {n} task{(n == 1 ? "" : "s")}", "ops",
        [
            new Side(Drivers.Sharpgres) { Round = ms => Curves.LatencyRound(Enumerable.Range(0, n).Select(_ => SharpgresLoop(pool!)).ToArray(), ms) },
            new Side(Drivers.Npgsql) { Round = ms => Curves.LatencyRound(Enumerable.Range(0, n).Select(_ => NpgsqlLoop(source!)).ToArray(), ms) },
        ], group: "pool", x: n)).ToList();
        return new Suite("PoolCurve", () =>
        {
            pool = new ConnectionPool(BenchServer.Conninfo + " sslmode=disable", minSize: Curves.PoolSize, maxSize: Curves.PoolSize,
                autocommit: true, timeout: TimeSpan.FromSeconds(60));
            pool.Wait(TimeSpan.FromSeconds(60));
            source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchServer.NpgsqlBase)
            {
                MaxAutoPrepare = 20, AutoPrepareMinUsages = 2, Pooling = true, MinPoolSize = Curves.PoolSize, MaxPoolSize = Curves.PoolSize, Timeout = 60,
            }.ConnectionString);
        }, () =>
        {
            pool?.Dispose();
            source?.Dispose();
        }, workloads);
    }

    private static Curves.Loop SharpgresLoop(ConnectionPool pool) => async (deadline, latencies) =>
    {
        var i = 0;
        while (true)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            if (start >= deadline) return;
            await using (var conn = await pool.ConnectionAsync().ConfigureAwait(false))
            {
                var cur = await conn.ExecuteAsync("SELECT %s::int4 + 1", [i++]).ConfigureAwait(false);
                _ = cur.FetchOne<int>();
            }
            latencies.Add(System.Diagnostics.Stopwatch.GetTimestamp() - start);
        }
    };

    private static Curves.Loop NpgsqlLoop(NpgsqlDataSource source) => async (deadline, latencies) =>
    {
        var i = 0;
        while (true)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            if (start >= deadline) return;
            await using (var conn = await source.OpenConnectionAsync().ConfigureAwait(false))
            await using (var cmd = new NpgsqlCommand("SELECT $1::int4 + 1", conn)
            {
                Parameters = { new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = i++ } },
            })
            await using (var reader = await cmd.ExecuteReaderAsync().ConfigureAwait(false))
            {
                await reader.ReadAsync().ConfigureAwait(false);
                _ = reader.GetInt32(0);
            }
            latencies.Add(System.Diagnostics.Stopwatch.GetTimestamp() - start);
        }
    };
}
