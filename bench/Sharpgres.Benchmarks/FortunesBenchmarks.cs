using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Sharpgres.Benchmarks;

/// <summary>TechEmpower's fortune row.</summary>
public sealed record Fortune(int Id, string Message);

/// <summary>fortunes: SELECT id, message FROM fortune (12 rows) mapped onto a record, one query at a time.</summary>
public class FortunesBenchmarks
{
    private const string Sql = "SELECT id, message FROM fortune";
    private Connection _conn = null!;
    private Cursor _cur = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;
    private NpgsqlCommand _cmd = null!;

    [GlobalSetup]
    public void Setup()
    {
        _conn = BenchServer.ConnectSharpgres();
        _cur = _conn.Cursor();
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = _dataSource.OpenConnection();
        _cmd = new NpgsqlCommand(Sql, _npgsql);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _conn.Dispose();
        _cmd.Dispose();
        _npgsql.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark, Workload("fortunes", Drivers.Sharpgres, "ops")]
    public int Sharpgres()
    {
        _cur.Execute(Sql);
        return _cur.FetchAll<Fortune>().Count;
    }

    [Benchmark, Workload("fortunes", Drivers.Npgsql, "ops")]
    public int Npgsql()
    {
        var fortunes = new List<Fortune>();
        using var reader = _cmd.ExecuteReader();
        while (reader.Read()) fortunes.Add(new Fortune(reader.GetInt32(0), reader.GetString(1)));
        return fortunes.Count;
    }
}
