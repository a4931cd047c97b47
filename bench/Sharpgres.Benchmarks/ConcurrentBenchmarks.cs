using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;

namespace Sharpgres.Benchmarks;

/// <summary>
/// concurrent: 32 tasks, each on its own open connection, 1,000 async point queries each. Figures are per query
/// (OperationsPerInvoke), so the rate is the total throughput.
/// </summary>
public class ConcurrentBenchmarks
{
    private const int Tasks = 32;
    private const int QueriesPerTask = 1000;

    private Connection[] _conns = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection[] _npgsql = null!;

    [GlobalSetup]
    public void Setup()
    {
        _conns = Enumerable.Range(0, Tasks).Select(_ => BenchServer.ConnectSharpgres()).ToArray();
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = Enumerable.Range(0, Tasks).Select(_ => _dataSource.OpenConnection()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var c in _conns) c.Dispose();
        foreach (var c in _npgsql) c.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Tasks * QueriesPerTask), Workload("concurrent", Drivers.Sharpgres, "ops", Connections = Tasks)]
    public Task Sharpgres() => Task.WhenAll(_conns.Select(conn => Task.Run(async () =>
    {
        var cur = conn.Cursor();
        long sum = 0;
        for (var i = 0; i < QueriesPerTask; i++)
        {
            await cur.ExecuteAsync("SELECT %s::int4 + 1", [i]);
            sum += cur.FetchOne<int>();
        }
        return sum;
    })));

    [Benchmark(OperationsPerInvoke = Tasks * QueriesPerTask), Workload("concurrent", Drivers.Npgsql, "ops", Connections = Tasks)]
    public Task Npgsql() => Task.WhenAll(_npgsql.Select(conn => Task.Run(async () =>
    {
        var param = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
        await using var cmd = new NpgsqlCommand("SELECT $1::int4 + 1", conn) { Parameters = { param } };
        long sum = 0;
        for (var i = 0; i < QueriesPerTask; i++)
        {
            param.TypedValue = i;
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            sum += reader.GetInt32(0);
        }
        return sum;
    })));
}
