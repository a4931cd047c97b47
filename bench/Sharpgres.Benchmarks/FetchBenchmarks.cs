using BenchmarkDotNet.Attributes;
using Npgsql;
using Sharpgres.Types;

namespace Sharpgres.Benchmarks;

/// <summary>
/// fetch_1M: a million rows of (int4, text, float8, timestamptz), every value read, typed and boxed: streamed
/// (<c>Stream</c>, like Npgsql's data reader) and buffered (<c>FetchAll</c>, psycopg's default client cursor, compared
/// with the same Npgsql reader loop). Figures are per row (OperationsPerInvoke).
/// </summary>
public class FetchBenchmarks
{
    public const int Rows = 1_000_000;
    private const string SharpgresSql =
        "SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 1000000) g";
    private const string NpgsqlSql = SharpgresSql;
    /// <summary>The same query for the ADO.NET benchmarks (DapperBenchmarks.ado_fetch_1M).</summary>
    internal const string SharpgresSqlText = SharpgresSql;

    private Connection _conn = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;
    private bool _timestamptzAsDateTime;

    [GlobalSetup]
    public void Setup()
    {
        _conn = BenchServer.ConnectSharpgres();
        // Until the timestamptz binary codec lands, Sharpgres reads timestamptz as its text: read it as string then.
        _timestamptzAsDateTime = _conn.Types.ForOid(1184) is IPgReader<DateTime>;
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = _dataSource.OpenConnection();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _conn.Dispose();
        _npgsql.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M typed", Drivers.Sharpgres, "rows")]
    public long SharpgresTyped()
    {
        // Stream<T>: rows mapped straight from the receive buffer, like a data reader.
        var cur = _conn.Cursor();
        long sum = 0;
        if (_timestamptzAsDateTime)
        {
            foreach (var (g, name, value, ts) in cur.Stream<(int, string, double, DateTime)>(SharpgresSql))
                sum += g + name.Length + (long)value + ts.Second;
        }
        else
        {
            foreach (var (g, name, value, ts) in cur.Stream<(int, string, double, string)>(SharpgresSql))
                sum += g + name.Length + (long)value + ts.Length;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M typed, buffered (FetchAll<T>)", Drivers.Sharpgres, "rows")]
    public long SharpgresTypedBuffered()
    {
        var cur = _conn.Cursor();
        cur.Execute(SharpgresSql);
        long sum = 0;
        if (_timestamptzAsDateTime)
        {
            foreach (var (g, name, value, ts) in cur.FetchAll<(int, string, double, DateTime)>())
                sum += g + name.Length + (long)value + ts.Second;
        }
        else
        {
            foreach (var (g, name, value, ts) in cur.FetchAll<(int, string, double, string)>())
                sum += g + name.Length + (long)value + ts.Length;
        }
        cur.Close();
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M typed", Drivers.Npgsql, "rows")]
    public long NpgsqlTyped()
    {
        using var cmd = new NpgsqlCommand(NpgsqlSql, _npgsql);
        using var reader = cmd.ExecuteReader();
        long sum = 0;
        while (reader.Read())
            sum += reader.GetInt32(0) + reader.GetString(1).Length + (long)reader.GetDouble(2) + reader.GetDateTime(3).Second;
        return sum;
    }

    /// <summary>The like-for-like partner of FetchAll&lt;T&gt;: every row kept in a list before it is used.</summary>
    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M typed, buffered (FetchAll<T>)", Drivers.Npgsql, "rows")]
    public long NpgsqlTypedBuffered()
    {
        using var cmd = new NpgsqlCommand(NpgsqlSql, _npgsql);
        var rows = new List<(int, string, double, DateTime)>();
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
                rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDouble(2), reader.GetDateTime(3)));
        long sum = 0;
        foreach (var (g, name, value, ts) in rows)
            sum += g + name.Length + (long)value + ts.Second;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M boxed", Drivers.Sharpgres, "rows")]
    public long SharpgresBoxed()
    {
        var cur = _conn.Cursor();
        long sum = 0;
        foreach (var row in cur.Stream(SharpgresSql))
            for (var i = 0; i < 4; i++)
                if (row[i] is not null) sum++;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M boxed, buffered (FetchAll)", Drivers.Sharpgres, "rows")]
    public long SharpgresBoxedBuffered()
    {
        var cur = _conn.Cursor();
        cur.Execute(SharpgresSql);
        long sum = 0;
        foreach (var row in cur.FetchAll())
            for (var i = 0; i < 4; i++)
                if (row[i] is not null) sum++;
        cur.Close();
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M boxed", Drivers.Npgsql, "rows")]
    public long NpgsqlBoxed()
    {
        using var cmd = new NpgsqlCommand(NpgsqlSql, _npgsql);
        using var reader = cmd.ExecuteReader();
        long sum = 0;
        while (reader.Read())
            for (var i = 0; i < 4; i++)
                if (reader.GetValue(i) is not DBNull) sum++;
        return sum;
    }

    /// <summary>The like-for-like partner of FetchAll(): every row's values kept (GetValues into an array per row).</summary>
    [Benchmark(OperationsPerInvoke = Rows), Workload("fetch_1M boxed, buffered (FetchAll)", Drivers.Npgsql, "rows")]
    public long NpgsqlBoxedBuffered()
    {
        using var cmd = new NpgsqlCommand(NpgsqlSql, _npgsql);
        var rows = new List<object[]>();
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
            {
                var values = new object[4];
                reader.GetValues(values);
                rows.Add(values);
            }
        long sum = 0;
        foreach (var row in rows)
            for (var i = 0; i < 4; i++)
                if (row[i] is not DBNull) sum++;
        return sum;
    }
}
