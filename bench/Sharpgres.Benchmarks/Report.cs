using System.Globalization;
using System.Text;
using System.Text.Json;
using Sharpgres.Benchmarks.Interleaved;

namespace Sharpgres.Benchmarks;

/// <summary>
/// Turns the interleaved runner's JSON (quiet.json, loaded.json), the memory curve (memory.json) and the Python
/// context rows (python.json) of one results folder into docs/benchmarks.md and docs/benchmarks.svg, then appends
/// bench/notes.md (the hand-written analysis).
///   report DIR [--out docs/benchmarks.md] [--svg docs/benchmarks.svg] [--notes bench/notes.md]
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Write(string[] args)
    {
        CultureInfo.CurrentCulture = Inv;
        if (args.Length == 0) { Console.Error.WriteLine("report DIR [--out FILE.md] [--svg FILE.svg] [--notes FILE.md]"); return 2; }
        var dir = args[0];
        var outMd = Path.Combine("docs", "benchmarks.md");
        var outSvg = Path.Combine("docs", "benchmarks.svg");
        var notes = Path.Combine("bench", "notes.md");
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--out") outMd = args[++i];
            else if (args[i] == "--svg") outSvg = args[++i];
            else if (args[i] == "--notes") notes = args[++i];
        }
        var quiet = Read(Path.Combine(dir, "quiet.json"));
        var loaded = Read(Path.Combine(dir, "loaded.json"));
        if (quiet is null && loaded is null) { Console.Error.WriteLine($"no quiet.json or loaded.json in {dir}"); return 1; }
        var memoryFile = Path.Combine(dir, "memory.json");
        var memory = File.Exists(memoryFile) ? JsonSerializer.Deserialize<List<MemoryProbe.Figure>>(File.ReadAllText(memoryFile)) ?? [] : [];

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outMd))!);
        File.WriteAllText(outSvg, ReportChart.Svg(quiet ?? loaded!, memory));
        var svgPath = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(outMd))!, Path.GetFullPath(outSvg)).Replace('\\', '/');
        // Issue 15's dedicated pass (bench/run.sh): many short rounds of the telemetry suite, and its A/A calibration.
        // The A/A file counts only if its probe really ran the shipped build on both sides (Probe writes same_build).
        var sameBuild = Read(Path.Combine(dir, "telemetry-aa.json")) is { } aa && aa.Meta.ContainsKey("same_build") ? aa : null;
        var telemetry = new TelemetryRuns(Read(Path.Combine(dir, "telemetry.json")), sameBuild);
        var markdown = Markdown(quiet, loaded, telemetry, memory, svgPath);
        if (File.Exists(notes)) markdown += Environment.NewLine + File.ReadAllText(notes);
        File.WriteAllText(outMd, markdown);
        Console.WriteLine($"wrote {outMd} and {outSvg}");
        return 0;
    }

    private static RunResult? Read(string file) =>
        File.Exists(file) ? JsonSerializer.Deserialize<RunResult>(File.ReadAllText(file), RunJson.Options) : null;

    /// <summary>The figures of one driver in one workload, medians over its rounds.</summary>
    /// <remarks>ServerShare and ClientShare are CPU seconds per second of the round: 1.0 is one core kept busy.</remarks>
    internal sealed record Figures(double Rate, double CpuPerUnit, double UserPerUnit, double BytesPerUnit, double ServerPerUnit, double ServerShare,
        double ClientShare, double P50, double P99, bool Unstable)
    {
        public static Figures Of(SideResult s) => new(
            Stats.Median(s.Rounds.Select(r => r.Rate)),
            Stats.Median(s.Rounds.Select(r => r.CpuPerUnit)),
            Stats.Median(s.Rounds.Select(r => r.CpuUser / r.Units)),
            Stats.Median(s.Rounds.Select(r => r.Bytes / r.Units)),
            Stats.Median(s.Rounds.Select(r => r.ServerCpu / r.Units)),
            Stats.Median(s.Rounds.Select(r => r.ServerCpu / r.Seconds)),
            Stats.Median(s.Rounds.Select(r => (r.CpuUser + r.CpuSystem) / r.Seconds)),
            Stats.Median(s.Rounds.Select(r => r.P50Micros ?? double.NaN)),
            Stats.Median(s.Rounds.Select(r => r.P99Micros ?? double.NaN)),
            Stats.Unstable(s.Rounds.Select(r => r.Rate)));
    }

    /// <summary>Sharpgres against Npgsql in one workload: the per-round ratios and the CPU ratio.</summary>
    /// <remarks>
    /// <paramref name="Cores"/> is the machine's (the run's meta). What the server can use is one core per backend the
    /// workload keeps busy, at most every core: a single connection's backend is saturated at 1.0, 32 connections on
    /// two cores at 2.0.
    /// </remarks>
    internal sealed record Comparison(WorkloadResult W, Figures S, Figures N, double[] Ratios, int Cores)
    {
        /// <summary>Share of its capacity the server must be busy, for both drivers, for the row to count as server-bound.</summary>
        public const double BoundShare = 0.85;
        /// <summary>A server-bound row's target: Sharpgres's client CPU per unit at most this times Npgsql's (issue 17 §3).</summary>
        public const double CpuTarget = 0.5;

        public double Ratio => Stats.Median(Ratios);
        public double CpuRatio => S.CpuPerUnit / N.CpuPerUnit;
        public bool Unstable => S.Unstable || N.Unstable || Stats.Unstable(Ratios);
        /// <summary>Cores the workload's server backends can use: one per connection, at most the machine's.</summary>
        public double ServerCapacity => Math.Max(1, Math.Min(Math.Max(1, W.Connections), Cores));
        /// <summary>
        /// The server is busy ≥ 85% of what its backends can use, for both drivers: the server makes the rate, and
        /// the client's part is its CPU per unit.
        /// </summary>
        public bool ServerBound => S.ServerShare >= BoundShare * ServerCapacity && N.ServerShare >= BoundShare * ServerCapacity;
        /// <summary>
        /// Not server-bound, but client and server together keep every core busy for both drivers (many connections
        /// on a small machine): each µs of client CPU is taken from the server, so the rate target stands.
        /// </summary>
        public bool MachineBound => !ServerBound && S.ServerShare + S.ClientShare >= BoundShare * Cores && N.ServerShare + N.ClientShare >= BoundShare * Cores;
        /// <summary>Met by the rate, or (server-bound rows only) by the client CPU per unit: both figures are measured, none assumed.</summary>
        public bool Met => !double.IsNaN(W.Target) && (Ratio >= W.Target || ServerBound && CpuRatio <= CpuTarget);
        /// <summary>Which figure decided a met target ("" when not met, or met by the rate).</summary>
        public bool MetByCpu => Met && Ratio < W.Target;

        public static Comparison? Of(WorkloadResult w, int cores)
        {
            var s = w.Sides.FirstOrDefault(x => x.Driver == Drivers.Sharpgres);
            var n = w.Sides.FirstOrDefault(x => x.Driver == Drivers.Npgsql);
            return s is null || n is null ? null : new Comparison(w, Figures.Of(s), Figures.Of(n), Stats.Ratios(s, n), cores);
        }
    }

    /// <summary>The run's core count (older runs didn't record it: this machine's).</summary>
    internal static int CoresOf(RunResult? run) =>
        run?.Meta.GetValueOrDefault("cores") is { } text && int.TryParse(text, NumberStyles.Integer, Inv, out var cores) && cores > 0
            ? cores : Environment.ProcessorCount;

    /// <summary>
    /// Issue 15's own runs: <paramref name="Quiet"/> the telemetry suite alone, quiet, in a few hundred short rounds;
    /// <paramref name="SameBuild"/> its two-builds workloads with the shipped build on both sides (the method's A/A).
    /// </summary>
    internal sealed record TelemetryRuns(RunResult? Quiet, RunResult? SameBuild);

    private static string Markdown(RunResult? quiet, RunResult? loaded, TelemetryRuns telemetry, List<MemoryProbe.Figure> memory, string svgPath)
    {
        var main = quiet ?? loaded!;
        var sb = new StringBuilder();
        sb.AppendLine("# Benchmarks: Sharpgres and Npgsql side by side");
        sb.AppendLine();
        sb.AppendLine("<!-- Generated by bench/run.sh (Sharpgres.Benchmarks report): edit the generator or bench/notes.md, not this file. -->");
        sb.AppendLine();
        sb.AppendLine($"![Ratio Sharpgres / Npgsql per workload on the quiet machine, with the min–max of the rounds, and the client CPU ratio]({svgPath})");
        sb.AppendLine();
        sb.AppendLine("**How these figures are made.** Both drivers run in one process against one throwaway server (TempServer:");
        sb.AppendLine("SCRAM-SHA-256, fsync off, unlogged tables), in interleaved rounds — Sharpgres, Npgsql, then Npgsql, Sharpgres, and so on —");
        sb.AppendLine($"{main.Rounds} rounds per driver and workload after a warm-up round, so whatever else the machine does hits both alike.");
        sb.AppendLine("A ratio is the median of the per-round ratios Sharpgres / Npgsql (**above 1.00 Sharpgres is faster**), with the");
        sb.AppendLine("lowest and highest round in brackets. *Client CPU* is the process's user + system CPU time over the round (every thread,");
        sb.AppendLine("so a driver that spins while it waits pays for it here) per unit; *server CPU* is the PostgreSQL processes' CPU time");
        sb.AppendLine("per unit (/proc, 10 ms resolution); allocations are the managed bytes allocated per unit. A row marked ⚠ had rounds");
        sb.AppendLine("that disagree by more than 2× (a driver's rates or the ratios): read it as noise. *Quiet*: nothing else running;");
        sb.AppendLine("*loaded*: two busy-loop processes pinned one per core for the whole run (a busy application server beside the client).");
        sb.AppendLine();
        foreach (var run in new[] { quiet, loaded }.Where(r => r is not null))
            sb.AppendLine($"- {Cap(run!.Condition)} run: {run.Started} to {run.Ended}, load average (1 min) {run.LoadBefore:0.00} before, {run.LoadAfter:0.00} after.");
        sb.AppendLine();

        var q = (quiet?.Workloads ?? []).Where(w => w.Group == "table").ToList();
        var l = (loaded?.Workloads ?? []).Where(w => w.Group == "table").ToDictionary(w => w.Name);
        var names = q.Select(w => w.Name).Concat(l.Keys.Where(k => q.All(w => w.Name != k))).ToList();
        sb.AppendLine("## Throughput");
        sb.AppendLine();
        sb.AppendLine("| workload | unit | Sharpgres | Npgsql | ratio, quiet | target | ratio, loaded | client CPU ratio (quiet · loaded) |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var name in names)
        {
            var cq = q.FirstOrDefault(w => w.Name == name) is { } wq ? Comparison.Of(wq, CoresOf(quiet)) : null;
            var cl = l.TryGetValue(name, out var wl) ? Comparison.Of(wl, CoresOf(loaded)) : null;
            var any = cq ?? cl;
            if (any is null) continue;
            var bound = cq is { ServerBound: true } ? " (server-bound)" : cq is { MachineBound: true } ? " (CPU-bound)" : "";
            var target = double.IsNaN(any.W.Target) ? "(context)"
                : cq is { ServerBound: true } ? $"≥ {any.W.Target:0.00} or client CPU ≤ {Comparison.CpuTarget:0.00}×" : $"≥ {any.W.Target:0.00}";
            // An unstable row (⚠) neither meets nor misses its target: its rounds disagree too much to say.
            var mark = cq is null || double.IsNaN(cq.W.Target) || cq.Unstable ? "" : cq.MetByCpu ? " ✓ (by CPU)" : cq.Met ? " ✓" : " ✗";
            var cpuMark = cq is { ServerBound: true } ? (cq.CpuRatio <= Comparison.CpuTarget ? " ✓" : " ✗") : "";
            sb.AppendLine($"| {Escape(name)}{bound} | {any.W.Unit}/s | {Human(cq?.S.Rate)} | {Human(cq?.N.Rate)} | {RatioCell(cq)}{mark} | {target} | {RatioCell(cl)} | "
                + $"{Num(cq?.CpuRatio)}{cpuMark} · {Num(cl?.CpuRatio)} |");
        }
        sb.AppendLine();
        sb.AppendLine("A *server-bound* row is one where the server was busy ≥ 85% of what its backends can use, for both drivers (one core");
        sb.AppendLine("per connection the workload keeps busy, at most every core; the server's CPU per second is in the next table): the rate");
        sb.AppendLine("is then the server's, and the target becomes the rate target *or* client CPU per unit ≤ 0.50× Npgsql's — \"✓ (by CPU)\"");
        sb.AppendLine("says the CPU figure met it, and the client-CPU ratio is marked ✓ or ✗ against 0.50. A *CPU-bound* row is not");
        sb.AppendLine("server-bound, but client and server together kept every core busy for both drivers (many connections on this small");
        sb.AppendLine("machine): each µs of client CPU is taken from the server, so its target stays the rate.");
        sb.AppendLine();
        sb.AppendLine("## Client CPU, server CPU and allocations per unit (quiet)");
        sb.AppendLine();
        sb.AppendLine("*Busy* is CPU seconds per second of the round (1.00 = one core kept busy); the server's is set against what its");
        sb.AppendLine("backends can use (in brackets: one core per connection, at most every core).");
        sb.AppendLine();
        sb.AppendLine("| workload | client CPU, Sharpgres | client CPU, Npgsql | of it user, S · N | server CPU, S · N | server busy, S · N | client busy, S · N | allocated, Sharpgres | allocated, Npgsql |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var w in q)
        {
            if (Comparison.Of(w, CoresOf(quiet)) is not { } c) continue;
            sb.AppendLine($"| {Escape(w.Name)} | {Time(c.S.CpuPerUnit)} | {Time(c.N.CpuPerUnit)} | {Time(c.S.UserPerUnit)} · {Time(c.N.UserPerUnit)} | "
                + $"{Time(c.S.ServerPerUnit)} · {Time(c.N.ServerPerUnit)} | {Num(c.S.ServerShare)} · {Num(c.N.ServerShare)} (of {c.ServerCapacity:0}) | "
                + $"{Num(c.S.ClientShare)} · {Num(c.N.ClientShare)} | {Bytes(c.S.BytesPerUnit)} | {Bytes(c.N.BytesPerUnit)} |");
        }
        AppendOtherSides(sb, quiet, loaded);
        var telemetrySources = TelemetrySources(telemetry, quiet, loaded);
        AppendTelemetry(sb, telemetrySources);
        AppendNoCost(sb, telemetrySources, telemetry.SameBuild);
        AppendConcurrency(sb, quiet, loaded, "concurrency", "Point-query latency against concurrency, dedicated connections",
            "N tasks, each on its own open connection, run async point queries for the round", "connections");
        AppendConcurrency(sb, quiet, loaded, "pool", $"Point-query latency against concurrency, over a pool of {Curves.PoolSize}",
            $"N tasks share a pool of {Curves.PoolSize} connections (Sharpgres `ConnectionPool`, Npgsql's data-source pool), each query a checkout", "tasks");
        AppendWidth(sb, quiet, loaded);
        AppendMemory(sb, memory);
        sb.AppendLine();
        sb.AppendLine("## Machine and versions");
        sb.AppendLine();
        sb.AppendLine($"- Machine: {main.Meta.GetValueOrDefault("machine", "?")}");
        sb.AppendLine($"- {main.Meta.GetValueOrDefault("dotnet", "?")}; PostgreSQL {main.Meta.GetValueOrDefault("postgresql", "?")}; Npgsql {main.Meta.GetValueOrDefault("npgsql", "?")}; {main.Meta.GetValueOrDefault("pgbench", "?")}");
        sb.AppendLine($"- Sharpgres commit: {main.Meta.GetValueOrDefault("commit", "?")}");
        sb.AppendLine();
        AppendWorkloads(sb);
        return sb.ToString();
    }

    /// <summary>pgbench and "no spin" beside the point query: what a blocking client reaches, and what the spin does.</summary>
    private static void AppendOtherSides(StringBuilder sb, RunResult? quiet, RunResult? loaded)
    {
        var rows = new List<string>();
        foreach (var run in new[] { quiet, loaded })
        {
            if (run is null) continue;
            foreach (var w in run.Workloads.Where(w => w.Group == "table"))
            {
                var n = w.Sides.FirstOrDefault(s => s.Driver == Drivers.Npgsql);
                foreach (var side in w.Sides.Where(s => s.Driver is not Drivers.Npgsql))
                {
                    var f = Figures.Of(side);
                    var ratio = n is null ? "—" : Stats.RatioText(Stats.Ratios(side, n));
                    var flag = f.Unstable ? " ⚠" : "";
                    rows.Add($"| {Escape(w.Name)} | {run.Condition} | {side.Driver} | {Human(f.Rate)}{flag} | {ratio} | {Time(f.CpuPerUnit)} | {Time(f.UserPerUnit)} | {Bytes(f.BytesPerUnit)} |");
                }
            }
        }
        if (!rows.Any(r => r.Contains(Drivers.Pgbench, StringComparison.Ordinal) || r.Contains(Drivers.SharpgresNoSpin, StringComparison.Ordinal))) return;
        sb.AppendLine();
        sb.AppendLine("## The point query up close");
        sb.AppendLine();
        sb.AppendLine("Every side of the point-query rows, each against Npgsql's rounds: Sharpgres as shipped (a short adaptive spin before");
        sb.AppendLine("a blocking read), Sharpgres on a connection with the spin off, and libpq's `pgbench -M prepared` running the same");
        sb.AppendLine("statement (the anchor for a blocking client; its CPU includes connecting, a few ms per round).");
        sb.AppendLine();
        sb.AppendLine("| workload | condition | driver | rate | ratio to Npgsql | client CPU/unit | of it user | allocated/unit |");
        sb.AppendLine("|---|---|---|--:|--:|--:|--:|--:|");
        foreach (var r in rows.Where(r => r.StartsWith("| point", StringComparison.Ordinal))) sb.AppendLine(r);
    }

    /// <summary>
    /// Where issue 15's rows come from: its dedicated quiet pass when the folder has one (else the quiet run), and the
    /// loaded run; each labelled with its rounds.
    /// </summary>
    private static List<(string Condition, RunResult Run)> TelemetrySources(TelemetryRuns telemetry, RunResult? quiet, RunResult? loaded)
    {
        var sources = new List<(string, RunResult)>();
        if ((telemetry.Quiet ?? quiet) is { } q) sources.Add(($"{q.Condition}, {RoundsText(q)}", q));
        if (loaded is not null) sources.Add(($"{loaded.Condition}, {RoundsText(loaded)}", loaded));
        return sources;
    }

    private static string RoundsText(RunResult run) =>
        run.Meta.TryGetValue("round_ms", out var ms) ? $"{run.Rounds} × {ms} ms" : $"{run.Rounds} rounds";

    /// <summary>
    /// The median of the per-round ratios with its 95% bootstrap interval, then the range of single rounds; the mark
    /// says what the interval decides: ✓ all of it at or above <paramref name="target"/>, ✗ all of it below, ⚠ it
    /// straddles the target (the rounds can't tell).
    /// </summary>
    private static string IntervalCell(double[] ratios, double target)
    {
        var (low, high) = Stats.MedianInterval(ratios);
        var mark = double.IsNaN(target) ? "" : low >= target ? " ✓" : high < target ? " ✗" : " ⚠";
        return $"{Stats.Median(ratios):0.000} [{low:0.000}–{high:0.000}]{mark} | {ratios.Min():0.00}–{ratios.Max():0.00}";
    }

    /// <summary>Issue 15's cost of tracing: the OpenTelemetry SDK side against the unobserved side, round by round.</summary>
    private static void AppendTelemetry(StringBuilder sb, List<(string Condition, RunResult Run)> sources)
    {
        var rows = new List<string>();
        foreach (var (condition, run) in sources)
        {
            foreach (var w in run.Workloads.Where(w => w.Group == "table"))
            {
                var plain = w.Sides.FirstOrDefault(s => s.Driver == Drivers.Sharpgres);
                var traced = w.Sides.FirstOrDefault(s => s.Driver == Drivers.SharpgresTraced);
                if (plain is null || traced is null) continue;
                var (p, t) = (Figures.Of(plain), Figures.Of(traced));
                rows.Add($"| {Escape(w.Name)} | {condition} | {Human(p.Rate)} | {Human(t.Rate)} | {IntervalCell(Stats.Ratios(traced, plain), 1 / 1.10)} | "
                    + $"{Time(p.CpuPerUnit)} · {Time(t.CpuPerUnit)} | {Time(p.UserPerUnit)} · {Time(t.UserPerUnit)} | {Bytes(p.BytesPerUnit)} · {Bytes(t.BytesPerUnit)} |");
            }
        }
        if (rows.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine("## Cost of tracing (issue 15)");
        sb.AppendLine();
        sb.AppendLine("The point query with nothing listening against the same query with the OpenTelemetry SDK attached (every span sampled");
        sb.AppendLine("and recorded, the duration metric aggregated, nothing exported), interleaved round by round in one process. Ratio =");
        sb.AppendLine("traced rate / unobserved rate in the same pair of rounds; target ≥ 0.91 (at most 10% more per query). The ratio is");
        sb.AppendLine("the median over the pairs with its 95% interval (bootstrap) in brackets: ✓ when the whole interval meets the target,");
        sb.AppendLine("✗ when none of it does, ⚠ when it straddles. Single rounds scatter widely on this VM (next column): bench/run.sh");
        sb.AppendLine("gives the quiet rows a pass of their own in a few hundred short rounds, which resolves the median to about a percent.");
        sb.AppendLine();
        sb.AppendLine("| workload | condition | unobserved ops/s | traced ops/s | ratio traced / unobserved [95%] | single rounds | client CPU/op, U · T | of it user, U · T | allocated/op, U · T |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in rows) sb.AppendLine(r);
    }

    /// <summary>
    /// Issue 15's no-cost figure: the shipped build with nobody listening against the build compiled without
    /// instrumentation, both loaded in this process (IsolatedBuild), round by round; then the same workloads with the
    /// shipped build on both sides (<paramref name="sameBuild"/>), which shows what the method itself resolves.
    /// </summary>
    private static void AppendNoCost(StringBuilder sb, List<(string Condition, RunResult Run)> sources, RunResult? sameBuild)
    {
        var rows = new List<string>();
        var all = sameBuild is null ? sources : [.. sources, ($"A/A: the shipped build on both sides, {sameBuild.Condition}, {RoundsText(sameBuild)}", sameBuild)];
        foreach (var (condition, run) in all)
        {
            var calibration = ReferenceEquals(run, sameBuild);
            foreach (var w in run.Workloads.Where(w => w.Group == "table"))
            {
                var shipped = w.Sides.FirstOrDefault(s => s.Driver == Drivers.Sharpgres);
                var bare = w.Sides.FirstOrDefault(s => s.Driver == Drivers.SharpgresUninstrumented);
                if (shipped is null || bare is null) continue;
                var (s, b) = (Figures.Of(shipped), Figures.Of(bare));
                rows.Add($"| {Escape(w.Name)} | {condition} | {Human(b.Rate)} | {Human(s.Rate)} | {IntervalCell(Stats.Ratios(shipped, bare), calibration ? double.NaN : 0.98)} | "
                    + $"{Time(b.CpuPerUnit)} · {Time(s.CpuPerUnit)} | {Time(b.UserPerUnit)} · {Time(s.UserPerUnit)} | {Bytes(b.BytesPerUnit)} · {Bytes(s.BytesPerUnit)} |");
            }
        }
        if (rows.Count == 0) return;
        sb.AppendLine();
        sb.AppendLine("## Cost when nobody listens (issue 15)");
        sb.AppendLine();
        sb.AppendLine("The shipped build with no ActivityListener and no MeterListener against Sharpgres compiled without instrumentation");
        sb.AppendLine("(`-p:SharpgresNoTelemetry=true`), each loaded into its own AssemblyLoadContext of this process and running the same");
        sb.AppendLine("point-query code, interleaved round by round. Ratio = shipped rate / uninstrumented rate in the same pair of rounds,");
        sb.AppendLine("median with its 95% interval as above; target ≥ 0.98 (within 2%), and the same allocations per query. The A/A rows");
        sb.AppendLine("load the shipped build on both sides (`SHARPGRES_BENCH_SAME_BUILD=1`): their interval is what the method itself scatters.");
        sb.AppendLine();
        sb.AppendLine("| workload | condition | uninstrumented ops/s | shipped ops/s | ratio shipped / uninstrumented [95%] | single rounds | client CPU/op, B · S | of it user, B · S | allocated/op, B · S |");
        sb.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in rows) sb.AppendLine(r);
    }

    private static void AppendConcurrency(StringBuilder sb, RunResult? quiet, RunResult? loaded, string group, string title, string what, string xName)
    {
        var points = quiet?.Workloads.Where(w => w.Group == group).ToList() ?? [];
        if (points.Count == 0) return;
        var loadedByX = loaded?.Workloads.Where(w => w.Group == group).ToDictionary(w => w.X) ?? [];
        sb.AppendLine();
        sb.AppendLine($"## {title}");
        sb.AppendLine();
        sb.AppendLine($"{what}; latency is per query (p50, p99 over every query of the round, median over rounds); the rate is the total.");
        sb.AppendLine();
        sb.AppendLine($"| {xName} | Sharpgres ops/s | p50 | p99 | Npgsql ops/s | p50 | p99 | ratio, quiet | ratio, loaded | client CPU ratio |");
        sb.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var w in points)
        {
            if (Comparison.Of(w, CoresOf(quiet)) is not { } c) continue;
            var cl = loadedByX.TryGetValue(w.X, out var lw) ? Comparison.Of(lw, CoresOf(loaded)) : null;
            sb.AppendLine($"| {w.X:0} | {Human(c.S.Rate)} | {c.S.P50:N0} µs | {c.S.P99:N0} µs | {Human(c.N.Rate)} | {c.N.P50:N0} µs | {c.N.P99:N0} µs | {RatioCell(c)} | {RatioCell(cl)} | {Num(c.CpuRatio)} |");
        }
    }

    private static void AppendWidth(StringBuilder sb, RunResult? quiet, RunResult? loaded)
    {
        var points = quiet?.Workloads.Where(w => w.Group == "width").ToList() ?? [];
        if (points.Count == 0) return;
        var loadedByX = loaded?.Workloads.Where(w => w.Group == "width").ToDictionary(w => w.X) ?? [];
        sb.AppendLine();
        sb.AppendLine("## Streamed fetch against row width");
        sb.AppendLine();
        sb.AppendLine("`Stream<T>()` against Npgsql's reader with typed getters; the row's value bytes set the width.");
        sb.AppendLine();
        sb.AppendLine("| row | bytes/row | Sharpgres rows/s | MB/s | Npgsql rows/s | MB/s | ratio, quiet | ratio, loaded | client CPU/row S · N |");
        sb.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var w in points)
        {
            if (Comparison.Of(w, CoresOf(quiet)) is not { } c) continue;
            var cl = loadedByX.TryGetValue(w.X, out var lw) ? Comparison.Of(lw, CoresOf(loaded)) : null;
            sb.AppendLine($"| {Escape(w.Name.Replace("fetch width: ", ""))} | {w.X:N0} | {Human(c.S.Rate)} | {c.S.Rate * w.X / 1e6:N1} | {Human(c.N.Rate)} | {c.N.Rate * w.X / 1e6:N1} | "
                + $"{RatioCell(c)} | {RatioCell(cl)} | {Time(c.S.CpuPerUnit)} · {Time(c.N.CpuPerUnit)} |");
        }
    }

    /// <summary>Peak working set against result size, each variant and size in its own child process.</summary>
    private static void AppendMemory(StringBuilder sb, List<MemoryProbe.Figure> figures)
    {
        if (figures.Count == 0) return;
        var sizes = figures.Select(f => f.Rows).Distinct().Order().ToList();
        var variants = figures.Select(f => f.Variant).Distinct().ToList();
        sb.AppendLine();
        sb.AppendLine("## Peak memory against result size");
        sb.AppendLine();
        sb.AppendLine("`SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, N) g`,");
        sb.AppendLine("every value read, each variant and size in a fresh process (`Sharpgres.Benchmarks memory`): the peak working set is");
        sb.AppendLine("the process's VmHWM (runtime and JIT included); the process holds ≈ its baseline (in brackets) before the result.");
        sb.AppendLine("All variants of a size read the same checksum. Buffered variants keep every row (Sharpgres `FetchAll<T>()`, Npgsql rows");
        sb.AppendLine("added to a `List`).");
        sb.AppendLine();
        sb.AppendLine("| variant | " + string.Join(" | ", sizes.Select(s => $"{s:N0} rows")) + " |");
        sb.AppendLine("|---|" + string.Concat(sizes.Select(_ => "--:|")));
        foreach (var v in variants)
        {
            var cells = sizes.Select(s => figures.FirstOrDefault(f => f.Variant == v && f.Rows == s) is { } f
                ? $"{f.PeakBytes / 1048576.0:N1} MB ({f.BaselineBytes / 1048576.0:N0})" : "—");
            sb.AppendLine($"| {Escape(MemoryProbe.Describe(v))} | {string.Join(" | ", cells)} |");
        }
    }

    private static void AppendWorkloads(StringBuilder sb)
    {
        sb.AppendLine("## Workloads");
        sb.AppendLine();
        sb.AppendLine("- **point**: `SELECT %s::int4 + 1` (Npgsql: `$1`, a reused command with a typed parameter) on one connection, one at a time,");
        sb.AppendLine("  read as int; over loopback TCP and over the server's Unix socket. Async rounds block on each returned task, as BenchmarkDotNet does.");
        sb.AppendLine("- **fetch_1M**: `SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, 1000000) g`,");
        sb.AppendLine("  every value read. Typed: `Stream<(int, string, double, DateTime)>()` vs `GetInt32/GetString/GetDouble/GetDateTime`;");
        sb.AppendLine("  boxed: `Stream()` and `row[i]` vs `GetValue(i)`. *Buffered*: `FetchAll<T>()` / `FetchAll()` (psycopg's client cursor reads");
        sb.AppendLine("  the whole result at `Execute`) against the Npgsql reader loop adding each row to a `List`. The statement runs again and");
        sb.AppendLine("  again on one connection, so from its second run `FetchAll<T>()` finds the rows mapped as they arrived (a statement's");
        sb.AppendLine("  first run, and records or classes, map after the server has finished: bench/notes.md, session 12).");
        sb.AppendLine("- **insert_100k**: 100,000 `INSERT INTO t (name, city, profession) VALUES (...)`: `ExecuteMany` vs `NpgsqlBatch` of 1000 commands;");
        sb.AppendLine("  the opt-in `conn.RewriteBatchedInserts = true` row sends 100 sets per statement and is compared with the same Npgsql batches.");
        sb.AppendLine("- **copy_in_1M / copy_out_1M**: the fetch_1M rows through COPY (binary with `SetTypes`, and text; out: raw binary blocks).");
        sb.AppendLine("- **connect**: open + SCRAM-SHA-256 + close, no pooling (Npgsql `Pooling=false`).");
        sb.AppendLine("- **concurrent**: 32 tasks on 32 open connections, 1,000 async point queries each; the rate is the total.");
        sb.AppendLine("- **fortunes**: `SELECT id, message FROM fortune` (12 rows) mapped onto `record Fortune(int Id, string Message)`.");
        sb.AppendLine();
        sb.AppendLine("Npgsql runs from an `NpgsqlDataSource` with automatic preparation (`Max Auto Prepare=20; Auto Prepare Min Usages=2`),");
        sb.AppendLine("its fastest configuration; Sharpgres with its defaults (prepared after 5 executions, binary results from the second).");
        sb.AppendLine();
        sb.AppendLine("Run it: `bench/run.sh` (see bench/README.md).");
    }

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string RatioCell(Comparison? c) =>
        c is null ? "—" : $"{Stats.RatioText(c.Ratios)}{(c.Unstable ? " ⚠" : "")}";

    private static string Num(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.00", Inv) : "—";

    internal static string Human(double? v) => v is not { } x || double.IsNaN(x) ? "—"
        : x >= 1e6 ? (x / 1e6).ToString("0.00", Inv) + " M" : x >= 1e3 ? (x / 1e3).ToString("0.0", Inv) + " k" : x.ToString("0", Inv);

    /// <summary>Seconds per unit as µs (≥ 1 µs) or ns.</summary>
    private static string Time(double seconds) => double.IsNaN(seconds) ? "—"
        : seconds >= 1e-3 ? (seconds * 1e3).ToString("0.00", Inv) + " ms"
        : seconds >= 1e-6 ? (seconds * 1e6).ToString("0.0", Inv) + " µs" : (seconds * 1e9).ToString("0", Inv) + " ns";

    private static string Bytes(double b) => double.IsNaN(b) ? "—" : b >= 100 ? b.ToString("N0", Inv) + " B" : b.ToString("0.#", Inv) + " B";

    internal static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
