using System.Runtime.InteropServices;
using System.Text.Json;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Exporters.Json;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Sharpgres.Benchmarks;

/// <summary>
/// Commands:
///   probe [filter ...] [--rounds N] [--ms M] [--condition quiet|loaded] [--json FILE] [--list]
///                                   the interleaved runner behind docs/benchmarks.md (see Probe)
///   memory [--sizes N,N,...] [--out FILE.json]   peak working set against result size, each in its own process (see MemoryProbe)
///   report DIR [--out docs/benchmarks.md] [--svg docs/benchmarks.svg] [--notes bench/notes.md]
///   server --conninfo-file FILE     starts the shared TempServer, writes its conninfo, runs until SIGTERM/Ctrl-C
///   run [--quick|--full] [--artifacts DIR] [BenchmarkDotNet args, e.g. --filter *Point*]
///                                   BenchmarkDotNet, for allocations and micro-level diagnostics (not the report)
///   pool-wait [--checkouts N] [--rounds R]   pool_contended with the p50/p99 wait for a connection (see PoolProbe)
///   pool-heap [--checkouts N]       1,000,000 pool checkouts: managed heap growth after the first 10,000 (see PoolProbe)
/// bench/run.sh strings them together.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        return command switch
        {
            "run" => Run(rest),
            "server" => Server(rest),
            "report" => Report.Write(rest),
            "probe" => Probe.Run(rest),
            "memory" => MemoryProbe.Run(rest),
            "memory-child" => MemoryProbe.Child(rest),
            "pool-wait" => PoolProbe.Wait(rest),
            "pool-heap" => PoolProbe.Heap(rest),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Sharpgres.Benchmarks probe|memory|report|server|run ... (see Program.cs)");
        return 2;
    }

    private static int Run(string[] args)
    {
        var quick = true;
        var artifacts = Path.Combine("bench", "results", "manual");
        var passThrough = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--full": quick = false; break;
                case "--artifacts": artifacts = args[++i]; break;
                default: passThrough.Add(args[i]); break;
            }
        }

        // In process: one TempServer for every class (BenchServer's static holder), the same process for both drivers.
        var job = (quick
                ? Job.Default.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(250))
                : Job.Default.WithWarmupCount(3).WithIterationCount(10))
            .WithLaunchCount(1)
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: true))
            .WithId(quick ? "quick" : "full");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(JsonExporter.Brief, CsvExporter.Default, MarkdownExporter.GitHub)
            .WithArtifactsPath(Path.GetFullPath(artifacts))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);

        Directory.CreateDirectory(artifacts);
        WriteMeta(Path.Combine(artifacts, "meta.json"), quick ? "quick" : "full");
        if (!passThrough.Contains("--filter")) passThrough.AddRange(["--filter", "*"]);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(passThrough.ToArray(), config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>The versions a result belongs to, read while the server is up.</summary>
    private static void WriteMeta(string path, string mode)
    {
        using var conn = BenchServer.ConnectSharpgres();
        var cur = conn.Cursor().Execute("SELECT current_setting('server_version')");
        var meta = new Dictionary<string, string>
        {
            ["mode"] = mode,
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["postgresql"] = cur.FetchOne<string>() ?? "?",
            ["npgsql"] = typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version?.ToString(3) ?? "?",
            ["benchmarkdotnet"] = typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString(3) ?? "?",
            ["copy"] = CopyBenchmarks.Available ? "yes" : "no",
        };
        File.WriteAllText(path, JsonSerializer.Serialize(meta, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int Server(string[] args)
    {
        var file = args.Length >= 2 && args[0] == "--conninfo-file" ? args[1] : throw new ArgumentException("server --conninfo-file FILE");
        using var server = BenchServer.StartServer();
        using var stop = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        var tmp = file + ".tmp";
        // Line 1: the conninfo (loopback TCP); line 2: the Unix-socket directory.
        File.WriteAllText(tmp, server.ConnectionString() + "\n" + server.SocketDirectory + "\n");
        File.Move(tmp, file, overwrite: true);   // appears whole
        Console.WriteLine($"benchmark server: {server}");
        stop.Wait();
        return 0;
    }
}
