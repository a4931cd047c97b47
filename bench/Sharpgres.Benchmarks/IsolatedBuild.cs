using System.Reflection;
using System.Runtime.Loader;

namespace Sharpgres.Benchmarks;

/// <summary>
/// A second copy of this benchmark assembly, loaded into its own AssemblyLoadContext beside a chosen build of
/// Sharpgres.dll, so two builds of the driver run side by side in one process (interleaved rounds, same server) —
/// how issue 15's "unobserved costs within 2% of a build without instrumentation" is measured. Everything else (the
/// framework, logging abstractions) is shared with the default context.
/// </summary>
internal sealed class IsolatedBuild : AssemblyLoadContext
{
    /// <summary>Where the csproj puts the build compiled with -p:SharpgresNoTelemetry=true.</summary>
    public static string UninstrumentedPath => Path.Combine(AppContext.BaseDirectory, "uninstrumented", "Sharpgres.dll");

    /// <summary>The build every other benchmark runs.</summary>
    public static string ShippedPath => Path.Combine(AppContext.BaseDirectory, "Sharpgres.dll");

    private readonly string _sharpgres;

    public IsolatedBuild(string sharpgresPath) : base($"Sharpgres from {sharpgresPath}")
    {
        if (!File.Exists(sharpgresPath))
            throw new FileNotFoundException($"{sharpgresPath} is missing: build bench/Sharpgres.Benchmarks (its csproj builds it)", sharpgresPath);
        _sharpgres = sharpgresPath;
    }

    protected override Assembly? Load(AssemblyName name) => name.Name switch
    {
        "Sharpgres" => LoadFromAssemblyPath(_sharpgres),
        "Sharpgres.Benchmarks" => LoadFromAssemblyPath(typeof(IsolatedBuild).Assembly.Location),
        _ => null,   // the default context's copy
    };

    /// <summary>Calls <c>IsolatedPoint.<paramref name="method"/>(argument)</c> in this context's copy: it runs this build's driver.</summary>
    public T Call<T>(string method, string argument)
    {
        var assembly = LoadFromAssemblyName(typeof(IsolatedBuild).Assembly.GetName());
        var type = assembly.GetType(typeof(IsolatedPoint).FullName!, throwOnError: true)!;
        return (T)type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.Invoke(null, [argument])!;
    }
}

/// <summary>The point query of TelemetryBenchmarks, built against whichever Sharpgres.dll the calling context loaded.</summary>
public static class IsolatedPoint
{
    // The connections live as long as the benchmark process (the delegates are made once, in GlobalSetup).
    public static Func<int> Sync(string conninfo)
    {
        var cur = Pg.Connect(conninfo, autocommit: true).Cursor();
        var i = 0;
        return () =>
        {
            cur.Execute("SELECT %s::int4 + 1", i++);
            return cur.FetchOne<int>();
        };
    }

    public static Func<Task<int>> Async(string conninfo)
    {
        var cur = Pg.Connect(conninfo, autocommit: true).Cursor();
        var i = 0;
        return async () =>
        {
            await cur.ExecuteAsync("SELECT %s::int4 + 1", [i++]);
            return cur.FetchOne<int>();
        };
    }

    /// <summary>True when this copy's Sharpgres has its instrumentation (false in the SharpgresNoTelemetry build).</summary>
    public static bool Instrumented(string unused)
    {
        using var listener = new System.Diagnostics.ActivityListener { ShouldListenTo = s => s.Name == "Sharpgres" };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        return SharpgresTelemetry.IsObserved(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }
}
