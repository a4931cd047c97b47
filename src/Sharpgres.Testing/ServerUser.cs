namespace Sharpgres.Testing;

/// <summary>
/// The OS user the server runs as. initdb and postgres refuse to run as root, so a root process hands the cluster
/// to an unprivileged user: <c>postgres</c> when it exists, else a system user <c>sharpgres</c> created on demand.
/// Any other process runs the server as itself.
/// </summary>
public sealed class ServerUser
{
    /// <summary>The OS user a root process runs the cluster as when it exists (Debian's postgresql package creates it).</summary>
    public const string PreferredUser = "postgres";
    /// <summary>The system user created on demand (useradd --system) when <see cref="PreferredUser"/> does not exist.</summary>
    public const string FallbackUser = "sharpgres";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly object Gate = new();
    private static ServerUser? current;

    private ServerUser(string name, int? uid, int? gid, bool switchUser)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
        SwitchesUser = switchUser;
    }

    /// <summary>The OS user's login name (owner of the data directory and of the postgres processes).</summary>
    public string Name { get; }
    /// <summary>The user's uid and gid when the process switches to it (running as root), else null.</summary>
    public int? Uid { get; }
    /// <summary>The user's primary group id when the process switches to it (running as root), else null.</summary>
    public int? Gid { get; }

    /// <summary>True when this process is root and commands are run through <c>runuser</c> (or <c>setpriv</c>).</summary>
    public bool SwitchesUser { get; }

    /// <summary>The user for this process, decided once.</summary>
    public static ServerUser ForCurrentProcess()
    {
        lock (Gate)
            return current ??= Resolve();
    }

    private static ServerUser Resolve()
    {
        if (!Environment.IsPrivilegedProcess)
            return new ServerUser(Environment.UserName, null, null, switchUser: false);

        var account = LookUp(PreferredUser) ?? LookUp(FallbackUser) ?? Create(FallbackUser);
        return new ServerUser(account.Name, account.Uid, account.Gid, switchUser: true);
    }

    /// <summary>The command line that runs <paramref name="program"/> as this user.</summary>
    internal (string FileName, IReadOnlyList<string> Arguments) Wrap(string program, IReadOnlyList<string> arguments)
    {
        if (!SwitchesUser)
            return (program, arguments);
        if (FindSystemProgram("runuser") is { } runuser)
            return (runuser, ["-u", Name, "--", program, .. arguments]);
        if (FindSystemProgram("setpriv") is { } setpriv)
            return (setpriv, [$"--reuid={Uid}", $"--regid={Gid}", "--init-groups", "--", program, .. arguments]);
        throw new TempServerException(
            "Running as root, but neither 'runuser' nor 'setpriv' (util-linux) is available to run the server as " +
            $"'{Name}'. Install util-linux or run the tests as an unprivileged user.");
    }

    /// <summary>Gives <paramref name="paths"/> (not recursively) to this user; a no-op unless running as root.</summary>
    internal void Own(params string[] paths)
    {
        if (!SwitchesUser || paths.Length == 0)
            return;
        var chown = FindSystemProgram("chown") ?? "chown";
        var result = CommandRunner.Run(chown, [$"{Uid}:{Gid}", "--", .. paths], CommandTimeout);
        if (!result.Succeeded)
            throw new TempServerException($"Could not give the cluster files to '{Name}'.{Environment.NewLine}{result.Describe()}");
    }

    private sealed record Account(string Name, int Uid, int Gid);

    private static Account? LookUp(string name)
    {
        // getent consults NSS, so users from LDAP/sssd count as well as /etc/passwd.
        var getent = FindSystemProgram("getent");
        if (getent is not null)
        {
            var result = CommandRunner.Run(getent, ["passwd", name], CommandTimeout);
            return result.Succeeded ? Parse(result.StdOut) : null;
        }
        return File.Exists("/etc/passwd")
            ? File.ReadLines("/etc/passwd").Select(Parse).FirstOrDefault(a => a?.Name == name)
            : null;
    }

    private static Account? Parse(string passwdLine)
    {
        var fields = passwdLine.Trim().Split(':');
        return fields.Length >= 4 && int.TryParse(fields[2], out var uid) && int.TryParse(fields[3], out var gid)
            ? new Account(fields[0], uid, gid)
            : null;
    }

    private static Account Create(string name)
    {
        var useradd = FindSystemProgram("useradd")
            ?? throw new TempServerException(
                $"Running as root and neither '{PreferredUser}' nor '{FallbackUser}' exists, and 'useradd' is missing, " +
                $"so there is no unprivileged user to run the server. Create one ('apt-get install postgresql' creates '{PreferredUser}') " +
                "or run the tests as an unprivileged user.");
        var shell = File.Exists("/usr/sbin/nologin") ? "/usr/sbin/nologin" : "/bin/false";
        var result = CommandRunner.Run(useradd, ["--system", "--no-create-home", "--user-group", "--shell", shell, name], CommandTimeout);
        // Another test process may have created it at the same moment (useradd then fails with 'already exists').
        return LookUp(name) ?? throw new TempServerException(
            $"Could not create the system user '{name}' to run the server.{Environment.NewLine}{result.Describe()}");
    }

    internal static string? FindSystemProgram(string name)
    {
        string[] directories = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];
        return directories
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The user's login name.</summary>
    public override string ToString() => Name;
}
