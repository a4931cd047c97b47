namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>One round of one driver: how long it ran, how many units (queries, rows, connections) it did, and the
/// client's CPU seconds, allocated bytes and the server's CPU seconds over the round; latencies for the curves.</summary>
internal sealed record Sample(double Seconds, double Units, double CpuUser, double CpuSystem, double Bytes, double ServerCpu,
    double? P50Micros = null, double? P99Micros = null)
{
    public double Rate => Units / Seconds;
    public double CpuPerUnit => (CpuUser + CpuSystem) / Units;
}

/// <summary>Every round of one driver in one workload.</summary>
internal sealed record SideResult(string Driver, List<Sample> Rounds);

/// <summary>
/// One workload of a run: a row of the table (Group "table") or a point of a curve (Group "concurrency", "width"),
/// with the load average just before its first round and just after its last.
/// </summary>
internal sealed record WorkloadResult(string Name, string Group, string Unit, double X, double Target, List<SideResult> Sides,
    double LoadBefore, double LoadAfter, int Connections = 1);

/// <summary>One condition's run ("quiet" or "loaded"), as the report reads it.</summary>
internal sealed record RunResult(string Condition, string Started, string Ended, double LoadBefore, double LoadAfter, int Rounds,
    Dictionary<string, string> Meta, List<WorkloadResult> Workloads);

/// <summary>A driver's part in a workload: a call repeated for the round (with untimed work before each call when
/// it needs it, e.g. TRUNCATE), or a whole round run its own way (pgbench, the latency curves).</summary>
internal sealed class Side(string driver)
{
    public string Driver { get; } = driver;
    /// <summary>One call; returns the units it did.</summary>
    public Func<double>? Call { get; init; }
    /// <summary>Untimed work before each call (its CPU and allocations are left out too).</summary>
    public Action? BeforeCall { get; init; }
    /// <summary>Untimed work before each round (WorkloadAttribute.BeforeRound).</summary>
    public Action? BeforeRound { get; init; }
    /// <summary>A whole round for a budget in milliseconds, measured by the side itself.</summary>
    public Func<int, Sample>? Round { get; init; }
}

/// <summary>A workload: what is compared, in which unit, and the target ratio Sharpgres / Npgsql (NaN: none).</summary>
internal sealed class WorkloadSpec(string name, string unit, List<Side> sides, string group = "table", double x = 0, double target = double.NaN)
{
    public string Name { get; } = name;
    public string Unit { get; } = unit;
    public string Group { get; } = group;
    public double X { get; } = x;
    public double Target { get; set; } = target;
    /// <summary>Server backends the workload keeps busy at once (WorkloadAttribute.Connections).</summary>
    public int Connections { get; init; } = 1;
    public List<Side> Sides { get; } = sides;
}

/// <summary>Workloads sharing one setup (a benchmark class's connections and data).</summary>
internal sealed class Suite(string name, Action setup, Action cleanup, List<WorkloadSpec> workloads)
{
    public string Name { get; } = name;
    public Action Setup { get; } = setup;
    public Action Cleanup { get; } = cleanup;
    public List<WorkloadSpec> Workloads { get; } = workloads;
}

/// <summary>The JSON of runs: NaN (no target, no server CPU) written as "NaN".</summary>
internal static class RunJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
