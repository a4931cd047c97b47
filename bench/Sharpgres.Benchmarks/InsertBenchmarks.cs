using BenchmarkDotNet.Attributes;
using Npgsql;

namespace Sharpgres.Benchmarks;

/// <summary>insert_100k: 100,000 parameterised INSERTs of (name, city, profession), pipelined 1000 per round trip.</summary>
public class InsertBenchmarks
{
    public const int Rows = 100_000;
    private const int BatchSize = 1000;
    private static readonly string[] Cities = ["Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Évora", "Aveiro", "Viseu"];
    private static readonly string[] Professions = ["engineer", "teacher", "nurse", "baker", "pilot", "writer", "farmer"];

    private readonly List<(string Name, string City, string Profession)> _people = new(Rows);
    private Connection _conn = null!;
    private Connection _rewriting = null!;
    private NpgsqlDataSource _dataSource = null!;
    private NpgsqlConnection _npgsql = null!;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Rows; i++)
            _people.Add(($"person {i}", Cities[i % Cities.Length], Professions[i % Professions.Length]));
        _conn = BenchServer.ConnectSharpgres();
        _rewriting = BenchServer.ConnectSharpgres();
        _rewriting.RewriteBatchedInserts = true;
        _dataSource = BenchServer.CreateNpgsqlDataSource();
        _npgsql = _dataSource.OpenConnection();
    }

    [IterationSetup]
    public void Truncate()
    {
        _conn.Execute("TRUNCATE insert_sharpgres");
        _conn.Execute("TRUNCATE insert_rewriting");
        _conn.Execute("TRUNCATE insert_npgsql");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _conn.Dispose();
        _rewriting.Dispose();
        _npgsql.Dispose();
        _dataSource.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("insert_100k", Drivers.Sharpgres, "rows")]
    public long Sharpgres()
    {
        var cur = _conn.Cursor();
        cur.ExecuteMany("INSERT INTO insert_sharpgres (name, city, profession) VALUES (%s, %s, %s)", _people);
        return cur.RowCount;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("insert_100k (rewrite, opt-in)", Drivers.Sharpgres, "rows")]
    public long SharpgresRewriting()
    {
        var cur = _rewriting.Cursor();
        cur.ExecuteMany("INSERT INTO insert_rewriting (name, city, profession) VALUES (%s, %s, %s)", _people);
        return cur.RowCount;
    }

    [Benchmark(OperationsPerInvoke = Rows), Workload("insert_100k", Drivers.Npgsql, "rows")]
    public long Npgsql()
    {
        long total = 0;
        for (var start = 0; start < Rows; start += BatchSize)
        {
            using var batch = new NpgsqlBatch(_npgsql);
            for (var i = start; i < start + BatchSize; i++)
            {
                var (name, city, profession) = _people[i];
                batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO insert_npgsql (name, city, profession) VALUES ($1, $2, $3)")
                {
                    Parameters = { new() { Value = name }, new() { Value = city }, new() { Value = profession } },
                });
            }
            total += batch.ExecuteNonQuery();
        }
        return total;
    }
}
