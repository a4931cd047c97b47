using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sharpgres.Testing;

/// <summary>
/// Layout and configuration files of one throwaway cluster:
/// <c>&lt;base&gt;/sharpgres-pg-&lt;pid&gt;-&lt;random&gt;/{data,socket,tls,server.log}</c>. Our settings live in
/// <c>data/sharpgres.conf</c>, included at the end of initdb's postgresql.conf so they win.
/// </summary>
internal sealed class ClusterFiles
{
    public const string SettingsFileName = "sharpgres.conf";

    private ClusterFiles(string root)
    {
        Root = root;
        DataDirectory = Path.Combine(root, "data");
        SocketDirectory = Path.Combine(root, "socket");
        TlsDirectory = Path.Combine(root, "tls");
        LogFile = Path.Combine(root, "server.log");
        PasswordFile = Path.Combine(root, "pwfile");
    }

    public string Root { get; }
    public string DataDirectory { get; }
    public string SocketDirectory { get; }
    public string TlsDirectory { get; }
    public string LogFile { get; }
    public string PasswordFile { get; }

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates the root, data and socket directories (data 0700: postgres insists).</summary>
    public static ClusterFiles Create(string baseDirectory)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("TempServer runs PostgreSQL on Unix-like systems only.");
        var name = $"{StaleClusterCleaner.DirectoryPrefix}{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var files = new ClusterFiles(Path.Combine(baseDirectory, name));
        Directory.CreateDirectory(files.Root, Shared);
        File.SetUnixFileMode(files.Root, Shared);
        Directory.CreateDirectory(files.DataDirectory, Private);
        File.SetUnixFileMode(files.DataDirectory, Private);
        Directory.CreateDirectory(files.SocketDirectory, Shared);
        File.SetUnixFileMode(files.SocketDirectory, Shared);
        return files;
    }

    public void WritePasswordFile(string password)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("TempServer runs PostgreSQL on Unix-like systems only.");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var writer = new StreamWriter(PasswordFile, new UTF8Encoding(false), options);
        writer.Write(password);
        writer.Write('\n');
    }

    public void DeletePasswordFile() => File.Delete(PasswordFile);

    /// <summary>The settings every TempServer gets, then the caller's.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings(int port, TlsCertificates? tls, IEnumerable<KeyValuePair<string, string>> extra)
    {
        var settings = new List<KeyValuePair<string, string>>
        {
            new("listen_addresses", "127.0.0.1"),
            new("port", port.ToString(CultureInfo.InvariantCulture)),
            new("unix_socket_directories", SocketDirectory),
            new("max_connections", "200"),
            new("shared_buffers", "128MB"),
            // Durability is pointless for a cluster deleted at the end of the run.
            new("fsync", "off"),
            new("synchronous_commit", "off"),
            new("full_page_writes", "off"),
            new("password_encryption", "scram-sha-256"),
            new("logging_collector", "off"),
            new("log_min_messages", "warning"),
            new("log_timezone", "UTC"),
        };
        if (tls is not null)
        {
            settings.Add(new("ssl", "on"));
            settings.Add(new("ssl_cert_file", tls.ServerCertificatePath));
            settings.Add(new("ssl_key_file", tls.ServerKeyPath));
            settings.Add(new("ssl_ca_file", tls.CaCertificatePath));
        }
        settings.AddRange(extra.Where(s => s.Key != "port"));
        return settings;
    }

    /// <summary>Writes <c>data/sharpgres.conf</c> and makes sure postgresql.conf includes it; returns the files written.</summary>
    public string[] WriteSettings(IEnumerable<KeyValuePair<string, string>> settings)
    {
        var text = new StringBuilder("# Written by Sharpgres.Testing.TempServer; included last by postgresql.conf.\n");
        foreach (var (key, value) in settings)
        {
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
                throw new ArgumentException($"'{key}' is not a valid configuration parameter name.", nameof(settings));
            text.Append(key).Append(" = ").Append(QuoteSetting(value)).Append('\n');
        }
        var settingsFile = Path.Combine(DataDirectory, SettingsFileName);
        File.WriteAllText(settingsFile, text.ToString());

        var mainFile = Path.Combine(DataDirectory, "postgresql.conf");
        var include = $"include = '{SettingsFileName}'";
        if (!File.ReadLines(mainFile).Any(l => l.Trim() == include))
            File.AppendAllText(mainFile, $"\n{include}\n");
        return [settingsFile, mainFile];
    }

    public string WriteHba(string content)
    {
        var path = Path.Combine(DataDirectory, "pg_hba.conf");
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>postgresql.conf string syntax: single quotes, <c>'</c> doubled, backslash escaped.</summary>
    internal static string QuoteSetting(string value) =>
        "'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
