namespace Sharpgres;

/// <summary>
/// What resolving a <see cref="ConnectionInfo"/> reads from the outside world, replaceable in tests:
/// environment variables, the home directory, which directories exist, the OS user name, the platform.
/// </summary>
internal sealed class ResolveEnvironment
{
    /// <summary>Debian's and the PGDG packages' system configuration directory (libpq's SYSCONFDIR there).</summary>
    public const string DefaultSysConfDir = "/etc/postgresql-common";

    /// <summary>Default Unix socket directories, in order of preference (Debian's, then PostgreSQL's built-in).</summary>
    public static readonly IReadOnlyList<string> DefaultSocketDirectories = ["/var/run/postgresql", "/tmp"];

    public Func<string, string?> GetEnv { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The directory holding the user's files: on Unix the home directory (<c>.pgpass</c>, <c>.pg_service.conf</c>),
    /// on Windows <c>%APPDATA%\postgresql</c> (<c>pgpass.conf</c>, <c>.pg_service.conf</c>). Null: found from the environment.
    /// </summary>
    public string? HomeDirectory { get; init; }

    public Func<string, bool> DirectoryExists { get; init; } = Directory.Exists;

    public Func<string> UserName { get; init; } = () => Environment.UserName;

    public bool IsWindows { get; init; } = OperatingSystem.IsWindows();

    /// <summary>Whether to ignore a password file readable by group or others (Unix only).</summary>
    public bool CheckPassFilePermissions { get; init; } = true;

    public Random Random { get; init; } = Random.Shared;

    private string? UserConfigDirectory()
    {
        if (HomeDirectory is not null)
            return HomeDirectory;
        if (IsWindows)
        {
            var appData = GetEnv("APPDATA");
            if (string.IsNullOrEmpty(appData))
                appData = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
            return string.IsNullOrEmpty(appData) ? null : Path.Combine(appData, "postgresql");
        }
        var home = GetEnv("HOME");
        if (string.IsNullOrEmpty(home))
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : home;
    }

    /// <summary>~/.pgpass, or %APPDATA%\postgresql\pgpass.conf on Windows.</summary>
    public string? DefaultPassFile() =>
        UserConfigDirectory() is { } dir ? Path.Combine(dir, IsWindows ? "pgpass.conf" : ".pgpass") : null;

    /// <summary>~/.pg_service.conf, or %APPDATA%\postgresql\.pg_service.conf on Windows.</summary>
    public string? DefaultUserServiceFile() =>
        UserConfigDirectory() is { } dir ? Path.Combine(dir, ".pg_service.conf") : null;

    /// <summary>$PGSYSCONFDIR/pg_service.conf, or the system default.</summary>
    public string SystemServiceFile() =>
        Path.Combine(GetEnv("PGSYSCONFDIR") is { Length: > 0 } dir ? dir : DefaultSysConfDir, "pg_service.conf");

    /// <summary>
    /// Where libpq connects when no host is given: the first default socket directory that exists,
    /// else (and always on Windows) "localhost".
    /// </summary>
    public string DefaultHost()
    {
        if (IsWindows)
            return "localhost";
        foreach (var dir in DefaultSocketDirectories)
            if (DirectoryExists(dir))
                return dir;
        return "localhost";
    }
}
