namespace Sharpgres;

/// <summary>
/// A reader for INI files as Python's configparser reads them (the <c>database.ini</c> of the psycopg
/// tutorials): <c>[section]</c> headers; <c>key = value</c> or <c>key: value</c> (split at the first '=' or ':');
/// keys lower-cased, keys and values trimmed; whole-line comments starting with '#' or ';'; indented lines
/// continue the previous value; <c>[DEFAULT]</c> supplies values to every section. Values are taken raw
/// (no <c>%(name)s</c> interpolation).
/// </summary>
internal sealed class IniFile
{
    public const string DefaultSection = "DEFAULT";

    private readonly Dictionary<string, List<KeyValuePair<string, string>>> _sections;

    private IniFile(Dictionary<string, List<KeyValuePair<string, string>>> sections) => _sections = sections;

    public IEnumerable<string> SectionNames => _sections.Keys.Where(s => s != DefaultSection);

    public static IniFile Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"configuration file \"{path}\" not found", path);
        return Parse(File.ReadAllLines(path), path);
    }

    public static IniFile Parse(IReadOnlyList<string> lines, string path)
    {
        var sections = new Dictionary<string, List<KeyValuePair<string, string>>>(StringComparer.Ordinal);
        List<KeyValuePair<string, string>>? current = null;
        string? currentName = null;
        var lastIndex = -1;       // index in current of the option continuation lines extend
        var lastIndent = 0;

        for (var n = 0; n < lines.Count; n++)
        {
            var raw = lines[n];
            var stripped = raw.Trim();
            if (stripped.Length == 0)
            {
                lastIndex = -1;
                continue;
            }
            if (stripped[0] is '#' or ';')
                continue;

            var indent = raw.Length - raw.TrimStart().Length;
            if (current is not null && lastIndex >= 0 && indent > lastIndent)
            {
                var (key, value) = current[lastIndex];
                current[lastIndex] = new(key, value.Length == 0 ? stripped : value + "\n" + stripped);
                continue;
            }

            if (stripped[0] == '[')
            {
                var close = stripped.LastIndexOf(']');
                if (close > 1)
                {
                    currentName = stripped[1..close];
                    if (sections.ContainsKey(currentName))
                        throw new ProgrammingError($"section \"{currentName}\" appears more than once in \"{path}\" (line {n + 1})");
                    current = [];
                    sections[currentName] = current;
                    lastIndex = -1;
                    continue;
                }
            }

            if (current is null)
                throw new ProgrammingError($"file \"{path}\" contains no section header before line {n + 1}");

            var delimiter = stripped.IndexOfAny(['=', ':']);
            if (delimiter < 0)
                throw new ProgrammingError($"line {n + 1} of \"{path}\" is not a [section] header nor a \"key = value\" line");
            var name = stripped[..delimiter].TrimEnd().ToLowerInvariant();
            if (name.Length == 0)
                throw new ProgrammingError($"line {n + 1} of \"{path}\" has no key before '{stripped[delimiter]}'");
            if (current.Exists(kv => kv.Key == name))
                throw new ProgrammingError($"option \"{name}\" appears more than once in section \"{currentName}\" of \"{path}\" (line {n + 1})");
            current.Add(new(name, stripped[(delimiter + 1)..].Trim()));
            lastIndex = current.Count - 1;
            lastIndent = indent;
        }
        return new IniFile(sections);
    }

    /// <summary>The section's options over the DEFAULT section's; null if there is no such section.</summary>
    public List<KeyValuePair<string, string>>? GetSection(string section)
    {
        _sections.TryGetValue(DefaultSection, out var defaults);
        if (!_sections.TryGetValue(section, out var values))
        {
            if (section != DefaultSection)
                return null;
            values = [];
        }
        var result = new List<KeyValuePair<string, string>>();
        if (defaults is not null && section != DefaultSection)
            result.AddRange(defaults.Where(d => !values.Exists(v => v.Key == d.Key)));
        result.AddRange(values);
        return result;
    }
}
