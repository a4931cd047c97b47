namespace Sharpgres;

/// <summary>The names to subscribe to: the ActivitySource and the Meter Sharpgres reports through (both "Sharpgres").</summary>
public static class PgTelemetryNames
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of Sharpgres's spans.</summary>
    public const string ActivitySourceName = SharpgresTelemetry.Name;

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of Sharpgres's metrics.</summary>
    public const string MeterName = SharpgresTelemetry.Name;
}
