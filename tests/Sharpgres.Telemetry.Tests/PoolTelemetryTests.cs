using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Sharpgres.Errors;
using Sharpgres.Pool;

namespace Sharpgres.Telemetry.Tests;

/// <summary>
/// The pool's db.client.connection.* metrics against a real pool: gauges read at collection time, the timeouts
/// counter, the create/wait/use histograms, the wait event on the caller's span, and the Sharpgres.Pool log category.
/// </summary>
public sealed class PoolTelemetryTests : IClassFixture<TelemetryFixture>
{
    private static int _counter;
    private readonly TelemetryFixture _f;

    public PoolTelemetryTests(TelemetryFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    private static string NewName() => $"telpool-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";

    private ConnectionPool Pool(string name, int min, int max, double timeout = 10)
    {
        var pool = new ConnectionPool(_f.ConnString, minSize: min, maxSize: max, timeout: TimeSpan.FromSeconds(timeout), name: name);
        pool.Wait(TimeSpan.FromSeconds(30));
        return pool;
    }

    private List<Measurement> Of(string instrument, string pool) =>
        _f.Measurements.Where(m => m.Instrument == instrument && (string?)m.Tag("db.client.connection.pool.name") == pool).ToList();

    /// <summary>One collection of the gauges: the value of <paramref name="instrument"/> for the pool (and state).</summary>
    private double Gauge(string instrument, string pool, string? state = null)
    {
        _f.Measurements.Clear();
        _f.ObserveGauges();
        var found = Of(instrument, pool).Where(m => state is null || (string?)m.Tag("db.client.connection.state") == state).ToList();
        Assert.True(found.Count == 1, $"expected one {instrument} measurement for {pool} {state}, got {found.Count}");
        return found[0].Value;
    }

    [Fact]
    public async Task The_gauges_follow_checkouts_and_returns()
    {
        var name = NewName();
        using var pool = Pool(name, min: 2, max: 3);
        Assert.Equal(2, Gauge("db.client.connection.count", name, "idle"));
        Assert.Equal(0, Gauge("db.client.connection.count", name, "used"));
        Assert.Equal(3, Gauge("db.client.connection.max", name));
        Assert.Equal(3, Gauge("db.client.connection.idle.max", name));
        Assert.Equal(2, Gauge("db.client.connection.idle.min", name));
        Assert.Equal(0, Gauge("db.client.connection.pending_requests", name));

        var a = pool.GetConnection();
        Assert.Equal(1, Gauge("db.client.connection.count", name, "idle"));
        Assert.Equal(1, Gauge("db.client.connection.count", name, "used"));
        var b = pool.GetConnection();
        var c = pool.GetConnection();   // the pool grows to maxSize for this one
        Assert.Equal(0, Gauge("db.client.connection.count", name, "idle"));
        Assert.Equal(3, Gauge("db.client.connection.count", name, "used"));

        // A fourth request queues: pending_requests shows it until a connection comes back.
        var waiting = Task.Run(() => pool.GetConnection(TimeSpan.FromSeconds(20)));
        WaitUntil(() => Gauge("db.client.connection.pending_requests", name) == 1, "the request to queue");
        pool.PutConnection(a);
        var d = await waiting;
        Assert.Equal(0, Gauge("db.client.connection.pending_requests", name));
        Assert.Equal(3, Gauge("db.client.connection.count", name, "used"));

        foreach (var conn in new[] { b, c, d }) pool.PutConnection(conn);
        Assert.Equal(3, Gauge("db.client.connection.count", name, "idle"));
        Assert.Equal(0, Gauge("db.client.connection.count", name, "used"));

        pool.Close();
        _f.Measurements.Clear();
        _f.ObserveGauges();
        Assert.Empty(Of("db.client.connection.count", name));   // a closed pool reports nothing
    }

    [Fact]
    public void A_pool_timeout_counts_a_timeout_and_the_queued_wait_is_an_event_on_the_callers_span()
    {
        var name = NewName();
        using var pool = Pool(name, min: 1, max: 1);
        using var source = new ActivitySource("Sharpgres.Telemetry.Tests.Caller");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        var held = pool.GetConnection();
        using (var caller = source.StartActivity("caller")!)
        {
            var error = Assert.Throws<PoolTimeout>(() => pool.GetConnection(TimeSpan.FromMilliseconds(200)));
            Assert.Contains(name, error.Message);
            var wait = Assert.Single(caller.Events, e => e.Name == "db.client.connection.wait");
            Assert.Equal(name, wait.Tags.Single(t => t.Key == "db.client.connection.pool.name").Value);
            // Queued after the request started, so a little under the 200 ms timeout (not bounded below: a loaded box).
            Assert.InRange((double)wait.Tags.Single(t => t.Key == "db.client.connection.wait_time").Value!, double.Epsilon, 60);
        }
        var timeouts = Of("db.client.connection.timeouts", name);
        Assert.Equal(1, Assert.Single(timeouts).Value);

        pool.PutConnection(held);
        using (pool.Connection()) { }   // served from the idle stack: no timeout, no wait event
        Assert.Single(Of("db.client.connection.timeouts", name));
    }

    [Fact]
    public void Create_wait_and_use_times_are_recorded_in_seconds_per_pool()
    {
        var name = NewName();
        using (var pool = Pool(name, min: 2, max: 2))
        {
            using (var conn = pool.Connection())
            {
                conn.Execute("SELECT 1");
                Thread.Sleep(100);
            }
            using (pool.Connection()) { }
        }
        var created = Of("db.client.connection.create_time", name);
        Assert.Equal(2, created.Count);
        Assert.All(created, m => Assert.InRange(m.Value, 0.000001, 60));
        var waits = Of("db.client.connection.wait_time", name);
        Assert.Equal(2, waits.Count);   // every checkout, including those served at once from the idle stack
        Assert.All(waits, m => Assert.InRange(m.Value, 0, 60));
        var uses = Of("db.client.connection.use_time", name);
        Assert.Equal(2, uses.Count);
        Assert.InRange(uses[0].Value, 0.09, 60);   // held across the 100 ms sleep
        Assert.InRange(uses[1].Value, 0, 60);
    }

    [Fact]
    public void The_OpenTelemetry_SDK_exports_the_pool_metrics()
    {
        var name = NewName();
        var exported = new List<MetricSnapshot>();   // snapshots: the SDK reuses its Metric objects between exports
        using (var provider = Sdk.CreateMeterProviderBuilder().AddSharpgresInstrumentation().AddInMemoryExporter(exported).Build()!)
        using (var pool = Pool(name, min: 1, max: 2))
        {
            using (var conn = pool.Connection())
            {
                conn.Execute("SELECT 1");
                provider.ForceFlush();
            }
            provider.ForceFlush();
        }
        var counts = exported.Where(m => m.Name == "db.client.connection.count").ToList();
        Assert.NotEmpty(counts);
        Assert.Equal("{connection}", counts[0].Unit);
        var points = new List<(string State, long Value)>();
        foreach (var metric in counts)
            foreach (var point in metric.MetricPoints)
            {
                string? pool = null, state = null;
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "db.client.connection.pool.name") pool = (string?)tag.Value;
                    if (tag.Key == "db.client.connection.state") state = (string?)tag.Value;
                }
                if (pool == name) points.Add((state!, point.GetSumLong()));
            }
        // First flush: the connection out; second: back in the pool.
        Assert.Contains(("used", 1L), points);
        Assert.Contains(("idle", 0L), points);
        Assert.Contains(("idle", 1L), points);
        Assert.Contains(exported, m => m.Name == "db.client.connection.use_time" && m.Unit == "s");
        Assert.Contains(exported, m => m.Name == "db.client.connection.max");
    }

    [Fact]
    public void The_pool_logs_under_Sharpgres_Pool_with_event_ids()
    {
        var name = NewName();
        using (var pool = Pool(name, min: 1, max: 1))
        {
            var held = pool.GetConnection();
            Assert.Throws<PoolTimeout>(() => pool.GetConnection(TimeSpan.FromMilliseconds(100)));
            pool.PutConnection(held);
        }
        var lines = _f.Logs.Entries.Where(e => e.Category == "Sharpgres.Pool" && e.Message.Contains(name)).ToList();
        var opened = Assert.Single(lines, e => e.EventId.Id == 5000);
        Assert.Equal(LogLevel.Information, opened.Level);
        Assert.Contains("connection opened", opened.Message);
        var timeout = Assert.Single(lines, e => e.EventId.Id == 5008);
        Assert.Equal(LogLevel.Warning, timeout.Level);
        Assert.Contains(lines, e => e.EventId.Id == 5007 && e.Level == LogLevel.Debug);   // the request waiting
        Assert.Contains(lines, e => e.EventId.Id == 5010 && e.Message.EndsWith("closed"));
        Assert.Contains(lines, e => e.EventId.Id == 5001);   // the connection closed with the pool
        Assert.All(lines, e => Assert.InRange(e.EventId.Id, 5000, 5999));
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not in time");
            Thread.Sleep(10);
        }
    }
}
