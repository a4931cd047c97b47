using System.Globalization;

namespace Sharpgres.Testing;

/// <summary>
/// Removes clusters left behind by test processes that died without disposing their <see cref="TempServer"/>
/// (killed runner, debugger stopped, crash): every <c>sharpgres-pg-&lt;pid&gt;-*</c> directory whose pid is no longer
/// alive. A postmaster still running in such a directory is shut down first. Directories of live processes are never
/// touched.
/// </summary>
public static class StaleClusterCleaner
{
    /// <summary>The name prefix of every TempServer folder under the temporary directory (<c>sharpgres-pg-&lt;pid&gt;-&lt;random&gt;</c>), by which stale clusters of dead processes are recognised.</summary>
    public const string DirectoryPrefix = "sharpgres-pg-";

    /// <summary>Cleans <paramref name="baseDirectory"/>; returns the directories removed. Best effort: never throws for one directory.</summary>
    public static IReadOnlyList<string> Clean(string baseDirectory)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(baseDirectory, DirectoryPrefix + "*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (var directory in candidates)
        {
            if (OwnerPid(Path.GetFileName(directory)) is not { } ownerPid
                || ownerPid == Environment.ProcessId
                || Postmaster.IsAlive(ownerPid))
                continue;
            if (TryRemove(directory))
                removed.Add(directory);
        }
        return removed;
    }

    /// <summary>The pid in a <c>sharpgres-pg-&lt;pid&gt;-&lt;suffix&gt;</c> name, or null for other names.</summary>
    internal static int? OwnerPid(string directoryName)
    {
        if (!directoryName.StartsWith(DirectoryPrefix, StringComparison.Ordinal))
            return null;
        var rest = directoryName.AsSpan(DirectoryPrefix.Length);
        var dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            ? pid
            : null;
    }

    private static bool TryRemove(string directory)
    {
        try
        {
            if (Postmaster.LivePid(Path.Combine(directory, "data")) is { } postmaster
                && !Postmaster.Kill(postmaster, TimeSpan.FromSeconds(5)))
                return false;
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else's (another user's) cluster, or another process cleaning the same directory right now.
            return !Directory.Exists(directory);
        }
    }
}
