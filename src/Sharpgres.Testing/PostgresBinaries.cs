namespace Sharpgres.Testing;

/// <summary>
/// Finds the PostgreSQL server programs: <c>$PG_BIN</c>, then the directory of <c>initdb</c> or <c>pg_ctl</c>
/// on <c>PATH</c> (symlinks resolved), then the highest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (Debian, Ubuntu).
/// </summary>
public static class PostgresBinaries
{
    /// <summary>The environment variable (<c>PG_BIN</c>) that names the folder holding initdb, pg_ctl and postgres; when set, it alone is searched.</summary>
    public const string EnvironmentVariable = "PG_BIN";

    private static readonly string[] Required = ["initdb", "pg_ctl", "postgres"];

    /// <summary>The directory holding initdb, pg_ctl and postgres, or null when none is found.</summary>
    public static string? TryFind()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return IsServerBinDirectory(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var program in (string[])["initdb", "pg_ctl"])
            {
                var candidate = Path.Combine(directory, program);
                if (!File.Exists(candidate))
                    continue;
                // Debian's /usr/bin/pg_ctl-like names are wrappers into /usr/share/postgresql-common: checking the
                // resolved directory for all three programs skips those.
                var resolved = ResolveLinks(candidate);
                var binDirectory = Path.GetDirectoryName(resolved);
                if (binDirectory is not null && IsServerBinDirectory(binDirectory))
                    return binDirectory;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            return Directory.EnumerateDirectories(debianRoot)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(c => c.Version is not null && IsServerBinDirectory(c.Directory))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Directory)
                .FirstOrDefault();
        }

        return null;
    }

    /// <summary>Like <see cref="TryFind"/>, but throws an <see cref="InvalidOperationException"/> saying how to install PostgreSQL.</summary>
    public static string Find(string? explicitDirectory = null)
    {
        if (explicitDirectory is not null)
        {
            return IsServerBinDirectory(explicitDirectory)
                ? Path.GetFullPath(explicitDirectory)
                : throw new InvalidOperationException(
                    $"'{explicitDirectory}' does not contain the PostgreSQL server programs ({string.Join(", ", Required)}).");
        }

        var found = TryFind();
        if (found is not null)
            return found;

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var why = string.IsNullOrWhiteSpace(fromEnvironment)
            ? "none of initdb/pg_ctl on PATH, nor /usr/lib/postgresql/*/bin, has them"
            : $"{EnvironmentVariable}='{fromEnvironment}' does not contain them";
        throw new InvalidOperationException(
            $"The PostgreSQL server programs ({string.Join(", ", Required)}) were not found: {why}. " +
            "Install them (Debian/Ubuntu: 'sudo apt-get install postgresql'; macOS: 'brew install postgresql') " +
            $"or set {EnvironmentVariable} to the directory that holds them, " +
            "or set SHARPGRES_TEST_CONNINFO to run the tests against an existing server.");
    }

    /// <summary>Path of a program (pg_isready, psql...) in <paramref name="binDirectory"/>.</summary>
    public static string Program(string binDirectory, string name) => Path.Combine(binDirectory, name);

    private static bool IsServerBinDirectory(string directory) =>
        Required.All(p => File.Exists(Path.Combine(directory, p)));

    private static string ResolveLinks(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
        }
    }

    private static Version? ParseVersion(string name)
    {
        if (int.TryParse(name, out var major))
            return new Version(major, 0);
        return Version.TryParse(name, out var version) ? version : null;
    }
}
