namespace Sharpgres;

/// <summary>
/// libpq's connection service file (<c>~/.pg_service.conf</c> or PGSERVICEFILE, then
/// <c>$PGSYSCONFDIR/pg_service.conf</c>): INI sections named after services, <c>keyword=value</c> lines.
/// As in libpq, lines are trimmed but the text around '=' is not, lines starting with '#' are comments
/// (';' too, as in other INI files), and within the service's section the first setting of a keyword wins.
/// </summary>
internal static class ServiceFile
{
    /// <summary>
    /// The settings of <paramref name="service"/> in the file at <paramref name="path"/>, or null if the file
    /// does not exist or has no such section.
    /// </summary>
    public static List<KeyValuePair<string, string>>? Find(string path, string service)
    {
        if (!File.Exists(path))
            return null;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProgrammingError($"could not read service file \"{path}\": {e.Message}", inner: e);
        }
        return Find(lines, service, path);
    }

    public static List<KeyValuePair<string, string>>? Find(IReadOnlyList<string> lines, string service, string path)
    {
        List<KeyValuePair<string, string>>? found = null;
        for (var n = 0; n < lines.Count; n++)
        {
            var line = lines[n].Trim(ConninfoParser.Whitespace);
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            if (line[0] == '[')
            {
                if (found is not null)
                    break; // end of the service's section
                if (line.Length == service.Length + 2 && line[^1] == ']' && line.AsSpan(1, service.Length).SequenceEqual(service))
                    found = [];
                continue;
            }
            if (found is null)
                continue;

            var eq = line.IndexOf('=');
            if (eq < 0)
                throw SyntaxError(path, n + 1, "missing \"=\"");
            var keyword = line[..eq];
            var value = line[(eq + 1)..];
            if (keyword == Keywords.Service)
                throw new ProgrammingError($"nested service specifications not supported in service file \"{path}\", line {n + 1}");
            if (keyword == Keywords.ServiceFile)
                throw new ProgrammingError($"nested servicefile specifications not supported in service file \"{path}\", line {n + 1}");
            if (!Keywords.IsKnown(keyword))
                throw SyntaxError(path, n + 1, Keywords.InvalidOptionMessage(keyword));
            if (!found.Exists(kv => kv.Key == keyword))
                found.Add(new(keyword, value));
        }
        return found;
    }

    private static ProgrammingError SyntaxError(string path, int line, string detail) =>
        new($"syntax error in service file \"{path}\", line {line}: {detail}");
}
