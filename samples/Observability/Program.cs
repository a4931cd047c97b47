// Sharpgres's spans and metrics exported to the console with the OpenTelemetry SDK.
// Run: dotnet run --project samples/Observability -- "host=localhost dbname=postgres user=postgres password=..."
// (or set PGHOST, PGUSER, PGPASSWORD ... and run without an argument).
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sharpgres;

namespace Sharpgres.Samples.Observability;

public static class Program
{
    public static void Main(string[] args) => Run(args.Length > 0 ? args[0] : "");

    /// <summary>A table, a few statements, a failing one and a pipeline, traced and measured.</summary>
    public static void Run(string conninfo)
    {
        var resource = ResourceBuilder.CreateDefault().AddService("observability-sample");
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSharpgresInstrumentation(options => options.TraceConnect = true)
            .AddConsoleExporter()
            .Build();
        using var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSharpgresInstrumentation()
            .AddConsoleExporter()
            .Build();

        using var conn = Pg.Connect(conninfo, autocommit: true);
        conn.Execute("CREATE TEMP TABLE orders (id int PRIMARY KEY, item text)");
        conn.Cursor().ExecuteMany("INSERT INTO orders (id, item) VALUES (%s, %s)", new[] { new object?[] { 1, "tea" }, [2, "cake"] });
        conn.Execute("SELECT item FROM orders WHERE id = %s", 1).FetchOne();
        try { conn.Execute("INSERT INTO orders (id, item) VALUES (%s, %s)", 1, "again"); }
        catch (Errors.UniqueViolation e) { Console.WriteLine($"expected: {e.SqlState} {e.Message}"); }
        using (var pipeline = conn.Pipeline())
        {
            conn.Execute("UPDATE orders SET item = %s WHERE id = %s", "green tea", 1);
            conn.Execute("DELETE FROM orders WHERE id = %s", 2);
        }
    }
}
