using Sharpgres.Testing;

namespace Sharpgres.Telemetry.Tests;

/// <summary>samples/Observability (docs/observability.md's program) runs and exports spans and metrics to the console.</summary>
public sealed class SampleTests
{
    [Fact]
    public void The_console_sample_exports_spans_and_metrics()
    {
        var saved = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try { Samples.Observability.Program.Run(TestServer.ConnectionString()); }
        finally { Console.SetOut(saved); }
        var text = output.ToString();
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "sharpgres-observability-sample.txt"), text);   // for docs/observability.md
        Assert.Contains("Activity.DisplayName:        SELECT orders", text);
        Assert.Contains("Activity.DisplayName:        BATCH", text);
        Assert.Contains("db.system.name: postgresql", text);
        Assert.Contains("db.response.status_code: 23505", text);
        Assert.Contains("db.client.operation.duration", text);
        Assert.Contains("expected: 23505", text);
    }
}
