using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>
/// How cost grows: point-query latency (p50, p99) and throughput against the number of concurrent tasks, each on its
/// own connection; and streamed-fetch throughput against row width (1 int, 10 columns, a 1 KB text, a 100 KB bytea).
/// </summary>
internal static class Curves
{
    public static readonly int[] Concurrency = [1, 4, 16, 64];

    public static IEnumerable<Suite> Suites()
    {
        yield return ConcurrencySuite();
        yield return WidthSuite();
    }

    private static Suite ConcurrencySuite()
    {
        var max = Concurrency.Max();
        Connection[] sharpgres = [];
        NpgsqlDataSource? dataSource = null;
        NpgsqlConnection[] npgsql = [];
        var workloads = Concurrency.Select(n => new WorkloadSpec($"point latency, {n} connection{(n == 1 ? "" : "s")}", "ops",
        [
            new Side(Drivers.Sharpgres) { Round = ms => LatencyRound(sharpgres.Take(n).Select(SharpgresLoop).ToArray(), ms) },
            new Side(Drivers.Npgsql) { Round = ms => LatencyRound(npgsql.Take(n).Select(NpgsqlLoop).ToArray(), ms) },
        ], group: "concurrency", x: n)).ToList();
        return new Suite("Concurrency", () =>
        {
            sharpgres = Enumerable.Range(0, max).Select(_ => BenchServer.ConnectSharpgres()).ToArray();
            dataSource = BenchServer.CreateNpgsqlDataSource();
            npgsql = Enumerable.Range(0, max).Select(_ => dataSource.OpenConnection()).ToArray();
        }, () =>
        {
            foreach (var c in sharpgres) c.Dispose();
            foreach (var c in npgsql) c.Dispose();
            dataSource?.Dispose();
        }, workloads);
    }

    /// <summary>A task's loop: async point queries until the deadline, each one's latency in Stopwatch ticks.</summary>
    private delegate Task Loop(long deadline, List<long> latencies);

    private static Loop SharpgresLoop(Connection conn) => async (deadline, latencies) =>
    {
        var cur = conn.Cursor();
        var i = 0;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= deadline) return;
            await cur.ExecuteAsync("SELECT %s::int4 + 1", [i++]).ConfigureAwait(false);
            _ = cur.FetchOne<int>();
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }
    };

    private static Loop NpgsqlLoop(NpgsqlConnection conn) => async (deadline, latencies) =>
    {
        var param = new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer };
        await using var cmd = new NpgsqlCommand("SELECT $1::int4 + 1", conn) { Parameters = { param } };
        var i = 0;
        while (true)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= deadline) return;
            param.TypedValue = i++;
            await using (var reader = await cmd.ExecuteReaderAsync().ConfigureAwait(false))
            {
                await reader.ReadAsync().ConfigureAwait(false);
                _ = reader.GetInt32(0);
            }
            latencies.Add(Stopwatch.GetTimestamp() - start);
        }
    };

    private static Sample LatencyRound(Loop[] loops, int budgetMs)
    {
        var latencies = loops.Select(_ => new List<long>(1 << 16)).ToArray();
        var before = Snapshot.Begin();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(budgetMs / 1000.0 * Stopwatch.Frequency);
        Task.WaitAll(loops.Select((loop, i) => Task.Run(() => loop(deadline, latencies[i]))).ToArray());
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1e6 / Stopwatch.Frequency;
        return Snapshot.End().Since(before, seconds, all.Length, Percentile(0.50), Percentile(0.99));
    }

    /// <summary>Row widths: the query, its rows per call and the bytes of one row's values (the curve's x).</summary>
    private static readonly (string Name, string Sql, int Rows, double Bytes)[] Widths =
    [
        ("1 int", "SELECT g FROM generate_series(1, 1000000) g", 1_000_000, 4),
        ("10 columns", """
            SELECT g AS a, g::int8 AS b, g * 1.5::float8 AS c, 'name ' || g AS d, g % 2 = 0 AS e,
                   '2020-01-01'::timestamptz + g * interval '1 second' AS f, g + 1 AS g, g::int8 * 2 AS h, g * 0.5::float8 AS i, 'city ' || g AS j
            FROM generate_series(1, 200000) g
            """, 200_000, 70),
        ("1 KB text", "SELECT repeat('x', 1024) FROM generate_series(1, 100000)", 100_000, 1024),
        ("100 KB bytea", "SELECT b FROM width_bytea", BenchServer.ByteaRows, 102_400),
    ];

    private static Suite WidthSuite()
    {
        Connection? conn = null;
        NpgsqlDataSource? dataSource = null;
        NpgsqlConnection? npgsql = null;
        var workloads = Widths.Select((w, index) => new WorkloadSpec($"fetch width: {w.Name}", "rows",
        [
            new Side(Drivers.Sharpgres) { Call = () => SharpgresFetch(conn!, index, w.Sql) },
            new Side(Drivers.Npgsql) { Call = () => NpgsqlFetch(npgsql!, index, w.Sql) },
        ], group: "width", x: w.Bytes)).ToList();
        return new Suite("Width", () =>
        {
            conn = BenchServer.ConnectSharpgres();
            dataSource = BenchServer.CreateNpgsqlDataSource();
            npgsql = dataSource.OpenConnection();
        }, () =>
        {
            conn?.Dispose();
            npgsql?.Dispose();
            dataSource?.Dispose();
        }, workloads);
    }

    private static double SharpgresFetch(Connection conn, int width, string sql)
    {
        var cur = conn.Cursor();
        long rows = 0, sum = 0;
        switch (width)
        {
            case 0:
                foreach (var g in cur.Stream<int>(sql)) { sum += g; rows++; }
                break;
            case 1:
                foreach (var r in cur.Stream<WideRow>(sql)) { sum += r.A + r.D.Length + r.J.Length; rows++; }
                break;
            case 2:
                foreach (var s in cur.Stream<string>(sql)) { sum += s.Length; rows++; }
                break;
            default:
                foreach (var b in cur.Stream<byte[]>(sql)) { sum += b.Length; rows++; }
                break;
        }
        GC.KeepAlive(sum);
        return rows;
    }

    private static double NpgsqlFetch(NpgsqlConnection conn, int width, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        using var reader = cmd.ExecuteReader();
        long rows = 0, sum = 0;
        while (reader.Read())
        {
            rows++;
            switch (width)
            {
                case 0: sum += reader.GetInt32(0); break;
                case 1:
                    var r = new WideRow(reader.GetInt32(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetString(3), reader.GetBoolean(4),
                        reader.GetDateTime(5), reader.GetInt32(6), reader.GetInt64(7), reader.GetDouble(8), reader.GetString(9));
                    sum += r.A + r.D.Length + r.J.Length;
                    break;
                case 2: sum += reader.GetString(0).Length; break;
                default: sum += reader.GetFieldValue<byte[]>(0).Length; break;
            }
        }
        GC.KeepAlive(sum);
        return rows;
    }
}

/// <summary>The 10-column row of the width curve.</summary>
public sealed record WideRow(int A, long B, double C, string D, bool E, DateTime F, int G, long H, double I, string J);
