using System.Globalization;
using System.Runtime.InteropServices;

namespace Sharpgres.Benchmarks.Interleaved;

/// <summary>
/// What a round reads before and after itself: the client process's CPU time (user and system, every thread, so a
/// spinning wait shows), the managed bytes allocated, the benchmark server's CPU time, and the load average.
/// </summary>
internal static class Meters
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NvCsw, NivCsw;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    private const int Self = 0;
    private const int Children = -1;

    /// <summary>User and system CPU seconds of this process (or of its waited-for children: pgbench).</summary>
    public static (double User, double System) Cpu(bool children = false)
    {
        if (GetRUsage(children ? Children : Self, out var u) != 0) return (double.NaN, double.NaN);
        return (u.UserSeconds + u.UserMicros / 1e6, u.SystemSeconds + u.SystemMicros / 1e6);
    }

    /// <summary>The 1-minute load average (/proc/loadavg).</summary>
    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
        catch (IOException) { return double.NaN; }
    }

    private static readonly double TicksPerSecond = 100;   // USER_HZ on Linux

    /// <summary>
    /// CPU seconds the server has used so far: the postmaster and its live children (backends, background workers),
    /// plus what the postmaster has collected from children that exited (cutime/cstime: the connect workload's
    /// backends). NaN when the server isn't on this machine. Resolution: 10 ms.
    /// </summary>
    public static double ServerCpu(int postmasterPid)
    {
        if (postmasterPid <= 0) return double.NaN;
        double total = 0;
        try
        {
            var own = Stat(postmasterPid);
            if (own is null) return double.NaN;
            total += own.Value.Utime + own.Value.Stime + own.Value.Cutime + own.Value.Cstime;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (name.Length == 0 || !char.IsAsciiDigit(name[0])) continue;
                var pid = int.Parse(name, CultureInfo.InvariantCulture);
                if (Stat(pid) is { } s && s.Ppid == postmasterPid) total += s.Utime + s.Stime;
            }
        }
        catch (IOException) { return double.NaN; }
        return total / TicksPerSecond;
    }

    /// <summary>The parent of a process (a backend's parent is the postmaster).</summary>
    public static int ParentOf(int pid) => Stat(pid)?.Ppid ?? -1;

    private readonly record struct ProcStat(int Ppid, long Utime, long Stime, long Cutime, long Cstime);

    private static ProcStat? Stat(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long F(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);   // n: the field's number in proc(5)
        return new ProcStat((int)F(4), F(14), F(15), F(16), F(17));
    }
}
