using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Sharpgres;

/// <summary>
/// The one ActivitySource and the one Meter, both named "Sharpgres", and the instruments of OpenTelemetry's database
/// client conventions. Every hook checks <see cref="ActivitySource.HasListeners"/> / <see cref="Instrument.Enabled"/>
/// before it builds a tag or a string, so an unobserved call costs a few field reads.
/// </summary>
internal static class SharpgresTelemetry
{
    public const string Name = "Sharpgres";
    public const string DbSystem = "postgresql";

    private static readonly string? Version = typeof(SharpgresTelemetry).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly ActivitySource Source = new(Name, Version);
    public static readonly Meter Meter = new(Name, Version);

    /// <summary>The spec's buckets for db.client.operation.duration (seconds).</summary>
    public static readonly double[] OperationBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "db.client.operation.duration", "s", "Duration of database client operations.", tags: null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = OperationBuckets });

    /// <summary>Tag names of the stable database conventions (and the few development ones the issue asks for).</summary>
    public static class Tags
    {
        public const string DbSystemName = "db.system.name";
        public const string DbNamespace = "db.namespace";
        public const string DbQueryText = "db.query.text";
        public const string DbQuerySummary = "db.query.summary";
        public const string DbOperationName = "db.operation.name";
        public const string DbCollectionName = "db.collection.name";
        public const string DbStoredProcedureName = "db.stored_procedure.name";
        public const string DbOperationBatchSize = "db.operation.batch.size";
        public const string DbResponseStatusCode = "db.response.status_code";
        public const string DbResponseReturnedRows = "db.response.returned_rows";
        public const string DbQueryParameterPrefix = "db.query.parameter.";
        public const string ServerAddress = "server.address";
        public const string ServerPort = "server.port";
        public const string ErrorType = "error.type";
        public const string PoolName = "db.client.connection.pool.name";
        public const string ConnectionState = "db.client.connection.state";
    }

    /// <summary>
    /// True when anything would record an operation: a tracer, the duration metric, or a Debug logger. Every
    /// operation's telemetry starts behind this check. A build with <c>-p:SharpgresNoTelemetry=true</c> (constant
    /// SHARPGRES_NO_TELEMETRY) makes it the constant false, so the JIT drops the instrumentation behind it: the
    /// "build without instrumentation" issue 15's no-cost figure is measured against (bench/README.md).
    /// </summary>
    public static bool IsObserved(Microsoft.Extensions.Logging.ILogger logger) =>
#if SHARPGRES_NO_TELEMETRY
        false;
#else
        Source.HasListeners() || OperationDuration.Enabled || logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug);
#endif

    /// <summary>error.type: the SQLSTATE of a server error (as db.response.status_code), else the exception's type.</summary>
    public static string ErrorType(Exception e) => e switch
    {
        Error { SqlState: { Length: > 0 } state } => state,
        OperationCanceledException => "cancelled",
        TimeoutException => "timeout",
        _ => e.GetType().FullName ?? e.GetType().Name,
    };
}
