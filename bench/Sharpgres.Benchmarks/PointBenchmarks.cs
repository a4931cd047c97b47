using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;

namespace Sharpgres.Benchmarks;

/// <summary>
/// point: one parameterised single-row query at a time on one connection, sync and async, over loopback TCP or the
/// server's Unix socket. The "no spin" methods run the same on a connection opened with the read spin off
/// (see ReplyWait), so the interleaved runner shows what the spin buys and costs.
/// </summary>
public class PointBenchmarks
{
    /// <summary>"tcp" or "unix".</summary>
    [Params("tcp", "unix")]
    public string Transport { get; set; } = "tcp";

    private Connection _conn = null!;
    private Cursor _cur = null!;
    private Connection _noSpin = null!;
    private Cursor _noSpinCur = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;
    private NpgsqlCommand _cmd = null!;
    private NpgsqlParameter<int> _param = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _conn = BenchServer.ConnectSharpgres(transport: Transport);
        _cur = _conn.Cursor();
        Sharpgres.Protocol.ReplyWait.EnabledByDefault = false;
        try { _noSpin = BenchServer.ConnectSharpgres(transport: Transport); }
        finally { Sharpgres.Protocol.ReplyWait.EnabledByDefault = true; }
        _noSpinCur = _noSpin.Cursor();
        _dataSource = BenchServer.CreateNpgsqlDataSource(transport: Transport);
        _npgsql = _dataSource.OpenConnection();
        _param = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
        _cmd = new NpgsqlCommand("SELECT $1::int4 + 1", _npgsql) { Parameters = { _param } };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _conn.Dispose();
        _noSpin.Dispose();
        _cmd.Dispose();
        _npgsql.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark, Workload("point (sync)", Drivers.Sharpgres, "ops")]
    public int SharpgresSync()
    {
        _cur.Execute("SELECT %s::int4 + 1", _i++);
        return _cur.FetchOne<int>();
    }

    [Benchmark, Workload("point (sync)", Drivers.SharpgresNoSpin, "ops")]
    public int SharpgresSyncNoSpin()
    {
        _noSpinCur.Execute("SELECT %s::int4 + 1", _i++);
        return _noSpinCur.FetchOne<int>();
    }

    [Benchmark, Workload("point (sync)", Drivers.Npgsql, "ops")]
    public int NpgsqlSync()
    {
        _param.TypedValue = _i++;
        using var reader = _cmd.ExecuteReader();
        reader.Read();
        return reader.GetInt32(0);
    }

    [Benchmark, Workload("point (async)", Drivers.Sharpgres, "ops")]
    public async Task<int> SharpgresAsync()
    {
        await _cur.ExecuteAsync("SELECT %s::int4 + 1", [_i++]);
        return _cur.FetchOne<int>();
    }

    [Benchmark, Workload("point (async)", Drivers.SharpgresNoSpin, "ops")]
    public async Task<int> SharpgresAsyncNoSpin()
    {
        await _noSpinCur.ExecuteAsync("SELECT %s::int4 + 1", [_i++]);
        return _noSpinCur.FetchOne<int>();
    }

    [Benchmark, Workload("point (async)", Drivers.Npgsql, "ops")]
    public async Task<int> NpgsqlAsync()
    {
        _param.TypedValue = _i++;
        await using var reader = await _cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetInt32(0);
    }
}
