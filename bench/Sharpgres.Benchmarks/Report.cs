using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Sharpgres.Benchmarks;

/// <summary>
/// Turns BenchmarkDotNet's JSON exports (one folder per run) and the Python scripts' JSON into docs/benchmarks.md
/// and docs/benchmarks.svg. Each figure is the median over runs of each run's median; rates are 1 s / time per unit.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Workloads in the order of the issue, with the target ratio Sharpgres/Npgsql (NaN: context, no target) and the
    /// workload whose Npgsql figure a Sharpgres-only variant is compared with.
    /// </summary>
    private static readonly (string Name, double Target, string? NpgsqlFrom)[] Workloads =
    [
        ("point (sync)", 1.10, null), ("point (async)", 1.10, null),
        ("fetch_1M typed", 1.10, null), ("fetch_1M typed, buffered (FetchAll<T>)", 1.00, null),
        ("fetch_1M boxed", 1.00, null), ("fetch_1M boxed, buffered (FetchAll)", 1.00, null),
        ("insert_100k", 1.30, null), ("insert_100k (rewrite, opt-in)", 1.30, "insert_100k"), ("copy_in_1M (binary)", 1.00, null), ("copy_in_1M (text)", 1.00, null), ("copy_out_1M", 1.00, null),
        ("connect", 1.00, null), ("concurrent", 1.00, null), ("fortunes", 1.10, null),
    ];

    private sealed record Figure(string Workload, string Driver, string Unit, List<double> NsPerUnit, List<double> BytesPerUnit)
    {
        public double Rate => 1e9 / Median(NsPerUnit);
        public double? Bytes => BytesPerUnit.Count > 0 ? Median(BytesPerUnit) : null;
    }

    public static int Write(string[] args)
    {
        CultureInfo.CurrentCulture = Inv;   // figures print the same on every machine
        if (args.Length == 0) { Console.Error.WriteLine("report DIR [DIR...] [--out FILE.md] [--svg FILE.svg] [--notes FILE.md]"); return 2; }
        var dirs = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var outMd = Path.Combine("docs", "benchmarks.md");
        var outSvg = Path.Combine("docs", "benchmarks.svg");
        var notes = Path.Combine("bench", "notes.md");
        for (var i = dirs.Count; i < args.Length; i++)
        {
            if (args[i] == "--out") outMd = args[++i];
            else if (args[i] == "--svg") outSvg = args[++i];
            else if (args[i] == "--notes") notes = args[++i];
        }

        var workloadOf = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods().Select(m => (Type: t, Method: m)))
            .Where(x => x.Method.GetCustomAttribute<BenchmarkAttribute>() is not null && x.Method.GetCustomAttribute<WorkloadAttribute>() is not null)
            .ToDictionary(x => (x.Type.Name, x.Method.Name), x => x.Method.GetCustomAttribute<WorkloadAttribute>()!);

        var figures = new Dictionary<(string, string), Figure>();
        var runs = 0;
        foreach (var json in dirs.SelectMany(d => Directory.GetFiles(d, "*-report-brief.json", SearchOption.AllDirectories)).Order())
        {
            runs++;
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                var type = b.GetProperty("Type").GetString()!;
                var method = b.GetProperty("Method").GetString()!;
                if (!workloadOf.TryGetValue((type, method), out var w)) continue;
                if (b.GetProperty("Statistics").ValueKind != JsonValueKind.Object) continue;   // failed benchmark
                var f = Get(figures, w.Name, w.Driver, w.Unit);
                f.NsPerUnit.Add(b.GetProperty("Statistics").GetProperty("Median").GetDouble());
                if (b.TryGetProperty("Memory", out var mem) && mem.TryGetProperty("BytesAllocatedPerOperation", out var bytes))
                    f.BytesPerUnit.Add(bytes.GetDouble());
            }
        }
        // Python: lines of {"workload","driver","unit","ns_per_unit"} from bench/python/bench.py, one file per run.
        foreach (var json in dirs.SelectMany(d => Directory.GetFiles(d, "python*.json", SearchOption.AllDirectories)).Order())
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            foreach (var r in doc.RootElement.GetProperty("results").EnumerateArray())
            {
                var f = Get(figures, r.GetProperty("workload").GetString()!, r.GetProperty("driver").GetString()!, r.GetProperty("unit").GetString()!);
                f.NsPerUnit.Add(r.GetProperty("ns_per_unit").GetDouble());
            }
        }
        if (figures.Count == 0) { Console.Error.WriteLine($"no results under {string.Join(", ", dirs)}"); return 1; }

        var meta = ReadMeta(dirs);
        var pythonDrivers = figures.Keys.Select(k => k.Item2).Where(d => d is not Drivers.Sharpgres and not Drivers.Npgsql).Distinct().Order().ToList();
        var ratios = new List<(string Workload, double Ratio, double Target)>();
        foreach (var (name, target, from) in Workloads)
            if (figures.TryGetValue((name, Drivers.Sharpgres), out var s) && figures.TryGetValue((from ?? name, Drivers.Npgsql), out var n))
                ratios.Add((name, s.Rate / n.Rate, target));

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outMd))!);
        File.WriteAllText(outSvg, Svg(ratios));
        // Big results: the memory command's figures (memory.json), one file per run.
        var memory = dirs.SelectMany(d => Directory.GetFiles(d, "memory.json", SearchOption.AllDirectories)).Order()
            .Select(f => JsonSerializer.Deserialize<List<MemoryProbe.Figure>>(File.ReadAllText(f)) ?? []).ToList();
        var markdown = Markdown(figures, ratios, pythonDrivers, meta, runs, Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(outMd))!, Path.GetFullPath(outSvg)), memory);
        // The analysis (where Sharpgres loses, what was tried) is written by hand and kept next to the suite.
        if (File.Exists(notes)) markdown += Environment.NewLine + File.ReadAllText(notes);
        File.WriteAllText(outMd, markdown);
        Console.WriteLine($"wrote {outMd} and {outSvg} from {runs} run(s)");
        return 0;
    }

    private static Figure Get(Dictionary<(string, string), Figure> figures, string workload, string driver, string unit)
    {
        if (!figures.TryGetValue((workload, driver), out var f))
            figures[(workload, driver)] = f = new Figure(workload, driver, unit, [], []);
        return f;
    }

    /// <summary>The last run's versions; the configurations (quick/full) of all runs.</summary>
    private static Dictionary<string, string> ReadMeta(List<string> dirs)
    {
        var metas = dirs.SelectMany(d => Directory.GetFiles(d, "meta.json", SearchOption.AllDirectories)).Order()
            .Select(f => JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(f)) ?? []).ToList();
        if (metas.Count == 0) return [];
        var meta = metas[^1];
        meta["mode"] = string.Join(" + ", metas.GroupBy(m => m.GetValueOrDefault("mode", "?")).Select(g => $"{g.Count()} × {g.Key}"));
        meta["date"] = metas[0].GetValueOrDefault("date", "?") == meta.GetValueOrDefault("date", "?")
            ? meta.GetValueOrDefault("date", "?") : metas[0].GetValueOrDefault("date", "?") + " to " + meta.GetValueOrDefault("date", "?");
        return meta;
    }

    private static string Markdown(Dictionary<(string, string), Figure> figures, List<(string Workload, double Ratio, double Target)> ratios,
        List<string> pythonDrivers, Dictionary<string, string> meta, int runs, string svgPath, List<List<MemoryProbe.Figure>> memory)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmarks: Sharpgres and Npgsql side by side");
        sb.AppendLine();
        sb.AppendLine("<!-- Generated by bench/run.sh (Sharpgres.Benchmarks report): edit the generator, not this file. -->");
        sb.AppendLine();
        sb.AppendLine($"![Ratio Sharpgres / Npgsql per workload; above 1.0 Sharpgres is faster]({svgPath.Replace('\\', '/')})");
        sb.AppendLine();
        sb.AppendLine("Rates are throughput (higher is better); the ratio is Sharpgres / Npgsql, so **above 1.00 Sharpgres is faster**.");
        sb.AppendLine($"Each figure is the median over {runs} run(s) of BenchmarkDotNet's median, both drivers measured in the same");
        sb.AppendLine("process against the same throwaway server (TempServer, SCRAM-SHA-256, fsync off, unlogged tables) on loopback TCP.");
        sb.AppendLine("Allocations are BenchmarkDotNet's MemoryDiagnoser figures per unit (per query, per row, per connection).");
        sb.AppendLine();
        sb.Append("| workload | unit | Sharpgres | Npgsql | ratio | target | Sharpgres B/unit | Npgsql B/unit |");
        foreach (var p in pythonDrivers) sb.Append($" {p} |");
        sb.AppendLine();
        sb.Append("|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var _ in pythonDrivers) sb.Append("--:|");
        sb.AppendLine();
        foreach (var (name, target, from) in Workloads)
        {
            figures.TryGetValue((name, Drivers.Sharpgres), out var s);
            figures.TryGetValue((from ?? name, Drivers.Npgsql), out var n);
            if (s is null && from is not null) continue;
            if (s is null && n is null)
            {
                var why = name.StartsWith("copy", StringComparison.Ordinal) && meta.GetValueOrDefault("copy") != "yes"
                    ? "pending: `cur.Copy(...)` has not landed" : "not measured in this run";
                sb.Append($"| {Escape(name)} | | — | — | — | {Target(target)} | | | ");
                foreach (var _ in pythonDrivers) sb.Append(" |");
                sb.AppendLine().Replace("| — | — | — |", $"| {why} | — | — |");
                continue;
            }
            var unit = (s ?? n)!.Unit + "/s";
            var ratio = s is not null && n is not null ? s.Rate / n.Rate : double.NaN;
            var mark = double.IsNaN(ratio) || double.IsNaN(target) ? "" : ratio >= target ? " ✓" : " ✗";
            var npgsqlNote = from is null || n is null ? "" : " (same as above)";
            sb.Append($"| {Escape(name)} | {unit} | {Rate(s)} | {Rate(n)}{npgsqlNote} | {(double.IsNaN(ratio) ? "—" : ratio.ToString("0.00", Inv))}{mark} | {Target(target)} | {Bytes(s)} | {Bytes(n)} |");
            foreach (var p in pythonDrivers) sb.Append($" {(from is null ? Rate(figures.GetValueOrDefault((name, p))) : "")} |");
            sb.AppendLine();
        }
        AppendMemory(sb, memory);
        sb.AppendLine();
        sb.AppendLine("## Machine and versions");
        sb.AppendLine();
        sb.AppendLine($"- Machine: {Machine()}");
        sb.AppendLine($"- .NET: {meta.GetValueOrDefault("dotnet", "?")}; PostgreSQL {meta.GetValueOrDefault("postgresql", "?")}; Npgsql {meta.GetValueOrDefault("npgsql", "?")}; BenchmarkDotNet {meta.GetValueOrDefault("benchmarkdotnet", "?")}");
        if (pythonDrivers.Count > 0) sb.AppendLine($"- Python: {PythonVersions(figures)}");
        sb.AppendLine($"- Date: {meta.GetValueOrDefault("date", "?")}; configuration: {meta.GetValueOrDefault("mode", "?")} ({runs} run(s) in all)");
        sb.AppendLine();
        sb.AppendLine("## Workloads");
        sb.AppendLine();
        sb.AppendLine("- **point**: `SELECT %s::int4 + 1` (Npgsql: `$1`, a reused command with a typed parameter) on one connection, one at a time, read as int.");
        sb.AppendLine("- **fetch_1M**: `SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 1000000) g`,");
        sb.AppendLine("  every value read. Typed: `Stream<(int, string, double, DateTime)>()` vs `GetInt32/GetString/GetDouble/GetDateTime`;");
        sb.AppendLine("  boxed: `Stream()` and `row[i]` vs `GetValue(i)` — both stream rows like Npgsql's data reader. The *buffered* rows");
        sb.AppendLine("  keep every row before using it: `FetchAll<T>()` / `FetchAll()` (psycopg's default client cursor, which reads the whole");
        sb.AppendLine("  result at `Execute`) against the Npgsql reader loop adding each row to a `List` (typed tuples / `GetValues` arrays).");
        sb.AppendLine("- **insert_100k**: 100,000 `INSERT INTO t (name, city, profession) VALUES (...)`: `ExecuteMany` vs `NpgsqlBatch` of 1000 commands.");
        sb.AppendLine("  ExecuteMany sends 1000 sets per chunk, one statement each, and past the first chunk sends the next chunk before reading");
        sb.AppendLine("  the previous one's answers. With `conn.RewriteBatchedInserts = true` (off by default, as pgJDBC's reWriteBatchedInserts)");
        sb.AppendLine("  it also sends 100 sets per statement (`VALUES (...), (...), ...`): statement-level triggers then fire once per 100 sets,");
        sb.AppendLine("  which is why it is not the default; that row is compared with the same Npgsql batches.");
        sb.AppendLine("- **connect**: open + SCRAM-SHA-256 + close, no pooling (Npgsql `Pooling=false`).");
        sb.AppendLine("- **concurrent**: 32 tasks on 32 open connections, 1,000 async point queries each; the rate is the total.");
        sb.AppendLine("- **fortunes**: `SELECT id, message FROM fortune` (12 rows) mapped onto `record Fortune(int Id, string Message)`.");
        sb.AppendLine("- **copy_in_1M / copy_out_1M**: " + (meta.GetValueOrDefault("copy") == "yes"
            ? "the fetch_1M rows through COPY. In: `cur.Copy(...)` + `WriteRow` (binary with `SetTypes`, and text) vs `BeginBinaryImport`"
              + " with typed `Write` and a `BeginTextImport` writer of lines the caller formats; out: binary COPY read as raw blocks"
              + " (`copy.Read()` vs `BeginRawBinaryCopy`)."
            : "pending until `cur.Copy(...)` lands."));
        sb.AppendLine();
        sb.AppendLine("Npgsql runs from an `NpgsqlDataSource` with automatic preparation (`Max Auto Prepare=20; Auto Prepare Min Usages=2`),");
        sb.AppendLine("its fastest configuration; Sharpgres with its defaults (prepared after 5 executions, binary results from the second).");
        if (pythonDrivers.Count > 0)
        {
            sb.AppendLine("Python columns: bench/python/bench.py against the same server — psycopg 3 `executemany` (pipelined) and");
            sb.AppendLine("psycopg2 `execute_batch(page_size=1000)` for inserts, `fetchall()` of tuples for fetch (the typed and boxed rows are the same code).");
        }
        sb.AppendLine();
        sb.AppendLine("Run it: `bench/run.sh` (quick, twice) or `bench/run.sh full`; see bench/README.md.");
        return sb.ToString();
    }

    private static string PythonVersions(Dictionary<(string, string), Figure> figures) =>
        string.Join(", ", figures.Keys.Select(k => k.Item2).Where(d => d is not Drivers.Sharpgres and not Drivers.Npgsql).Distinct().Order());

    private static string Target(double target) => double.IsNaN(target) ? "(context)" : $"≥ {target.ToString("0.00", Inv)}";

    private static string Rate(Figure? f) => f is null ? "—" : Human(f.Rate);

    private static string Bytes(Figure? f) => f?.Bytes is { } b ? (b >= 100 ? b.ToString("N0", Inv) : b.ToString("0.#", Inv)) : "—";

    private static string Human(double v) =>
        v >= 1e6 ? (v / 1e6).ToString("0.00", Inv) + " M" : v >= 1e3 ? (v / 1e3).ToString("0.0", Inv) + " k" : v.ToString("0", Inv);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Machine()
    {
        var cpu = "?";
        var mem = "?";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
            var kb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            mem = (long.Parse(kb, Inv) / 1024.0 / 1024.0).ToString("0.0", Inv) + " GiB";
        }
        catch (IOException) { }
        return $"{Environment.ProcessorCount} cores (nproc), {cpu}, {mem} memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }

    /// <summary>A horizontal bar per workload: the ratio on a log-free linear axis, a line at 1.0, the target as a tick.</summary>
    private static string Svg(List<(string Workload, double Ratio, double Target)> ratios)
    {
        const int left = 260, barHeight = 22, gap = 8, top = 40, plotWidth = 460;
        // Room past the longest bar for its label.
        var max = Math.Max(2.0, Math.Ceiling((ratios.Select(r => double.IsNaN(r.Target) ? r.Ratio : Math.Max(r.Ratio, r.Target)).DefaultIfEmpty(1).Max() + 0.15) * 2) / 2);
        var height = top + ratios.Count * (barHeight + gap) + 50;
        double X(double v) => left + v / max * plotWidth;
        var sb = new StringBuilder();
        sb.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + plotWidth + 70}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine("  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine($"  <text x=\"{left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Sharpgres / Npgsql throughput (above 1.0: Sharpgres faster)</text>");
        for (var v = 0.0; v <= max + 1e-9; v += 0.5)
        {
            var x = X(v).ToString("0.#", Inv);
            sb.AppendLine($"  <line x1=\"{x}\" y1=\"{top - 6}\" x2=\"{x}\" y2=\"{height - 40}\" stroke=\"#e5e5e5\"/>");
            sb.AppendLine($"  <text x=\"{x}\" y=\"{height - 24}\" text-anchor=\"middle\" fill=\"#555\">{v.ToString("0.0", Inv)}</text>");
        }
        for (var i = 0; i < ratios.Count; i++)
        {
            var (name, ratio, target) = ratios[i];
            var y = top + i * (barHeight + gap);
            var color = double.IsNaN(target) ? "#90a4ae" : ratio >= target ? "#2e7d32" : ratio >= 1.0 ? "#f9a825" : "#c62828";
            var w = (X(Math.Min(ratio, max)) - left).ToString("0.#", Inv);
            sb.AppendLine($"  <text x=\"{left - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{Escape(name)}</text>");
            sb.AppendLine($"  <rect x=\"{left}\" y=\"{y}\" width=\"{w}\" height=\"{barHeight}\" fill=\"{color}\"><title>{Escape(name)}: {ratio.ToString("0.00", Inv)} (target {target.ToString("0.00", Inv)})</title></rect>");
            if (!double.IsNaN(target))
            {
                var tx = X(target).ToString("0.#", Inv);
                sb.AppendLine($"  <line x1=\"{tx}\" y1=\"{y - 2}\" x2=\"{tx}\" y2=\"{y + barHeight + 2}\" stroke=\"#333\" stroke-dasharray=\"2,2\"/>");
            }
            sb.AppendLine($"  <text x=\"{(X(Math.Min(ratio, max)) + 4).ToString("0.#", Inv)}\" y=\"{y + 15}\">{ratio.ToString("0.00", Inv)}</text>");
        }
        var one = X(1.0).ToString("0.#", Inv);
        sb.AppendLine($"  <line x1=\"{one}\" y1=\"{top - 8}\" x2=\"{one}\" y2=\"{height - 40}\" stroke=\"black\" stroke-width=\"2\"/>");
        sb.AppendLine($"  <text x=\"{left}\" y=\"{height - 2}\" fill=\"#555\">dotted tick: the target; green: met, amber: faster but short of it, red: slower</text>");
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    /// <summary>
    /// The 10-million-row stream: per variant the median over runs of the peak working set, the resident set before the
    /// stream, the allocations per row and the rate, each driver in its own process.
    /// </summary>
    private static void AppendMemory(StringBuilder sb, List<List<MemoryProbe.Figure>> runs)
    {
        if (runs.Count == 0) return;
        const double targetMb = 64;
        var rows = runs[0].FirstOrDefault()?.Rows ?? 0;
        sb.AppendLine();
        sb.AppendLine($"## Big results: {rows:N0} streamed rows in constant memory");
        sb.AppendLine();
        sb.AppendLine("`SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, N) g`,");
        sb.AppendLine("every value read, each driver in a fresh process (`Sharpgres.Benchmarks memory`): the peak working set is the");
        sb.AppendLine("process's VmHWM (the most resident memory it ever had, runtime and JIT included), the baseline its resident set after");
        sb.AppendLine("connecting and streaming 10,000 rows once, just before the big stream. All variants read the same checksum.");
        sb.AppendLine($"Median over {runs.Count} run(s); target: Sharpgres's peak under {targetMb:0} MB.");
        sb.AppendLine();
        sb.AppendLine("| variant | peak working set | baseline | growth during the stream | allocated B/row | rows/s |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|");
        foreach (var variant in runs.SelectMany(r => r).Select(f => f.Variant).Distinct())
        {
            var of = runs.SelectMany(r => r).Where(f => f.Variant == variant).ToList();
            double Med(Func<MemoryProbe.Figure, double> pick) => Median(of.Select(pick).ToList());
            var peak = Med(f => f.PeakBytes) / 1048576;
            var mark = variant.StartsWith("sharpgres", StringComparison.Ordinal) ? peak < targetMb ? " ✓" : " ✗" : "";
            var name = variant switch
            {
                "sharpgres typed" => "Sharpgres `Stream<(int, string, double, DateTime)>()`",
                "sharpgres boxed" => "Sharpgres `Stream()` rows, `row[i]`",
                "npgsql" => "Npgsql `NpgsqlDataReader`, typed getters",
                _ => variant,
            };
            sb.AppendLine($"| {name} | {peak:N1} MB{mark} | {Med(f => f.BaselineBytes) / 1048576:N1} MB | {Med(f => f.PeakBytes - f.BaselineBytes) / 1048576:N1} MB "
                + $"| {Med(f => f.AllocatedPerRow):N1} | {Med(f => f.RowsPerSecond) / 1e6:N2} M |");
        }
    }

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
