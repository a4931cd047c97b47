using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Sharpgres.Benchmarks;

/// <summary>
/// Peak memory against result size: rows of (int, text, float8, timestamptz), every value read, streamed (10³ … 10⁷
/// rows) and buffered (10³ … 10⁶), each variant and size in a fresh child process so its peak working set (Linux
/// VmHWM: the most resident memory the process ever had) is its own. The child also reports its resident set before
/// the result (the runtime, the JIT'd code and one open connection), the allocations and the rate.
///   memory [--sizes N,N,...] [--out FILE.json]  runs every variant and size in a child and writes the figures
///   memory-child VARIANT ROWS                    one variant; prints one JSON line
/// Every child runs with the runtime's defaults (workstation concurrent GC, tiered JIT); capping gen0 with
/// DOTNET_GCgen0size=0x400000 was tried and moved neither driver's peak by more than 1 MB.
/// </summary>
internal static class MemoryProbe
{
    private const string Query =
        "SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, {0}) g";

    private static readonly string[] Variants =
        ["sharpgres typed", "sharpgres boxed", "npgsql", "sharpgres fetchall", "npgsql list"];

    /// <summary>Buffered variants keep every row: they stop at a million.</summary>
    private const long BufferedLimit = 1_000_000;

    private static bool Buffered(string variant) => variant is "sharpgres fetchall" or "npgsql list";

    /// <summary>A variant's name in the report.</summary>
    public static string Describe(string variant) => variant switch
    {
        "sharpgres typed" => "Sharpgres Stream<(int, string, double, DateTime)>()",
        "sharpgres boxed" => "Sharpgres Stream() rows, row[i]",
        "npgsql" => "Npgsql NpgsqlDataReader, typed getters",
        "sharpgres fetchall" => "Sharpgres FetchAll<(int, string, double, DateTime)>()",
        "npgsql list" => "Npgsql reader into a List of tuples",
        _ => variant,
    };

    public sealed record Figure(string Variant, long Rows, long BaselineBytes, long PeakBytes, long AllocatedBytes, double Seconds, string Checksum)
    {
        public double RowsPerSecond => Rows / Seconds;
        public double AllocatedPerRow => (double)AllocatedBytes / Rows;
    }

    public static int Run(string[] args)
    {
        long[] sizes = [1_000, 10_000, 100_000, 1_000_000, 10_000_000];
        var output = Path.Combine("bench", "results", "manual", "memory.json");
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sizes") sizes = args[++i].Split(',').Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            else if (args[i] == "--out") output = args[++i];
        }
        var conninfo = BenchServer.Conninfo;   // starts a TempServer when run.sh's isn't there; the children share it
        var figures = new List<Figure>();
        foreach (var rows in sizes)
        {
            var ofSize = new List<Figure>();
            foreach (var variant in Variants.Where(v => !Buffered(v) || rows <= BufferedLimit))
            {
                var figure = RunChild(variant, rows, conninfo);
                ofSize.Add(figure);
                Console.WriteLine($"{figure.Variant,-20} {rows,11:N0} rows: peak {Mb(figure.PeakBytes),8} baseline {Mb(figure.BaselineBytes),8} "
                    + $"{figure.AllocatedPerRow,6:N1} B/row {figure.RowsPerSecond / 1e6,6:N2} M rows/s  checksum {figure.Checksum}");
            }
            if (ofSize.Select(f => f.Checksum).Distinct().Count() != 1)
            {
                Console.Error.WriteLine($"the drivers read different values for {rows} rows: checksums differ");
                return 1;
            }
            figures.AddRange(ofSize);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static string Mb(long bytes) => $"{bytes / 1048576.0:N1} MB";

    private static Figure RunChild(string variant, long rows, string conninfo)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under `dotnet X.dll` the process is the host: the child needs the dll; an apphost is run directly.
        var entry = typeof(MemoryProbe).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(entry);
        foreach (var a in new[] { "memory-child", variant, rows.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(a);
        start.Environment[BenchServer.ConninfoVariable] = conninfo;
        using var child = Process.Start(start)!;
        var lines = child.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        child.WaitForExit();
        if (child.ExitCode != 0 || lines.Length == 0) throw new InvalidOperationException($"memory child '{variant}' failed (exit {child.ExitCode})");
        return JsonSerializer.Deserialize<Figure>(lines[^1])!;
    }

    public static int Child(string[] args)
    {
        var variant = args[0];
        var rows = long.Parse(args[1], CultureInfo.InvariantCulture);
        Func<long, Checksum> stream = variant switch
        {
            "sharpgres typed" => SharpgresTyped,
            "sharpgres boxed" => SharpgresBoxed,
            "npgsql" => NpgsqlReader(),
            "sharpgres fetchall" => SharpgresFetchAll,
            "npgsql list" => NpgsqlList(),
            _ => throw new ArgumentException($"unknown variant '{variant}'"),
        };
        stream(Math.Min(rows, 1_000));   // connection open, code JIT'd: what the process holds before the result
        GC.Collect();
        var baseline = Status("VmRSS");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var sum = stream(rows);
        var seconds = clock.Elapsed.TotalSeconds;
        var figure = new Figure(variant, rows, baseline, Status("VmHWM"), GC.GetTotalAllocatedBytes(precise: true) - allocated, seconds, sum.ToString());
        Console.WriteLine(JsonSerializer.Serialize(figure));
        return 0;
    }

    /// <summary>What both drivers must agree on: every value of every row went into it.</summary>
    private struct Checksum
    {
        public long Ints, Chars, Ticks;
        public double Doubles;

        public void Add(int i, string s, double d, DateTime t) { Ints += i; Chars += s.Length; Doubles += d; Ticks += t.Ticks % 1_000_000_007; }
        public override readonly string ToString() => $"{Ints}/{Chars}/{Doubles.ToString("R", CultureInfo.InvariantCulture)}/{Ticks}";
    }

    private static Connection? _sharpgres;

    private static Connection Sharpgres() => _sharpgres ??= BenchServer.ConnectSharpgres();

    private static Checksum SharpgresTyped(long rows)
    {
        var sum = new Checksum();
        foreach (var (i, s, d, t) in Sharpgres().Cursor().Stream<(int, string, double, DateTime)>(string.Format(CultureInfo.InvariantCulture, Query, rows)))
            sum.Add(i, s, d, t);
        return sum;
    }

    private static Checksum SharpgresBoxed(long rows)
    {
        var sum = new Checksum();
        foreach (var row in Sharpgres().Cursor().Stream(string.Format(CultureInfo.InvariantCulture, Query, rows)))
            sum.Add((int)row[0]!, (string)row[1]!, (double)row[2]!, ((DateTimeOffset)row[3]!).UtcDateTime);
        return sum;
    }

    private static Checksum SharpgresFetchAll(long rows)
    {
        var cur = Sharpgres().Cursor();
        cur.Execute(string.Format(CultureInfo.InvariantCulture, Query, rows));
        var sum = new Checksum();
        foreach (var (i, s, d, t) in cur.FetchAll<(int, string, double, DateTime)>()) sum.Add(i, s, d, t);
        cur.Close();
        return sum;
    }

    private static Func<long, Checksum> NpgsqlList()
    {
        NpgsqlConnection? connection = null;
        return rows =>
        {
            connection ??= BenchServer.CreateNpgsqlDataSource().OpenConnection();
            using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, Query, rows), connection);
            var list = new List<(int, string, double, DateTime)>();
            using (var reader = command.ExecuteReader())
                while (reader.Read()) list.Add((reader.GetInt32(0), reader.GetString(1), reader.GetDouble(2), reader.GetDateTime(3)));
            var sum = new Checksum();
            foreach (var (i, s, d, t) in list) sum.Add(i, s, d, t);
            return sum;
        };
    }

    private static Func<long, Checksum> NpgsqlReader()
    {
        // Npgsql's figure in its fastest configuration, as the other workloads: a data source with auto-prepare.
        NpgsqlConnection? connection = null;
        return rows =>
        {
            connection ??= BenchServer.CreateNpgsqlDataSource().OpenConnection();
            using var command = new NpgsqlCommand(string.Format(CultureInfo.InvariantCulture, Query, rows), connection);
            using var reader = command.ExecuteReader();
            var sum = new Checksum();
            while (reader.Read()) sum.Add(reader.GetInt32(0), reader.GetString(1), reader.GetDouble(2), reader.GetDateTime(3));
            return sum;
        };
    }

    /// <summary>A size line of /proc/self/status (kB) in bytes.</summary>
    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException($"no {key} in /proc/self/status");
    }
}
