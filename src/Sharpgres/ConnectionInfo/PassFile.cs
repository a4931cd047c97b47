using System.Text;

namespace Sharpgres;

/// <summary>
/// libpq's password file (<c>~/.pgpass</c>, <c>%APPDATA%\postgresql\pgpass.conf</c>, or the <c>passfile</c>
/// keyword / PGPASSFILE): lines <c>hostname:port:database:username:password</c>; <c>*</c> matches anything
/// in the first four fields; <c>\:</c> and <c>\\</c> escape; lines starting with <c>#</c> are comments;
/// the first matching line wins. On Unix the file is ignored, with a warning, if group or others
/// have any access to it.
/// </summary>
internal sealed class PassFile
{
    private readonly List<string?[]> _entries;

    private PassFile(List<string?[]> entries) => _entries = entries;

    /// <summary>
    /// Reads the file; null (and maybe a warning) when it doesn't exist, isn't a plain file,
    /// has unsafe permissions or can't be read.
    /// </summary>
    public static PassFile? Load(string path, bool checkPermissions, ICollection<string> warnings)
    {
        if (Directory.Exists(path))
        {
            warnings.Add($"WARNING: password file \"{path}\" is not a plain file");
            return null;
        }
        if (!File.Exists(path))
            return null;
        if (checkPermissions && !OperatingSystem.IsWindows())
        {
            const UnixFileMode groupOrOther =
                UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((File.GetUnixFileMode(path) & groupOrOther) != 0)
            {
                warnings.Add($"WARNING: password file \"{path}\" has group or world access; permissions should be u=rw (0600) or less");
                return null;
            }
        }
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // libpq silently skips a password file it cannot open.
            return null;
        }
        return Parse(text);
    }

    public static PassFile Parse(string text)
    {
        var entries = new List<string?[]>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            var fields = SplitFields(line);
            if (fields is not null)
                entries.Add(fields);
        }
        return new PassFile(entries);
    }

    /// <summary>
    /// The password of the first line matching host, port, database and user; null if none does.
    /// <paramref name="host"/> is what libpq compares: the host name (or hostaddr), or "localhost" for the
    /// default Unix socket directory.
    /// </summary>
    public string? Find(string host, string port, string database, string user)
    {
        foreach (var entry in _entries)
        {
            if (Matches(entry[0], host) && Matches(entry[1], port) && Matches(entry[2], database) && Matches(entry[3], user))
                return entry[4];
        }
        return null;
    }

    // A field that was exactly an unescaped "*" is stored as null: the wildcard.
    private static bool Matches(string? field, string value) => field is null || field == value;

    /// <summary>
    /// Splits a line into four match fields and the password. Fields end at an unescaped ':';
    /// the password ends at an unescaped ':' or the end of the line. Null for lines with fewer than five fields.
    /// </summary>
    private static string?[]? SplitFields(string line)
    {
        var fields = new string?[5];
        var sb = new StringBuilder();
        var i = 0;
        for (var f = 0; f < 5; f++)
        {
            sb.Clear();
            var fieldStart = i;
            var terminated = false;
            while (i < line.Length)
            {
                var c = line[i];
                if (c == '\\' && i + 1 < line.Length)
                {
                    sb.Append(line[i + 1]);
                    i += 2;
                    continue;
                }
                if (c == '\\')
                {
                    i++; // a lone trailing backslash
                    continue;
                }
                if (c == ':')
                {
                    terminated = true;
                    i++;
                    break;
                }
                sb.Append(c);
                i++;
            }
            if (f < 4)
            {
                if (!terminated)
                    return null;
                var isWildcard = i - fieldStart == 2 && line[fieldStart] == '*';
                fields[f] = isWildcard ? null : sb.ToString();
            }
            else
            {
                fields[f] = sb.ToString();
            }
        }
        return fields;
    }
}
