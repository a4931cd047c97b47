using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sharpgres.Pool;

namespace Sharpgres;

/// <summary>
/// The per-pool instruments of OpenTelemetry's database metrics conventions (db.client.connection.*), on the
/// "Sharpgres" meter, each tagged db.client.connection.pool.name. The gauges are observable: they read the open pools
/// (<see cref="ConnectionPool.OpenPools"/>) only when a MeterListener collects, never on the pool's hot path. The
/// histograms and the timeout counter are recorded by the pool, at the cost of one <see cref="Instrument.Enabled"/>
/// read when nobody listens.
/// </summary>
internal static class PoolMetrics
{
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

    // Created once with the histograms above (the pool touches this class when it opens), read at collection time.
    private static readonly ObservableInstrument<long>[] Gauges =
    [
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.count", ObserveCount, "{connection}",
            "The number of connections that are currently in state described by the state attribute."),
        // psycopg_pool keeps up to maxSize connections idle and never fewer than minSize open.
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.idle.max", () => ObserveMax(), "{connection}",
            "The maximum number of idle open connections allowed."),
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.idle.min", () => Observe(p => p.MinSize), "{connection}",
            "The minimum number of idle open connections allowed."),
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.max", () => ObserveMax(), "{connection}",
            "The maximum number of open connections allowed."),
        SharpgresTelemetry.Meter.CreateObservableUpDownCounter("db.client.connection.pending_requests", () => Observe(p => p.WaitingNow), "{request}",
            "The number of current pending requests for an open connection."),
    ];

    /// <summary>Makes sure the instruments exist before a pool first reports (a MeterListener sees them from then on).</summary>
    public static void Publish() => _ = Gauges.Length;

    private static KeyValuePair<string, object?> PoolTag(ConnectionPool pool) => new(SharpgresTelemetry.Tags.PoolName, pool.Name);

    private static IEnumerable<Measurement<long>> Observe(Func<ConnectionPool, int> read) =>
        ConnectionPool.OpenPools.Keys.Select(pool => new Measurement<long>(read(pool), PoolTag(pool)));

    // A NullConnectionPool's maxSize 0 means "no limit": no measurement rather than a limit of zero.
    private static IEnumerable<Measurement<long>> ObserveMax() =>
        ConnectionPool.OpenPools.Keys.Select(pool => (pool, max: pool.MaxSize)).Where(p => p.max > 0)
            .Select(p => new Measurement<long>(p.max, PoolTag(p.pool)));

    private static IEnumerable<Measurement<long>> ObserveCount()
    {
        foreach (var pool in ConnectionPool.OpenPools.Keys)
        {
            var (idle, used) = pool.CountsNow;
            yield return new Measurement<long>(idle, PoolTag(pool), new(SharpgresTelemetry.Tags.ConnectionState, "idle"));
            yield return new Measurement<long>(used, PoolTag(pool), new(SharpgresTelemetry.Tags.ConnectionState, "used"));
        }
    }

    /// <summary>Records a duration (Stopwatch ticks) on one of the histograms, tagged with the pool's name.</summary>
    public static void Record(Histogram<double> histogram, ConnectionPool pool, long ticks)
    {
#if !SHARPGRES_NO_TELEMETRY
        if (histogram.Enabled) histogram.Record((double)ticks / Stopwatch.Frequency, PoolTag(pool));
#endif
    }

    /// <summary>A request gave up waiting (PoolTimeout): the timeouts counter.</summary>
    public static void Timeout(ConnectionPool pool)
    {
#if !SHARPGRES_NO_TELEMETRY
        if (Timeouts.Enabled) Timeouts.Add(1, PoolTag(pool));
#endif
    }

    /// <summary>
    /// A request that queued for a connection: an event "db.client.connection.wait" on the caller's span (the
    /// operation that needed the connection), with the pool's name and the wait in seconds.
    /// </summary>
    public static void WaitEvent(ConnectionPool pool, long ticks)
    {
#if !SHARPGRES_NO_TELEMETRY
        if (Activity.Current is not { IsAllDataRequested: true } activity) return;
        activity.AddEvent(new ActivityEvent("db.client.connection.wait", tags: new ActivityTagsCollection
        {
            { SharpgresTelemetry.Tags.PoolName, pool.Name },
            { "db.client.connection.wait_time", (double)ticks / Stopwatch.Frequency },
        }));
#endif
    }
}
