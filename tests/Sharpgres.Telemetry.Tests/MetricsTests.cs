using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Sharpgres.Telemetry.Tests;

/// <summary>db.client.operation.duration: one measurement per operation, the conventions' attributes and buckets.</summary>
public sealed class MetricsTests : IClassFixture<TelemetryFixture>
{
    private readonly TelemetryFixture _f;

    public MetricsTests(TelemetryFixture fixture)
    {
        _f = fixture;
        _f.Reset();
    }

    private List<Measurement> Durations() => _f.Measurements
        .Where(m => m.Instrument == "db.client.operation.duration" && (string?)m.Tag("db.namespace") == _f.Database).ToList();

    [Fact]
    public void Each_operation_records_its_duration_with_the_conventions_attributes()
    {
        using (var conn = _f.Connect(autocommit: false))
        {
            conn.Execute("SELECT %s::int", 1);
            Assert.Throws<Errors.DivisionByZero>(() => conn.Execute("SELECT 1 / 0"));
            conn.Rollback();
        }
        var d = Durations();
        Assert.Equal(3, d.Count);
        Assert.All(d, m =>
        {
            Assert.Equal("postgresql", m.Tag("db.system.name"));
            Assert.Equal("127.0.0.1", m.Tag("server.address"));
            Assert.InRange(m.Value, 0, 60);
        });
        Assert.Equal("SELECT", d[0].Tag("db.operation.name"));
        Assert.Null(d[0].Tag("db.response.status_code"));
        Assert.Equal("22012", d[1].Tag("db.response.status_code"));
        Assert.Equal("22012", d[1].Tag("error.type"));
        Assert.Equal("ROLLBACK", d[2].Tag("db.operation.name"));
    }

    [Fact]
    public void A_filtered_out_operation_is_still_measured()
    {
        Pg.Telemetry.Filter = _ => false;
        using (var conn = _f.Connect()) conn.Execute("SELECT 42");
        Assert.Empty(_f.DbSpans());
        Assert.Single(Durations());
    }

    [Fact]
    public void The_OpenTelemetry_SDK_sees_the_spec_buckets()
    {
        var exported = new List<Metric>();
        using (var provider = Sdk.CreateMeterProviderBuilder().AddSharpgresInstrumentation().AddInMemoryExporter(exported).Build()!)
        {
            using (var conn = _f.Connect()) conn.Execute("SELECT 1");
            provider.ForceFlush();
        }
        var metric = exported.First(m => m.Name == "db.client.operation.duration");
        Assert.Equal("s", metric.Unit);
        var bounds = new List<double>();
        foreach (ref readonly var point in metric.GetMetricPoints())
            foreach (var bucket in point.GetHistogramBuckets())
                if (!double.IsPositiveInfinity(bucket.ExplicitBound)) bounds.Add(bucket.ExplicitBound);
        Assert.Equal(new[] { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10 }, bounds.Distinct().ToArray());
    }
}
