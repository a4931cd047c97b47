using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Sharpgres.Testing;

[assembly: CollectionBehavior(DisableTestParallelization = true)]   // one process-wide ActivitySource, Meter and Pg.Telemetry

namespace Sharpgres.Telemetry.Tests;

/// <summary>One log line as a logger saw it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

/// <summary>An ILoggerFactory that keeps every line (any level) so tests can look at categories, event ids and text.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    private sealed class CapturingLogger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}

/// <summary>
/// A database of its own, Sharpgres's spans exported to memory through the OpenTelemetry SDK (AddSharpgresInstrumentation),
/// the "Sharpgres" meter's measurements through a MeterListener, and every log line. Everything captured is kept
/// for the whole run as well (<see cref="Everything"/>), for the password scan.
/// </summary>
public sealed class TelemetryFixture : IDisposable
{
    private static int _counter;
    private readonly TracerProvider _tracer;
    private readonly MeterListener _meters;

    public TelemetryFixture()
    {
        var server = TestServer.IsExternal ? null : TestServer.Shared;
        Password = server?.Password ?? ConnectionInfo.Parse(TestServer.ExternalConnectionString!).Password ?? "";
        Sharpgres.TestSupport.SecretScan.Register(Password);
        Database = $"tel_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        using (var admin = Pg.Connect(Admin, autocommit: true))
        {
            admin.Execute($"DROP DATABASE IF EXISTS {Database}");
            admin.Execute($"CREATE DATABASE {Database}");
        }
        ConnString = ConnectionInfo.Parse(TestServer.ConnectionString()).With("dbname", Database).ToConnectionString(includePassword: true);
        Port = ConnectionInfo.Parse(ConnString).Port is { } p ? int.Parse(p) : 5432;
        _tracer = Sdk.CreateTracerProviderBuilder().AddSharpgresInstrumentation().AddInMemoryExporter(Spans).Build()!;
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Name == "Sharpgres") listener.EnableMeasurementEvents(instrument); },
        };
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Measurements.Enqueue(new Measurement(i.Name, v, tags.ToArray())));
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Measurements.Enqueue(new Measurement(i.Name, v, tags.ToArray())));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Measurements.Enqueue(new Measurement(i.Name, v, tags.ToArray())));
        _meters.Start();
        Pg.LoggerFactory = Logs;
    }

    public static string Admin => TestServer.ConnectionString();
    public string Password { get; }
    public string Database { get; }
    public string ConnString { get; }
    public int Port { get; }
    public List<Activity> Spans { get; } = [];
    public ConcurrentQueue<Measurement> Measurements { get; } = new();
    public CapturingLoggerFactory Logs { get; } = new();

    /// <summary>Every span, log line and exception message of the run, for the password scan.</summary>
    public static ConcurrentQueue<string> Everything { get; } = new();

    public Connection Connect(bool autocommit = true) => Pg.Connect(ConnString, autocommit: autocommit);

    /// <summary>Collects the observable instruments (the pool gauges) now: their measurements join <see cref="Measurements"/>.</summary>
    public void ObserveGauges() => _meters.RecordObservableInstruments();

    /// <summary>Forgets what earlier tests captured (keeping it for the scan) and resets the options.</summary>
    public void Reset()
    {
        Collect();
        lock (Spans) Spans.Clear();
        Measurements.Clear();
        Logs.Entries.Clear();
        Pg.Telemetry = new PgTelemetryOptions();
    }

    /// <summary>The spans of this fixture's database, in the order they ended.</summary>
    public List<Activity> DbSpans()
    {
        lock (Spans) return Spans.Where(s => (s.GetTagItem("db.namespace") as string) == Database).ToList();
    }

    public Activity Single(string name)
    {
        var spans = DbSpans().Where(s => s.DisplayName == name).ToList();
        Assert.True(spans.Count == 1, $"expected one span '{name}', got {spans.Count}: {string.Join(", ", DbSpans().Select(s => s.DisplayName))}");
        return spans[0];
    }

    /// <summary>The attributes every successful statement span carries: kind Client, source, target, text and shape, no error.</summary>
    public void AssertStatementSpan(Activity span, string text, string operation, string? collection, string summary)
    {
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("Sharpgres", span.Source.Name);
        Assert.Equal("postgresql", span.GetTagItem("db.system.name"));
        Assert.Equal(Database, span.GetTagItem("db.namespace"));
        Assert.Equal(text, span.GetTagItem("db.query.text"));
        Assert.Equal(operation, span.GetTagItem("db.operation.name"));
        Assert.Equal(collection, span.GetTagItem("db.collection.name"));
        Assert.Equal(summary, span.GetTagItem("db.query.summary"));
        Assert.Equal("127.0.0.1", span.GetTagItem("server.address"));
        Assert.Equal(Port == 5432 ? null : (object)Port, span.GetTagItem("server.port"));
        Assert.Null(span.GetTagItem("db.query.parameter.0"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
    }

    private void Collect()
    {
        lock (Spans)
            foreach (var s in Spans)
            {
                Everything.Enqueue(s.DisplayName + " " + s.StatusDescription);
                foreach (var tag in s.TagObjects) Everything.Enqueue($"{tag.Key}={tag.Value}");
                foreach (var e in s.Events) Everything.Enqueue(e.Name + string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}")));
            }
        foreach (var e in Logs.Entries)
        {
            Everything.Enqueue($"{e.Category} {e.Message} {e.Exception}");
            Sharpgres.TestSupport.SecretScan.Scan("log " + e.Category, $"{e.Message} {e.Exception}");   // Debug lines too
        }
    }

    public void Dispose()
    {
        Collect();
        Pg.LoggerFactory = Sharpgres.TestSupport.SecretScan.LoggerFactory;
        Pg.Telemetry = new PgTelemetryOptions();
        _meters.Dispose();
        _tracer.Dispose();
        try
        {
            using var admin = Pg.Connect(Admin, autocommit: true);
            admin.Execute($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
        }
        catch (Error) { /* the server may be gone at the end of the run */ }
    }
}

public sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
{
    public object? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value;
}
