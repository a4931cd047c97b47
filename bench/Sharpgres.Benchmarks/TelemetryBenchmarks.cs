using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sharpgres.Benchmarks;

/// <summary>
/// telemetry: the point query (as PointBenchmarks) unobserved, and with the OpenTelemetry SDK attached sampling
/// every span (AlwaysOn) and collecting the duration metric, exporting nowhere. Issue 15's targets: unobserved within
/// 2% of a build without instrumentation (compare <see cref="PointSync"/> with Traced=false against PointBenchmarks.SharpgresSync at the
/// commit before the telemetry merge, in the same quiet window), traced at most 10% over unobserved.
/// Run: dotnet run -c Release --project bench/Sharpgres.Benchmarks -- run --full --filter *TelemetryBenchmarks*
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private Connection _conn = null!;
    private Cursor _cur = null!;
    private TracerProvider? _tracing;
    private MeterProvider? _metrics;
    private int _i;

    /// <summary>Unobserved: no listener at all. Traced: SDK tracer (AlwaysOn sampler) and meter provider attached.</summary>
    [Params(false, true)]
    public bool Traced { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _conn = BenchServer.ConnectSharpgres();
        _cur = _conn.Cursor();
        if (!Traced) return;
        _tracing = Sdk.CreateTracerProviderBuilder().SetSampler(new AlwaysOnSampler()).AddSharpgresInstrumentation()
            .AddProcessor(new DropProcessor()).Build();
        _metrics = Sdk.CreateMeterProviderBuilder().AddSharpgresInstrumentation().Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
        _conn.Dispose();
    }

    [Benchmark]
    public int PointSync()
    {
        _cur.Execute("SELECT %s::int4 + 1", _i++);
        return _cur.FetchOne<int>();
    }

    [Benchmark]
    public async Task<int> PointAsync()
    {
        await _cur.ExecuteAsync("SELECT %s::int4 + 1", [_i++]);
        return _cur.FetchOne<int>();
    }

    /// <summary>Every span recorded and ended, then dropped: what an exporter's batch processor sees, without I/O.</summary>
    private sealed class DropProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => GC.KeepAlive(data.TagObjects);
    }
}
