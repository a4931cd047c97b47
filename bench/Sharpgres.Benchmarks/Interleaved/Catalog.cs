using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>
/// Everything the interleaved runner measures, in report order: the BenchmarkDotNet classes' [Workload] methods
/// (one suite per class, and per Transport for classes that have one), pgbench beside the synchronous point query,
/// and the curves (latency against concurrency, throughput against row width).
/// </summary>
internal static class Catalog
{
    /// <summary>Target ratios Sharpgres / Npgsql (issue 17; the point query's is on the quiet column).</summary>
    private static readonly Dictionary<string, double> Targets = new()
    {
        ["point (sync)"] = 1.10, ["point (async)"] = 1.10,
        ["fetch_1M typed"] = 1.10, ["fetch_1M typed, buffered (FetchAll<T>)"] = 1.00,
        ["fetch_1M boxed"] = 1.00, ["fetch_1M boxed, buffered (FetchAll)"] = 1.00,
        ["insert_100k"] = 1.30, ["insert_100k (rewrite, opt-in)"] = 1.30,
        ["copy_in_1M (binary)"] = 1.00, ["copy_in_1M (text)"] = 1.00, ["copy_out_1M"] = 1.00,
        ["connect"] = 1.00, ["concurrent"] = 1.00, ["fortunes"] = 1.10,
        // The pool (issue 11) and ADO.NET/Dapper (issue 12) workloads, once their classes are in the suite.
        ["pool_checkout"] = 1.10, ["pool_contended"] = 1.10,
        ["dapper_point"] = 1.10, ["dapper_fortunes"] = 1.10, ["ado_fetch_1M"] = 1.10,
    };

    /// <summary>A Sharpgres-only variant compared with another workload's Npgsql side (measured again, interleaved).</summary>
    private static readonly Dictionary<string, string> NpgsqlFrom = new()
    {
        ["insert_100k (rewrite, opt-in)"] = "insert_100k",
    };

    private static readonly string[] ClassOrder =
        ["PointBenchmarks", "FetchBenchmarks", "InsertBenchmarks", "CopyBenchmarks", "ConnectBenchmarks", "ConcurrentBenchmarks", "FortunesBenchmarks",
         "PoolBenchmarks", "DapperBenchmarks", "TelemetryBenchmarks"];

    public static List<Suite> Suites()
    {
        var types = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<WorkloadAttribute>() is not null))
            .OrderBy(t => Array.IndexOf(ClassOrder, t.Name) is var i && i < 0 ? int.MaxValue : i).ThenBy(t => t.Name)
            .ToList();
        var suites = new List<Suite>();
        foreach (var type in types)
        {
            var transports = type.GetProperty("Transport")?.GetCustomAttribute<ParamsAttribute>()?.Values.Cast<string>().ToArray();
            foreach (var transport in transports ?? [null!])
                suites.Add(FromClass(type, transport));
        }
        suites.AddRange(Curves.Suites());
        return suites;
    }

    /// <summary>One benchmark class as a suite: GlobalSetup/Cleanup around it, IterationSetup before each call.</summary>
    private static Suite FromClass(Type type, string? transport)
    {
        var instance = Activator.CreateInstance(type)!;
        if (transport is not null) type.GetProperty("Transport")!.SetValue(instance, transport);
        var suffix = transport is null or "tcp" ? "" : ", Unix socket";
        var iterationSetup = Actions(type, instance, typeof(IterationSetupAttribute));
        var methods = type.GetMethods()
            .Select(m => (Method: m, Workload: m.GetCustomAttribute<WorkloadAttribute>(), Benchmark: m.GetCustomAttribute<BenchmarkAttribute>()))
            .Where(x => x.Workload is not null && x.Benchmark is not null)
            .ToList();
        Side SideOf((MethodInfo Method, WorkloadAttribute? Workload, BenchmarkAttribute? Benchmark) x)
        {
            var call = Compile(instance, x.Method);
            double units = x.Benchmark!.OperationsPerInvoke;
            return new Side(x.Workload!.Driver)
            {
                Call = () => { if (call() is Task task) task.GetAwaiter().GetResult(); return units; },
                BeforeCall = iterationSetup,
                BeforeRound = x.Workload.BeforeRound is { } before ? ToAction(Compile(instance, type.GetMethod(before)!)) : null,
            };
        }
        var workloads = new List<WorkloadSpec>();
        foreach (var group in methods.GroupBy(x => x.Workload!.Name))
        {
            var sides = group.OrderBy(x => DriverOrder(x.Workload!.Driver)).Select(SideOf).ToList();
            if (NpgsqlFrom.TryGetValue(group.Key, out var from) && sides.All(s => s.Driver != Drivers.Npgsql))
                sides.AddRange(methods.Where(x => x.Workload!.Name == from && x.Workload.Driver == Drivers.Npgsql).Select(SideOf));
            var name = group.Key + suffix;
            workloads.Add(new WorkloadSpec(name, group.First().Workload!.Unit, sides, target: Targets.GetValueOrDefault(group.Key, double.NaN))
            {
                Connections = group.Max(x => x.Workload!.Connections),
            });
            if (group.Key == "point (sync)" && Pgbench.Available) sides.Add(Pgbench.Side(transport ?? "tcp"));
        }
        return new Suite(type.Name + suffix, Actions(type, instance, typeof(GlobalSetupAttribute)) ?? (() => { }),
            Actions(type, instance, typeof(GlobalCleanupAttribute)) ?? (() => { }), workloads);
    }

    private static int DriverOrder(string driver) => driver switch
    {
        Drivers.Sharpgres => 0,
        Drivers.Npgsql => 1,
        _ => 2,
    };

    private static Action ToAction(Func<object?> call) => () => call();

    private static Action? Actions(Type type, object instance, Type attribute)
    {
        var calls = type.GetMethods().Where(m => m.GetCustomAttribute(attribute) is not null).Select(m => Compile(instance, m)).ToArray();
        return calls.Length == 0 ? null : () => { foreach (var c in calls) c(); };
    }

    /// <summary>A direct call (reflection's Invoke allocates per call, which would blur the allocation figures).</summary>
    private static Func<object?> Compile(object instance, MethodInfo method)
    {
        var call = Expression.Call(Expression.Constant(instance), method);
        Expression body = method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object?>>(body).Compile();
    }

    /// <summary>The versions a result belongs to, read while the server is up.</summary>
    public static Dictionary<string, string> Meta()
    {
        using var conn = BenchServer.ConnectSharpgres();
        var version = conn.Cursor().Execute("SELECT current_setting('server_version')").FetchOne<string>() ?? "?";
        return new Dictionary<string, string>
        {
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["postgresql"] = version,
            ["npgsql"] = typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version?.ToString(3) ?? "?",
            ["benchmarkdotnet"] = typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString(3) ?? "?",
            ["pgbench"] = Pgbench.Version ?? "not found",
            ["machine"] = Machine(),
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["commit"] = Environment.GetEnvironmentVariable("SHARPGRES_BENCH_COMMIT") ?? "?",
        };
    }

    private static string Machine()
    {
        var cpu = "?";
        var mem = "?";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
            var kb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            mem = (long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " GiB";
        }
        catch (IOException) { }
        return $"{Environment.ProcessorCount} cores (nproc), {cpu}, {mem} memory, {RuntimeInformation.OSDescription}";
    }
}
