using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Sharpgres.Testing;

/// <summary>Process-level helpers: is a pid alive, which postmaster owns a data directory, stop one by force.</summary>
internal static partial class Postmaster
{
    private const int SigQuit = 3; // same number on Linux, macOS and the BSDs

    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
            return false;
        if (Directory.Exists("/proc/self"))
        {
            // A killed postmaster is re-parented; where nothing reaps it (some containers' pid 1) it stays a zombie.
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var state = stat.LastIndexOf(')') is var end and >= 0 && end + 2 < stat.Length ? stat[end + 2] : '?';
                return state is not ('Z' or 'X');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The pid on the first line of <c>postmaster.pid</c>, or null when there is none.</summary>
    public static int? ReadPid(string dataDirectory)
    {
        try
        {
            var firstLine = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(firstLine?.Trim(), out var pid) && pid > 0 ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The pid of a live postmaster for <paramref name="dataDirectory"/>, or null.</summary>
    public static int? LivePid(string dataDirectory) =>
        ReadPid(dataDirectory) is { } pid && IsAlive(pid) && LooksLikePostgres(pid) ? pid : null;

    /// <summary>
    /// Guard against pid reuse: only a process whose name says postgres is killed. Without /proc (not Linux) there
    /// is nothing to check and the pid file is trusted.
    /// </summary>
    public static bool LooksLikePostgres(int pid)
    {
        var comm = $"/proc/{pid}/comm";
        if (!Directory.Exists("/proc/self"))
            return true;
        try
        {
            var name = File.ReadAllText(comm).Trim();
            return name.StartsWith("postgres", StringComparison.Ordinal) || name.StartsWith("postmaster", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sends SIGQUIT: the postmaster's immediate shutdown (what <c>pg_ctl stop -m immediate</c> sends), which also
    /// ends its children. Done in-process with kill(2) so it is instantaneous, even while the process is exiting.
    /// </summary>
    public static bool SignalImmediateShutdown(int pid)
    {
        try
        {
            if (SysKill(pid, SigQuit) == 0)
                return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Fall back to the kill program below.
        }
        var kill = ServerUser.FindSystemProgram("kill");
        if (kill is null)
            return false;
        try
        {
            return CommandRunner.Run(kill, ["-QUIT", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10)).Succeeded;
        }
        catch (TempServerException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL: the process ends at once, without any shutdown of its own. Returns whether the signal was sent.</summary>
    public static bool SignalKill(int pid)
    {
        const int sigKill = 9;
        try
        {
            return SysKill(pid, sigKill) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                return true;
            }
            catch (Exception inner) when (inner is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// SIGQUIT, then SIGKILL if the process is still there after <paramref name="grace"/>. Returns whether it is gone.
    /// </summary>
    public static bool Kill(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid))
            return true;
        if (SignalImmediateShutdown(pid) && WaitForExit(pid, grace))
            return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
        return WaitForExit(pid, TimeSpan.FromSeconds(5));
    }

    public static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (IsAlive(pid))
        {
            if (deadline.Elapsed > timeout)
                return false;
            Thread.Sleep(50);
        }
        return true;
    }

    // "libc" is mapped by the runtime to the platform's C library (libc.so.6 on glibc Linux).
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
