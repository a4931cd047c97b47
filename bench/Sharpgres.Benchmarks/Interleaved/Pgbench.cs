using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>
/// libpq's pgbench as a third side of the synchronous point query: <c>pgbench -n -M prepared</c> with a script that
/// runs the same <c>SELECT $1::int4 + 1</c> (a random int bound by pgbench), one client, one thread. libpq blocks in
/// its read like Sharpgres without the spin, and spends little user CPU per query, so it shows what a blocking
/// client can reach on this machine. Its rate is pgbench's tps without the initial connection; its CPU is the
/// child's user + system time (getrusage RUSAGE_CHILDREN), connection and SCRAM included (a few ms per round).
/// </summary>
internal static partial class Pgbench
{
    private static readonly string? Path = FindPgbench();
    public static bool Available => Path is not null;
    public static string? Version => Path is null ? null : Output(Path, "--version").Trim();

    private static string? FindPgbench()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/lib/postgresql/15/bin"))
        {
            var candidate = System.IO.Path.Combine(dir, "pgbench");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static Side Side(string transport)
    {
        var perSecond = 20_000.0;   // first guess of the rate; each round then asks for about its budget's worth
        return new Side(Drivers.Pgbench)
        {
            Round = budgetMs =>
            {
                var transactions = (int)Math.Clamp(perSecond * budgetMs / 1000, 500, 2_000_000);
                var sample = RunOnce(transport, transactions);
                perSecond = sample.Rate;
                return sample;
            },
        };
    }

    private static string? _script;

    private static Sample RunOnce(string transport, int transactions)
    {
        _script ??= WriteScript();
        var info = ConnectionInfo.Parse(BenchServer.Conninfo);
        var host = transport == "unix" ? BenchServer.SocketDirectory! : info.Host!;
        var start = new ProcessStartInfo(Path!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-n", "-M", "prepared", "-c", "1", "-j", "1", "-t", transactions.ToString(CultureInfo.InvariantCulture),
                     "-f", _script, "-h", host, "-p", info.Port ?? "5432", "-U", info.User!, info.DbName ?? "postgres" })
            start.ArgumentList.Add(a);
        start.Environment["PGPASSWORD"] = info.Password;
        start.Environment["PGSSLMODE"] = "disable";
        var before = Snapshot.Begin();
        var children = Meters.Cpu(children: true);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        var after = Snapshot.End();
        var childrenAfter = Meters.Cpu(children: true);
        var text = stdout.Result;
        if (process.ExitCode != 0) throw new InvalidOperationException($"pgbench failed ({process.ExitCode}): {stderr}");
        var tps = double.Parse(Tps().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        var done = double.Parse(Processed().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        // The rate is pgbench's own (without connecting); seconds are derived from it so Rate = tps.
        return new Sample(done / tps, done, childrenAfter.User - children.User, childrenAfter.System - children.System,
            0, after.Server - before.Server);
    }

    private static string WriteScript()
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sharpgres-bench-point-{Environment.ProcessId}.sql");
        File.WriteAllText(file, "\\set i random(1, 1000000)\nSELECT :i::int4 + 1;\n");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(file);
        return file;
    }

    private static string Output(string path, string arg)
    {
        var start = new ProcessStartInfo(path, arg) { UseShellExecute = false, RedirectStandardOutput = true };
        using var p = Process.Start(start)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return text;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"number of transactions actually processed: ([0-9]+)")]
    private static partial Regex Processed();
}
