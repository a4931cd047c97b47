using Sharpgres;

// The conventional namespace of OpenTelemetry extension methods, so they show up wherever the builder is used.
namespace OpenTelemetry.Trace
{
    /// <summary>Registers Sharpgres's spans (ActivitySource "Sharpgres") with an OpenTelemetry tracer provider.</summary>
    public static class SharpgresTracerProviderBuilderExtensions
    {
        /// <summary>
        /// Adds the ActivitySource "Sharpgres": one Client span per Execute, ExecuteMany, Stream, Copy, pipeline Sync,
        /// server-cursor fetch, commit and rollback, with OpenTelemetry's database attributes.
        /// <paramref name="configure"/> edits <see cref="Pg.Telemetry"/> (filter, enrich, span names, opt-ins).
        /// </summary>
        public static TracerProviderBuilder AddSharpgresInstrumentation(this TracerProviderBuilder builder, Action<PgTelemetryOptions>? configure = null)
        {
            ArgumentNullException.ThrowIfNull(builder);
            configure?.Invoke(Pg.Telemetry);
            return builder.AddSource(PgTelemetryNames.ActivitySourceName);
        }
    }
}

namespace OpenTelemetry.Metrics
{
    /// <summary>Registers Sharpgres's metrics (Meter "Sharpgres") with an OpenTelemetry meter provider.</summary>
    public static class SharpgresMeterProviderBuilderExtensions
    {
        /// <summary>
        /// Adds the Meter "Sharpgres": db.client.operation.duration and the connection pool's db.client.connection.*
        /// instruments, named as in OpenTelemetry's database metrics conventions.
        /// </summary>
        public static MeterProviderBuilder AddSharpgresInstrumentation(this MeterProviderBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.AddMeter(PgTelemetryNames.MeterName);
        }
    }
}
