using BenchmarkDotNet.Attributes;
using Dapper;
using Npgsql;
using Sharpgres.Data;

namespace Sharpgres.Benchmarks;

/// <summary>
/// The ADO.NET face side by side with Npgsql, as applications use it: Dapper's point query
/// (<c>QuerySingle&lt;int&gt;("SELECT @x + 1", new { x })</c>), Dapper's fortunes (the 12-row table onto a record), and a
/// million rows read through the data reader's typed getters, each on one connection taken from its driver's pooled data
/// source (Sharpgres: <see cref="SharpgresDataSource"/> over its ConnectionPool; Npgsql: NpgsqlDataSource), same server.
/// <c>dapper_point (open per call)</c> is the web-request shape: Dapper opens a closed pooled connection for each call
/// and closes it after, so every call is a pool checkout and return as well.
/// </summary>
[MemoryDiagnoser]
public class DapperBenchmarks
{
    private const string FetchSql = FetchBenchmarks.SharpgresSqlText;
    private SharpgresDataSource _sharpgresSource = null!;
    private SharpgresConnection _sharpgres = null!;
    private SharpgresConnection _sharpgresClosed = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;
    private NpgsqlConnection _npgsqlClosed = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        // Pooling=true is the default of both; the same pool ceiling as Npgsql's data source.
        _sharpgresSource = SharpgresDataSource.Create(new SharpgresConnectionStringBuilder(BenchServer.Conninfo + " sslmode=disable") { MaxPoolSize = 64 });
        _sharpgres = _sharpgresSource.OpenConnection();
        _sharpgresClosed = _sharpgresSource.CreateConnection();
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = _dataSource.OpenConnection();
        _npgsqlClosed = _dataSource.CreateConnection();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sharpgres.Dispose();
        _sharpgresClosed.Dispose();
        _sharpgresSource.Dispose();
        _npgsql.Dispose();
        _npgsqlClosed.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark, Workload("dapper_point", Drivers.Sharpgres, "ops")]
    public int SharpgresDapperPoint() => _sharpgres.QuerySingle<int>("SELECT @x + 1", new { x = _i++ });

    [Benchmark, Workload("dapper_point", Drivers.Npgsql, "ops")]
    public int NpgsqlDapperPoint() => _npgsql.QuerySingle<int>("SELECT @x + 1", new { x = _i++ });

    [Benchmark, Workload("dapper_point (open per call)", Drivers.Sharpgres, "ops")]
    public int SharpgresDapperPointOpenPerCall() => _sharpgresClosed.QuerySingle<int>("SELECT @x + 1", new { x = _i++ });

    [Benchmark, Workload("dapper_point (open per call)", Drivers.Npgsql, "ops")]
    public int NpgsqlDapperPointOpenPerCall() => _npgsqlClosed.QuerySingle<int>("SELECT @x + 1", new { x = _i++ });

    [Benchmark, Workload("dapper_fortunes", Drivers.Sharpgres, "ops")]
    public int SharpgresDapperFortunes() => _sharpgres.Query<Fortune>("SELECT id, message FROM fortune").AsList().Count;

    [Benchmark, Workload("dapper_fortunes", Drivers.Npgsql, "ops")]
    public int NpgsqlDapperFortunes() => _npgsql.Query<Fortune>("SELECT id, message FROM fortune").AsList().Count;

    [Benchmark(OperationsPerInvoke = FetchBenchmarks.Rows), Workload("ado_fetch_1M", Drivers.Sharpgres, "rows")]
    public long SharpgresAdoFetch()
    {
        using var cmd = new SharpgresCommand(FetchSql, _sharpgres);
        return ReadAll(cmd);
    }

    [Benchmark(OperationsPerInvoke = FetchBenchmarks.Rows), Workload("ado_fetch_1M", Drivers.Npgsql, "rows")]
    public long NpgsqlAdoFetch()
    {
        using var cmd = new NpgsqlCommand(FetchSql, _npgsql);
        return ReadAll(cmd);
    }

    /// <summary>Every value of every row through the reader's typed getters (the same loop for both drivers).</summary>
    private static long ReadAll(System.Data.Common.DbCommand cmd)
    {
        using var reader = cmd.ExecuteReader();
        long sum = 0;
        while (reader.Read())
            sum += reader.GetInt32(0) + reader.GetString(1).Length + (long)reader.GetDouble(2) + reader.GetFieldValue<DateTimeOffset>(3).Second;
        return sum;
    }
}
