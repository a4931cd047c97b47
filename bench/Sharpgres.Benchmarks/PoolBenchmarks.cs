using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;
using Sharpgres.Pool;

namespace Sharpgres.Benchmarks;

/// <summary>
/// pool_checkout: one thread, warm pool: take a connection, SELECT 1, give it back (Sharpgres' ConnectionPool vs
/// Npgsql's pooled NpgsqlDataSource, both autocommit, both holding 1-4 warm connections).
/// pool_contended: 64 tasks over a pool of 16, each checkout running a point query; figures per checkout.
/// The p50/p99 of the wait for a connection come from the probe (<c>pool-wait</c>, see <see cref="PoolProbe"/>).
/// </summary>
public class PoolBenchmarks
{
    private const int Checkouts = 1000;
    internal const int Tasks = 64, PoolSize = 16, CheckoutsPerTask = 200;

    private ConnectionPool _pool = null!;
    private ConnectionPool _contended = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlDataSource _contendedSource = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pool = CreateSharpgres(4);
        _contended = CreateSharpgres(PoolSize);
        _dataSource = CreateNpgsql(4);
        _contendedSource = CreateNpgsql(PoolSize);
        // Warm both: every connection opened, the statement known.
        SharpgresCheckout();
        NpgsqlCheckout();
        SharpgresContended().GetAwaiter().GetResult();
        NpgsqlContended().GetAwaiter().GetResult();
    }

    internal static ConnectionPool CreateSharpgres(int size)
    {
        var pool = new ConnectionPool(BenchServer.Conninfo + " sslmode=disable", minSize: size, maxSize: size, autocommit: true,
            timeout: TimeSpan.FromSeconds(60));
        pool.Wait(TimeSpan.FromSeconds(60));
        return pool;
    }

    internal static NpgsqlDataSource CreateNpgsql(int size)
    {
        var csb = new NpgsqlConnectionStringBuilder(BenchServer.NpgsqlBase)
        {
            MaxAutoPrepare = 20, AutoPrepareMinUsages = 2, Pooling = true, MinPoolSize = size, MaxPoolSize = size, Timeout = 60,
        };
        return NpgsqlDataSource.Create(csb.ConnectionString);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _contended.Dispose();
        _dataSource.Dispose();
        _contendedSource.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Checkouts), Workload("pool_checkout", Drivers.Sharpgres, "ops")]
    public int SharpgresCheckout()
    {
        var sum = 0;
        for (var i = 0; i < Checkouts; i++)
        {
            using var conn = _pool.Connection();
            sum += conn.Execute("SELECT 1").FetchOne<int>();
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Checkouts), Workload("pool_checkout", Drivers.Npgsql, "ops")]
    public int NpgsqlCheckout()
    {
        var sum = 0;
        for (var i = 0; i < Checkouts; i++)
        {
            using var conn = _dataSource.OpenConnection();
            using var cmd = new NpgsqlCommand("SELECT 1", conn);
            sum += (int)cmd.ExecuteScalar()!;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Tasks * CheckoutsPerTask), Workload("pool_contended", Drivers.Sharpgres, "ops", Connections = PoolSize)]
    public Task SharpgresContended() => RunSharpgresContended(_contended, CheckoutsPerTask, null);

    [Benchmark(OperationsPerInvoke = Tasks * CheckoutsPerTask), Workload("pool_contended", Drivers.Npgsql, "ops", Connections = PoolSize)]
    public Task NpgsqlContended() => RunNpgsqlContended(_contendedSource, CheckoutsPerTask, null);

    /// <summary>64 tasks, <paramref name="perTask"/> checkouts each with a point query; waits (ticks) recorded when <paramref name="waits"/> is given.</summary>
    internal static Task RunSharpgresContended(ConnectionPool pool, int perTask, long[][]? waits) =>
        Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            long sum = 0;
            for (var i = 0; i < perTask; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await using var conn = await pool.ConnectionAsync();
                if (waits is not null) waits[t][i] = Stopwatch.GetTimestamp() - start;
                var cur = await conn.ExecuteAsync("SELECT %s::int4 + 1", [i]);
                sum += cur.FetchOne<int>();
            }
            return sum;
        })));

    internal static Task RunNpgsqlContended(NpgsqlDataSource source, int perTask, long[][]? waits) =>
        Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            long sum = 0;
            for (var i = 0; i < perTask; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await using var conn = await source.OpenConnectionAsync();
                if (waits is not null) waits[t][i] = Stopwatch.GetTimestamp() - start;
                await using var cmd = new NpgsqlCommand("SELECT $1::int4 + 1", conn)
                {
                    Parameters = { new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer, TypedValue = i } },
                };
                await using var reader = await cmd.ExecuteReaderAsync();
                await reader.ReadAsync();
                sum += reader.GetInt32(0);
            }
            return sum;
        })));
}
