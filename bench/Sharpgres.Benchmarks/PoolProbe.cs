using System.Diagnostics;

namespace Sharpgres.Benchmarks;

/// <summary>
/// Pool figures BenchmarkDotNet doesn't give:
///   pool-wait [--checkouts N] [--rounds R]   pool_contended (64 tasks over 16 connections, N checkouts per task,
///       default 100,000 as the issue asks) for each driver in turn, R interleaved rounds: throughput, client CPU,
///       and the p50/p99 of the time spent waiting for a connection.
///   pool-heap [--checkouts N]   1,000,000 checkouts (take, give back, a SELECT 1 every 1,000th) on a warm pool: the
///       managed heap after a full GC at 10,000 and at N; exit code 1 when it grew by more than 64 KB.
/// </summary>
internal static class PoolProbe
{
    public static int Wait(string[] args)
    {
        var perTask = Option(args, "--checkouts", 100_000);
        var rounds = Option(args, "--rounds", 3);
        using var pool = PoolBenchmarks.CreateSharpgres(PoolBenchmarks.PoolSize);
        using var source = PoolBenchmarks.CreateNpgsql(PoolBenchmarks.PoolSize);
        PoolBenchmarks.RunSharpgresContended(pool, 100, null).GetAwaiter().GetResult();
        PoolBenchmarks.RunNpgsqlContended(source, 100, null).GetAwaiter().GetResult();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var driver in round % 2 == 1 ? new[] { "Sharpgres", "Npgsql" } : ["Npgsql", "Sharpgres"])
            {
                var waits = Enumerable.Range(0, PoolBenchmarks.Tasks).Select(_ => new long[perTask]).ToArray();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                (driver == "Sharpgres"
                    ? PoolBenchmarks.RunSharpgresContended(pool, perTask, waits)
                    : PoolBenchmarks.RunNpgsqlContended(source, perTask, waits)).GetAwaiter().GetResult();
                watch.Stop();
                var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var all = waits.SelectMany(w => w).Order().ToArray();
                double Us(double q) => all[(int)Math.Min(all.Length - 1, q * all.Length)] * 1e6 / Stopwatch.Frequency;
                var total = (double)PoolBenchmarks.Tasks * perTask;
                Console.WriteLine($"round {round} {driver,-9} {total / watch.Elapsed.TotalSeconds,10:N0} checkouts/s  " +
                    $"client CPU {cpuUsed.TotalMicroseconds / total,6:N1} us/checkout  wait p50 {Us(0.50),8:N1} us  p99 {Us(0.99),8:N1} us");
            }
        }
        return 0;
    }

    public static int Heap(string[] args)
    {
        var checkouts = Option(args, "--checkouts", 1_000_000);
        using var pool = PoolBenchmarks.CreateSharpgres(2);
        void Run(int n)
        {
            for (var i = 0; i < n; i++)
            {
                using var conn = pool.Connection();
                if (i % 1000 == 0) conn.Execute("SELECT 1");
            }
        }
        Run(10_000);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        Run(checkouts - 10_000);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perCheckout = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)(checkouts - 10_000);
        var growth = after - before;
        Console.WriteLine($"{checkouts:N0} checkouts: managed heap {before:N0} B after 10,000, {after:N0} B after all " +
            $"(growth {growth:N0} B); {perCheckout:N0} B allocated per checkout");
        return growth > 64 * 1024 ? 1 : 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}
