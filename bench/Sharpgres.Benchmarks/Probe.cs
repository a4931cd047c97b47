using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Sharpgres.Benchmarks;

/// <summary>
/// A quick A/B tool for tuning, not the reported figures: runs the benchmark methods directly, the two drivers of a
/// class interleaved round after round, and prints per unit the median wall time, the client process's CPU time
/// (user + system, all threads) and the managed bytes allocated. On a busy shared machine the CPU time and the
/// allocations move much less than wall time, so they show whether a change to the driver helped.
///   probe [substring of Type.Method ...] [--rounds N] [--ms M]
/// </summary>
internal static class Probe
{
    public static int Run(string[] args)
    {
        var rounds = 7;
        var budgetMs = 300;
        var filters = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds") rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--ms") budgetMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else filters.Add(args[i]);
        }
        var classes = typeof(Program).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.Name);
        Console.WriteLine($"{"benchmark",-40} {"wall/unit",12} {"cpu/unit",12} {"bytes/unit",12}");
        foreach (var type in classes)
        {
            var methods = type.GetMethods()
                .Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null)
                .Where(m => filters.Count == 0 || filters.Any(f => $"{type.Name}.{m.Name}".Contains(f, StringComparison.OrdinalIgnoreCase)))
                .ToList();
            if (methods.Count == 0) continue;
            var instance = Activator.CreateInstance(type)!;
            Invoke(type, instance, typeof(GlobalSetupAttribute));
            var samples = methods.ToDictionary(m => m, _ => new List<(double Wall, double Cpu, double Bytes)>());
            foreach (var m in methods) Measure(type, instance, m, 1000);   // warm up: tiered JIT settles
            for (var r = 0; r < rounds; r++)
                foreach (var m in methods)
                    samples[m].Add(Measure(type, instance, m, budgetMs));
            Invoke(type, instance, typeof(GlobalCleanupAttribute));
            foreach (var m in methods)
            {
                double Med(Func<(double Wall, double Cpu, double Bytes), double> f) { var v = samples[m].Select(f).Order().ToArray(); return v[v.Length / 2]; }
                Console.WriteLine($"{type.Name + "." + m.Name,-40} {Med(s => s.Wall),10:N0}ns {Med(s => s.Cpu),10:N0}ns {Med(s => s.Bytes),12:N0}");
            }
        }
        return 0;
    }

    private static (double Wall, double Cpu, double Bytes) Measure(Type type, object instance, MethodInfo method, int budgetMs)
    {
        var units = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
        var process = Process.GetCurrentProcess();
        var call = Callers.GetOrAdd(method, m => Compile(instance, m));
        var calls = 0;
        var wall = Stopwatch.StartNew();
        wall.Stop();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        var total = Stopwatch.StartNew();
        while (calls == 0 || total.ElapsedMilliseconds < budgetMs)
        {
            Invoke(type, instance, typeof(IterationSetupAttribute));
            wall.Start();
            if (call() is Task task) task.GetAwaiter().GetResult();
            wall.Stop();
            calls++;
        }
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes0;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalNanoseconds;
        var n = (double)calls * units;
        return (wall.Elapsed.TotalNanoseconds / n, cpu / n, bytes / n);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, Func<object?>> Callers = new();

    /// <summary>A direct call (reflection's Invoke allocates per call, which would blur the allocation figures).</summary>
    private static Func<object?> Compile(object instance, MethodInfo method)
    {
        var call = System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Constant(instance), method);
        System.Linq.Expressions.Expression body = method.ReturnType == typeof(void)
            ? System.Linq.Expressions.Expression.Block(call, System.Linq.Expressions.Expression.Constant(null))
            : System.Linq.Expressions.Expression.Convert(call, typeof(object));
        return System.Linq.Expressions.Expression.Lambda<Func<object?>>(body).Compile();
    }

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (var m in type.GetMethods().Where(m => m.GetCustomAttribute(attribute) is not null)) m.Invoke(instance, null);
    }
}
