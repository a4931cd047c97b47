namespace Sharpgres.Benchmarks;

/// <summary>
/// Names what a benchmark method measures, for the report: the workload (a row of docs/benchmarks.md), the driver
/// (a column), and the unit its rate is given in. Benchmarks set OperationsPerInvoke to the number of units one call
/// does, so BenchmarkDotNet's time and allocations are already per query, per row or per connection.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class WorkloadAttribute(string name, string driver, string unit) : Attribute
{
    public string Name { get; } = name;
    public string Driver { get; } = driver;
    /// <summary>"ops" or "rows": the report prints "ops/s" or "rows/s".</summary>
    public string Unit { get; } = unit;
    /// <summary>
    /// A method of the class the interleaved runner calls, untimed, before each round of this side: sides of one
    /// workload that need the process in different states (a listener attached or not) set it up there.
    /// </summary>
    public string? BeforeRound { get; set; }
    /// <summary>
    /// Connections (so server backends) one call keeps busy at once: the report's server-bound test compares the
    /// server's CPU with what that many backends can use on this machine (one core each, at most every core).
    /// </summary>
    public int Connections { get; set; } = 1;
}

internal static class Drivers
{
    public const string Sharpgres = "Sharpgres";
    public const string Npgsql = "Npgsql";
    /// <summary>Sharpgres on a connection opened with the read spin off (the lever's before/after, side by side).</summary>
    public const string SharpgresNoSpin = "Sharpgres, no spin";
    /// <summary>libpq's pgbench -M prepared: the anchor for what a blocking client reaches.</summary>
    public const string Pgbench = "pgbench (libpq)";
    /// <summary>Sharpgres with the OpenTelemetry SDK attached, sampling and recording every span (issue 15's cost).</summary>
    public const string SharpgresTraced = "Sharpgres, OpenTelemetry SDK";
    /// <summary>Sharpgres built with -p:SharpgresNoTelemetry=true, loaded beside the shipped build (issue 15's no-cost baseline).</summary>
    public const string SharpgresUninstrumented = "Sharpgres, uninstrumented build";
}
