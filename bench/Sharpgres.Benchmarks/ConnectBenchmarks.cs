using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Sharpgres.Benchmarks;

/// <summary>connect: open a TCP connection, authenticate with SCRAM-SHA-256, close. No pooling.</summary>
public class ConnectBenchmarks
{
    private string _npgsqlConnectionString = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ = BenchServer.Conninfo;
        _npgsqlConnectionString = new NpgsqlConnectionStringBuilder(BenchServer.NpgsqlBase) { Pooling = false }.ConnectionString;
    }

    [Benchmark, Workload("connect", Drivers.Sharpgres, "ops")]
    public void Sharpgres()
    {
        using var conn = BenchServer.ConnectSharpgres();
    }

    [Benchmark, Workload("connect", Drivers.Npgsql, "ops")]
    public void Npgsql()
    {
        using var conn = new NpgsqlConnection(_npgsqlConnectionString);
        conn.Open();
    }
}
