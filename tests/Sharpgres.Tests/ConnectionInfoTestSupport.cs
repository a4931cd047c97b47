namespace Sharpgres.Tests;

/// <summary>A temporary directory, deleted on dispose; and a fake environment for resolving connection info.</summary>
internal sealed class ConnectionInfoTempDir : IDisposable
{
    public ConnectionInfoTempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sharpgres-conninfo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file (mode 0600 on Unix) and returns its path.</summary>
    public string Write(string name, string text, UnixFileMode? mode = null)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class FakeEnvironment
{
    /// <summary>
    /// A resolve environment that reads nothing real: the given variables only (PGSYSCONFDIR pointing at
    /// <paramref name="home"/> unless given), <paramref name="home"/> as home, the given socket directories
    /// as the only existing ones, "osuser" as the OS user.
    /// </summary>
    public static ResolveEnvironment Create(
        string home, Dictionary<string, string>? variables = null, string[]? existingDirectories = null,
        Random? random = null, bool isWindows = false)
    {
        var vars = new Dictionary<string, string>(variables ?? []);
        vars.TryAdd("PGSYSCONFDIR", home);
        var dirs = existingDirectories ?? ["/var/run/postgresql"];
        return new ResolveEnvironment
        {
            GetEnv = name => vars.TryGetValue(name, out var value) ? value : null,
            HomeDirectory = home,
            DirectoryExists = dir => dirs.Contains(dir),
            UserName = () => "osuser",
            IsWindows = isWindows,
            Random = random ?? new Random(42),
        };
    }
}
