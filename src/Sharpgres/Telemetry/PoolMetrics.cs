using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sharpgres;

/// <summary>What a connection pool tells the pool metrics, read when a MeterListener collects (never on the hot path).</summary>
internal interface IPoolMetricsSource
{
    /// <summary>db.client.connection.pool.name.</summary>
    string Name { get; }
    /// <summary>The connections now idle in the pool and those handed out.</summary>
    (int Idle, int Used) ConnectionCounts { get; }
    int MinSize { get; }
    int MaxSize { get; }
    /// <summary>Requests waiting for a connection.</summary>
    int Pending { get; }
}

/// <summary>
/// The per-pool instruments of OpenTelemetry's database metrics conventions (db.client.connection.*), on the
/// "Sharpgres" meter. Gauges are observable: a pool registers once and its counts are read at collection time; the
/// histograms and the timeout counter are recorded by the pool only when <see cref="Instrument.Enabled"/>.
/// </summary>
internal static class PoolMetrics
{
    private static readonly List<WeakReference<IPoolMetricsSource>> Pools = [];

    public static readonly Histogram<double> CreateTime = SharpgresTelemetry.Meter.CreateHistogram(
        "db.client.connection.create_time", "s", "The time it took to create a new connection.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SharpgresTelemetry.OperationBuckets });

    public static readonly Histogram<double> WaitTime = SharpgresTelemetry.Meter.CreateHistogram(
        "db.client.connection.wait_time", "s", "The time it took to obtain an open connection from the pool.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SharpgresTelemetry.OperationBuckets });

    public static readonly Histogram<double> UseTime = SharpgresTelemetry.Meter.CreateHistogram(
        "db.client.connection.use_time", "s", "The time between borrowing a connection and returning it to the pool.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = SharpgresTelemetry.OperationBuckets });

    public static readonly Counter<long> Timeouts = SharpgresTelemetry.Meter.CreateCounter<long>(
        "db.client.connection.timeouts", "{timeout}", "The number of connection timeouts that have occurred trying to obtain a connection from the pool.");

    static PoolMetrics()
    {
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.count", ObserveCount, "{connection}",
            "The number of connections that are currently in state described by the state attribute.");
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.idle.max", () => Observe(p => p.MaxSize), "{connection}",
            "The maximum number of idle open connections allowed.");
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.idle.min", () => Observe(p => p.MinSize), "{connection}",
            "The minimum number of idle open connections allowed.");
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.max", () => Observe(p => p.MaxSize), "{connection}",
            "The maximum number of open connections allowed.");
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.pending_requests", () => Observe(p => p.Pending), "{request}",
            "The number of current pending requests for an open connection.");
    }

    /// <summary>Makes a pool's gauges visible until it is disposed (<see cref="Unregister"/>) or collected.</summary>
    public static void Register(IPoolMetricsSource pool)
    {
        lock (Pools)
        {
            Pools.RemoveAll(w => !w.TryGetTarget(out _));
            Pools.Add(new WeakReference<IPoolMetricsSource>(pool));
        }
    }

    public static void Unregister(IPoolMetricsSource pool)
    {
        lock (Pools) Pools.RemoveAll(w => !w.TryGetTarget(out var p) || ReferenceEquals(p, pool));
    }

    private static List<IPoolMetricsSource> Live()
    {
        lock (Pools) return Pools.Select(w => w.TryGetTarget(out var p) ? p : null).OfType<IPoolMetricsSource>().ToList();
    }

    private static IEnumerable<Measurement<long>> Observe(Func<IPoolMetricsSource, int> read) =>
        Live().Select(p => new Measurement<long>(read(p), new KeyValuePair<string, object?>(SharpgresTelemetry.Tags.PoolName, p.Name)));

    private static IEnumerable<Measurement<long>> ObserveCount()
    {
        foreach (var pool in Live())
        {
            var (idle, used) = pool.ConnectionCounts;
            yield return new Measurement<long>(idle, new(SharpgresTelemetry.Tags.PoolName, pool.Name), new(SharpgresTelemetry.Tags.ConnectionState, "idle"));
            yield return new Measurement<long>(used, new(SharpgresTelemetry.Tags.PoolName, pool.Name), new(SharpgresTelemetry.Tags.ConnectionState, "used"));
        }
    }

    /// <summary>Records a duration (Stopwatch ticks) on one of the histograms, tagged with the pool's name.</summary>
    public static void Record(Histogram<double> histogram, string pool, long ticks)
    {
        if (!histogram.Enabled) return;
        histogram.Record((double)ticks / Stopwatch.Frequency, new KeyValuePair<string, object?>(SharpgresTelemetry.Tags.PoolName, pool));
    }

    /// <summary>A request gave up waiting (PoolTimeout): the timeouts counter.</summary>
    public static void Timeout(string pool)
    {
        if (Timeouts.Enabled) Timeouts.Add(1, new KeyValuePair<string, object?>(SharpgresTelemetry.Tags.PoolName, pool));
    }

    /// <summary>
    /// A request that waited for a connection: an event "db.client.connection.wait" on the caller's span (the
    /// operation that needed the connection), with the pool's name and the wait in seconds.
    /// </summary>
    public static void WaitEvent(string pool, long ticks)
    {
        if (Activity.Current is not { IsAllDataRequested: true } activity) return;
        activity.AddEvent(new ActivityEvent("db.client.connection.wait", tags: new ActivityTagsCollection
        {
            { SharpgresTelemetry.Tags.PoolName, pool },
            { "db.client.connection.wait_time", (double)ticks / Stopwatch.Frequency },
        }));
    }
}
