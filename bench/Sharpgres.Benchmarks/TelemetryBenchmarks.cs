using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sharpgres.Benchmarks;

/// <summary>
/// telemetry: the point query (as PointBenchmarks: <c>SELECT %s::int4 + 1</c> on one connection) with nothing
/// listening, against the same query with the OpenTelemetry SDK attached — a tracer provider sampling every span
/// (AlwaysOn) into a processor that drops it at its end, and a meter provider aggregating db.client.operation.duration
/// into a reader that exports nowhere — so what is measured is the driver's instrumentation and the SDK's recording,
/// not an exporter's I/O. Issue 15's target: traced at most 10% slower than unobserved (ratio ≥ 0.91).
/// The interleaved runner alternates the two sides round by round in this one process; each side's BeforeRound
/// attaches or detaches the SDK, untimed, so an unobserved round runs with no ActivityListener and no MeterListener at
/// all. Under BenchmarkDotNet (<c>run --filter *TelemetryBenchmarks*</c>) each method switches on its first call.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private const string Sync = "telemetry: point (sync)", Async = "telemetry: point (async)";
    private const string SyncBuilds = "telemetry: point (sync), two builds", AsyncBuilds = "telemetry: point (async), two builds";

    private Connection _conn = null!;
    private Cursor _cur = null!;
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;
    private int _i;
    // The two builds side by side: the shipped Sharpgres.dll and the one without instrumentation, each in its own
    // AssemblyLoadContext running the same point-query code (IsolatedPoint), nobody listening on either.
    private Func<int> _shippedSync = null!, _bareSync = null!;
    private Func<Task<int>> _shippedAsync = null!, _bareAsync = null!;

    [GlobalSetup]
    public void Setup()
    {
        _conn = BenchServer.ConnectSharpgres();
        _cur = _conn.Cursor();
        var conninfo = BenchServer.Conninfo + " sslmode=disable";
        var shipped = new IsolatedBuild(IsolatedBuild.ShippedPath);
        // SHARPGRES_BENCH_SAME_BUILD=1 loads the shipped build on both sides (each in its own context, as usual): an A/A
        // run, whose ratios show what the harness itself scatters on this machine (bench/notes.md, issue 15 §4).
        var sameBuild = Environment.GetEnvironmentVariable("SHARPGRES_BENCH_SAME_BUILD") == "1";
        var bare = new IsolatedBuild(sameBuild ? IsolatedBuild.ShippedPath : IsolatedBuild.UninstrumentedPath);
        // A comparison of one build with itself would prove nothing: check each copy is what its side says.
        if (!sameBuild && (!shipped.Call<bool>(nameof(IsolatedPoint.Instrumented), "") || bare.Call<bool>(nameof(IsolatedPoint.Instrumented), "")))
            throw new InvalidOperationException($"{IsolatedBuild.UninstrumentedPath} is not an uninstrumented build (or the shipped one is)");
        (_shippedSync, _bareSync) = (shipped.Call<Func<int>>(nameof(IsolatedPoint.Sync), conninfo), bare.Call<Func<int>>(nameof(IsolatedPoint.Sync), conninfo));
        (_shippedAsync, _bareAsync) = (shipped.Call<Func<Task<int>>>(nameof(IsolatedPoint.Async), conninfo), bare.Call<Func<Task<int>>>(nameof(IsolatedPoint.Async), conninfo));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Unobserved();
        _conn.Dispose();
    }

    [Benchmark(Baseline = true), Workload(Sync, Drivers.Sharpgres, "ops", BeforeRound = nameof(Unobserved))]
    public int PointSync()
    {
        Observe(false);
        return Point();
    }

    [Benchmark, Workload(Sync, Drivers.SharpgresTraced, "ops", BeforeRound = nameof(Traced))]
    public int PointSyncTraced()
    {
        Observe(true);
        return Point();
    }

    [Benchmark, Workload(Async, Drivers.Sharpgres, "ops", BeforeRound = nameof(Unobserved))]
    public Task<int> PointAsync()
    {
        Observe(false);
        return PointAsyncCore();
    }

    [Benchmark, Workload(Async, Drivers.SharpgresTraced, "ops", BeforeRound = nameof(Traced))]
    public Task<int> PointAsyncTraced()
    {
        Observe(true);
        return PointAsyncCore();
    }

    [Benchmark, Workload(SyncBuilds, Drivers.Sharpgres, "ops", BeforeRound = nameof(Unobserved))]
    public int PointSyncShippedBuild() => _shippedSync();

    [Benchmark, Workload(SyncBuilds, Drivers.SharpgresUninstrumented, "ops", BeforeRound = nameof(Unobserved))]
    public int PointSyncUninstrumentedBuild() => _bareSync();

    [Benchmark, Workload(AsyncBuilds, Drivers.Sharpgres, "ops", BeforeRound = nameof(Unobserved))]
    public Task<int> PointAsyncShippedBuild() => _shippedAsync();

    [Benchmark, Workload(AsyncBuilds, Drivers.SharpgresUninstrumented, "ops", BeforeRound = nameof(Unobserved))]
    public Task<int> PointAsyncUninstrumentedBuild() => _bareAsync();

    private int Point()
    {
        _cur.Execute("SELECT %s::int4 + 1", _i++);
        return _cur.FetchOne<int>();
    }

    private async Task<int> PointAsyncCore()
    {
        await _cur.ExecuteAsync("SELECT %s::int4 + 1", [_i++]);
        return _cur.FetchOne<int>();
    }

    /// <summary>A field read per call on both sides; switches only when a side runs after the other without its BeforeRound (BenchmarkDotNet).</summary>
    private void Observe(bool traced)
    {
        if ((_tracing is not null) != traced) { if (traced) Traced(); else Unobserved(); }
    }

    /// <summary>Attaches the SDK: every Sharpgres span sampled and recorded, the duration metric aggregated.</summary>
    public void Traced()
    {
        if (_tracing is not null) return;
        _tracing = Sdk.CreateTracerProviderBuilder().SetSampler(new AlwaysOnSampler()).AddSharpgresInstrumentation()
            .AddProcessor(new DropProcessor()).Build();
        _metrics = Sdk.CreateMeterProviderBuilder().AddSharpgresInstrumentation()
            .AddReader(new BaseExportingMetricReader(new DropExporter())).Build();
    }

    /// <summary>Detaches the SDK: no ActivityListener and no MeterListener left on the "Sharpgres" source and meter.</summary>
    public void Unobserved()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
        _tracing = null;
        _metrics = null;
    }

    /// <summary>Every span recorded and ended, then dropped: what an exporter's batch processor sees, without I/O.</summary>
    private sealed class DropProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => GC.KeepAlive(data.TagObjects);
    }

    /// <summary>The meter provider aggregates every measurement; a collection (only at Dispose) exports nowhere.</summary>
    private sealed class DropExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
