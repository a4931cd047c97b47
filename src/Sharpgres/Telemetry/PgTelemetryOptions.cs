using System.Diagnostics;

namespace Sharpgres;

/// <summary>
/// How Sharpgres traces and logs its operations (<see cref="Pg.Telemetry"/>). The ActivitySource and the Meter are
/// both named <c>"Sharpgres"</c>; these settings change what their spans carry, never whether the driver works.
/// Callbacks run on the calling thread, only when the operation is observed; one that throws is logged and ignored.
/// </summary>
public sealed class PgTelemetryOptions
{
    /// <summary>Return false to not trace an operation (no span; its duration is still measured for the metric).</summary>
    public Func<PgOperationInfo, bool>? Filter { get; set; }

    /// <summary>Called with each span just before it ends (after the result or the error is recorded): add your tags here.</summary>
    public Action<Activity, PgOperationInfo>? Enrich { get; set; }

    /// <summary>Names spans; returning null keeps the conventional name (<c>db.query.summary</c>, else the operation, else "postgresql").</summary>
    public Func<PgOperationInfo, string?>? SpanNameProvider { get; set; }

    /// <summary>
    /// Off by default. When on, spans carry the bound parameter values as <c>db.query.parameter.&lt;i&gt;</c> (0-based:
    /// <c>db.query.parameter.0</c> is <c>$1</c>) and the Debug statement log includes them. They may hold personal data.
    /// </summary>
    public bool RecordParameterValues { get; set; }

    /// <summary>Off by default. When on, opening a connection is a span of its own (<see cref="PgOperationKind.Connect"/>).</summary>
    public bool TraceConnect { get; set; }
}
