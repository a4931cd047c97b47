using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sharpgres.Benchmarks.Interleaved;

namespace Sharpgres.Benchmarks;

/// <summary>
/// The interleaved runner behind docs/benchmarks.md: every driver of a workload in this one process, against one
/// server, round after round in alternating order (A B, B A, A B ...), so a change in the machine's state between
/// rounds hits both drivers alike. Each round records the wall-clock rate, the client process's CPU time (user and
/// system, all threads: a spinning wait shows), the managed bytes allocated and the server's CPU time; the report
/// takes the median per-round ratio with its min–max.
///   probe [substring of a workload or suite ...] [--rounds N] [--ms M] [--condition quiet|loaded] [--json FILE] [--list]
/// <c>--condition loaded</c> runs two busy-loop processes pinned one per core for the whole run (a busy application
/// server next to the client); <c>quiet</c> runs nothing else (the machine must be idle: see the load averages).
/// </summary>
internal static class Probe
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var rounds = 7;
        var budgetMs = 500;
        var condition = "quiet";
        string? json = null;
        var list = false;
        var filters = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--ms": budgetMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--condition": condition = args[++i]; break;
                case "--json": json = args[++i]; break;
                case "--list": list = true; break;
                default: filters.Add(args[i]); break;
            }
        }
        if (condition is not ("quiet" or "loaded")) { Console.Error.WriteLine("--condition quiet|loaded"); return 2; }

        var suites = Catalog.Suites()
            .Select(s => new Suite(s.Name, s.Setup, s.Cleanup, s.Workloads.Where(w => Matches(filters, s, w)).ToList()))
            .Where(s => s.Workloads.Count > 0)
            .ToList();
        if (list)
        {
            foreach (var s in suites)
                foreach (var w in s.Workloads)
                    Console.WriteLine($"{s.Name,-24} {w.Name,-44} {string.Join(" | ", w.Sides.Select(d => d.Driver))}");
            return 0;
        }

        var meta = Catalog.Meta();
        meta["round_ms"] = budgetMs.ToString(CultureInfo.InvariantCulture);
        // The telemetry suite's A/A calibration (TelemetryBenchmarks): the report must not read it as the two builds.
        if (Environment.GetEnvironmentVariable("SHARPGRES_BENCH_SAME_BUILD") == "1") meta["same_build"] = "1";
        var started = DateTime.UtcNow;
        var loadBefore = Meters.LoadAverage();
        Console.WriteLine($"== {condition}: {rounds} rounds of {budgetMs} ms per driver, load average {loadBefore:0.00}");
        using var load = condition == "loaded" ? BusyLoops.Start() : null;
        var results = new List<WorkloadResult>();
        foreach (var suite in suites)
        {
            suite.Setup();
            try
            {
                foreach (var w in suite.Workloads) results.Add(RunWorkload(w, rounds, budgetMs));
            }
            finally { suite.Cleanup(); }
        }
        load?.Dispose();
        var run = new RunResult(condition, Stamp(started), Stamp(DateTime.UtcNow), loadBefore, Meters.LoadAverage(), rounds, meta, results);
        if (json is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            File.WriteAllText(json, JsonSerializer.Serialize(run, RunJson.Options));
            Console.WriteLine($"wrote {json}");
        }
        return 0;
    }

    private static bool Matches(List<string> filters, Suite suite, WorkloadSpec w) =>
        filters.Count == 0 || filters.Any(f => suite.Name.Contains(f, StringComparison.OrdinalIgnoreCase) || w.Name.Contains(f, StringComparison.OrdinalIgnoreCase));

    private static string Stamp(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static WorkloadResult RunWorkload(WorkloadSpec w, int rounds, int budgetMs)
    {
        var loadBefore = Meters.LoadAverage();
        // Warm-up: tiered JIT settles, prepared statements exist, connections are hot.
        foreach (var side in w.Sides) Measure(side, Math.Max(budgetMs, 400));
        var samples = w.Sides.ToDictionary(s => s, _ => new List<Sample>());
        for (var r = 0; r < rounds; r++)
        {
            // A B, then B A, ...: neither driver always runs first or right after the other.
            var order = r % 2 == 0 ? w.Sides : Enumerable.Reverse(w.Sides).ToList();
            foreach (var side in order) samples[side].Add(Measure(side, budgetMs));
        }
        var result = new WorkloadResult(w.Name, w.Group, w.Unit, w.X, w.Target,
            w.Sides.Select(s => new SideResult(s.Driver, samples[s])).ToList(), loadBefore, Meters.LoadAverage(), w.Connections);
        Print(result);
        return result;
    }

    private static void Print(WorkloadResult w)
    {
        var baseline = w.Sides.FirstOrDefault(s => s.Driver == Drivers.Npgsql);
        foreach (var s in w.Sides)
        {
            var rate = Stats.Median(s.Rounds.Select(r => r.Rate));
            var cpu = Stats.Median(s.Rounds.Select(r => r.CpuPerUnit)) * 1e9;
            var bytes = Stats.Median(s.Rounds.Select(r => r.Bytes / r.Units));
            var ratio = baseline is null || ReferenceEquals(s, baseline) ? "" : Stats.RatioText(Stats.Ratios(s, baseline));
            var latency = s.Rounds[0].P50Micros is null ? "" : $" p50 {Stats.Median(s.Rounds.Select(r => r.P50Micros!.Value)),6:N0} µs p99 {Stats.Median(s.Rounds.Select(r => r.P99Micros!.Value)),7:N0} µs";
            Console.WriteLine($"{w.Name,-44} {s.Driver,-22} {rate,12:N0} {w.Unit}/s {cpu,9:N0} ns cpu/{w.Unit[..^1]} {bytes,8:N0} B {ratio}{latency}");
        }
        Console.WriteLine($"{"",-44} load {w.LoadBefore:0.00} → {w.LoadAfter:0.00}");
    }

    /// <summary>One round of one side.</summary>
    private static Sample Measure(Side side, int budgetMs)
    {
        side.BeforeRound?.Invoke();
        if (side.Round is { } round) return round(budgetMs);
        var call = side.Call!;
        var budget = TimeSpan.FromMilliseconds(budgetMs);
        if (side.BeforeCall is null)
        {
            var before = Snapshot.Begin();
            var start = Stopwatch.GetTimestamp();
            double units = 0;
            do units += call(); while (Stopwatch.GetElapsedTime(start) < budget);
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return Snapshot.End().Since(before, seconds, units);
        }
        // Work before each call (TRUNCATE) stays out of the time, the CPU and the allocations.
        Sample? total = null;
        var clock = Stopwatch.StartNew();
        do
        {
            side.BeforeCall();
            var before = Snapshot.Begin();
            var start = Stopwatch.GetTimestamp();
            var units = call();
            var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var one = Snapshot.End().Since(before, seconds, units);
            total = total is null ? one : new Sample(total.Seconds + one.Seconds, total.Units + one.Units, total.CpuUser + one.CpuUser,
                total.CpuSystem + one.CpuSystem, total.Bytes + one.Bytes, total.ServerCpu + one.ServerCpu);
        } while (clock.Elapsed < budget);
        return total;
    }
}

/// <summary>The meters at one moment; the difference of two is a round's sample.</summary>
internal readonly record struct Snapshot(double User, double System, long Bytes, double Server)
{
    /// <summary>Before a round: the server's CPU first (reading /proc allocates and costs CPU), the client's last.</summary>
    public static Snapshot Begin()
    {
        var server = Meters.ServerCpu(BenchServer.PostmasterPid);
        var (user, system) = Meters.Cpu();
        return new Snapshot(user, system, GC.GetTotalAllocatedBytes(precise: true), server);
    }

    /// <summary>After a round: the client's meters first, then the server's.</summary>
    public static Snapshot End()
    {
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var (user, system) = Meters.Cpu();
        return new Snapshot(user, system, bytes, Meters.ServerCpu(BenchServer.PostmasterPid));
    }

    public Sample Since(Snapshot before, double seconds, double units, double? p50 = null, double? p99 = null) =>
        new(seconds, units, User - before.User, System - before.System, Bytes - before.Bytes, Server - before.Server, p50, p99);
}

/// <summary>Medians and per-round ratios.</summary>
internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Round by round: this side's rate over the baseline's in the same round.</summary>
    public static double[] Ratios(SideResult side, SideResult baseline) =>
        side.Rounds.Zip(baseline.Rounds, (a, b) => a.Rate / b.Rate).ToArray();

    public static string RatioText(double[] ratios) =>
        ratios.Length == 0 ? "" : $"{Median(ratios):0.00} ({ratios.Min():0.00}–{ratios.Max():0.00})";

    /// <summary>
    /// A 95% interval for the median of <paramref name="values"/>: the 2.5th and 97.5th percentiles of the medians of
    /// 2,000 resamples drawn with replacement (the percentile bootstrap), from a fixed seed so a report redrawn from
    /// the same JSON says the same. With a few hundred short rounds it shows what a median ratio can resolve on this
    /// machine, which the range of single rounds (each one a VM wake-up spell or not) can't.
    /// </summary>
    public static (double Low, double High) MedianInterval(double[] values)
    {
        if (values.Length < 2) return (double.NaN, double.NaN);
        const int resamples = 2000;
        var random = new Random(15);
        var medians = new double[resamples];
        var sample = new double[values.Length];
        for (var i = 0; i < resamples; i++)
        {
            for (var j = 0; j < sample.Length; j++) sample[j] = values[random.Next(values.Length)];
            medians[i] = Median(sample);
        }
        Array.Sort(medians);
        return (medians[(int)(resamples * 0.025)], medians[(int)(resamples * 0.975) - 1]);
    }

    /// <summary>Rounds that disagree by more than 2×: a driver's rates, or the per-round ratios.</summary>
    public static bool Unstable(IEnumerable<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x) && x > 0).ToArray();
        return v.Length > 1 && v.Max() / v.Min() > 2;
    }
}

/// <summary>The "loaded" condition: a busy loop pinned to each core, for the whole run.</summary>
internal sealed class BusyLoops : IDisposable
{
    private readonly List<Process> _loops = [];

    public static BusyLoops Start()
    {
        var loops = new BusyLoops();
        for (var cpu = 0; cpu < Environment.ProcessorCount && cpu < 2; cpu++)
        {
            var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
            foreach (var a in new[] { "-c", cpu.ToString(CultureInfo.InvariantCulture), "sh", "-c", "while :; do :; done" }) start.ArgumentList.Add(a);
            loops._loops.Add(Process.Start(start)!);
        }
        Thread.Sleep(500);   // let the scheduler see them
        return loops;
    }

    public void Dispose()
    {
        foreach (var p in _loops)
        {
            try { p.Kill(); p.WaitForExit(5000); } catch (InvalidOperationException) { }
            p.Dispose();
        }
        _loops.Clear();
    }
}
