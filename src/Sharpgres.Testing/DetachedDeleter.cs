using System.Diagnostics;
using System.Globalization;

namespace Sharpgres.Testing;

/// <summary>
/// Deletes a cluster directory from a detached shell, so that the deletion finishes even if this process is killed
/// right after. Used only on the way out (ProcessExit, SIGTERM): <c>dotnet test</c> kills the test host about 100 ms
/// after asking it to exit, too soon to delete a data directory of ~1000 files in-process.
/// </summary>
internal static class DetachedDeleter
{
    // Wait (at most 10 s) for the postmaster to exit - it removes postmaster.pid last; kill -0 alone would also wait
    // for a zombie nobody reaps - then delete. The inner job is backgrounded by the outer shell, which exits at once:
    // the job is re-parented and is not part of this process's tree when that is killed.
    private const string Script =
        "( i=0; while [ -n \"$1\" ] && [ -e \"$2/data/postmaster.pid\" ] && kill -0 \"$1\" 2>/dev/null && [ $i -lt 100 ]; " +
        "do sleep 0.1; i=$((i+1)); done; rm -rf -- \"$2\" ) </dev/null >/dev/null 2>&1 &";

    public static void Schedule(string directory, int? postmasterPid)
    {
        if (ServerUser.FindSystemProgram("sh") is not { } shell)
            return;
        try
        {
            var startInfo = new ProcessStartInfo(shell)
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = "/",
            };
            foreach (var argument in (string[])["-c", Script, "sh", postmasterPid?.ToString(CultureInfo.InvariantCulture) ?? "", directory])
                startInfo.ArgumentList.Add(argument);
            using var process = Process.Start(startInfo);
            process?.WaitForExit(TimeSpan.FromSeconds(1));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            // Best effort: the synchronous delete follows, and the next run's StaleClusterCleaner after that.
        }
    }
}
