using System.Text;

namespace Sharpgres;

/// <summary>
/// Parser for libpq's key/value connection strings: <c>host=localhost port=5432 password='it\'s'</c>.
/// Follows libpq's conninfo_parse: white space separates parameters and may surround '=';
/// values are either unquoted (ending at white space, backslash escapes the next character)
/// or single-quoted (backslash escapes the next character). As an extension, a doubled quote
/// (<c>''</c>) inside a quoted value stands for one quote, as in SQL: libpq rejects such strings.
/// </summary>
internal static class ConninfoParser
{
    public static List<KeyValuePair<string, string>> Parse(string conninfo)
    {
        var result = new List<KeyValuePair<string, string>>();
        string? previous = null;
        var value = new StringBuilder();
        var s = conninfo;
        var i = 0;
        while (i < s.Length)
        {
            if (IsSpace(s[i]))
            {
                i++;
                continue;
            }

            // The keyword: up to '=' or white space.
            var start = i;
            while (i < s.Length && s[i] != '=' && !IsSpace(s[i]))
                i++;
            var keyword = s[start..i];
            while (i < s.Length && IsSpace(s[i]))
                i++;
            if (i >= s.Length || s[i] != '=')
                throw new ProgrammingError(previous is not null && Keywords.IsSecret(previous)
                    ? $"missing \"=\" after the value of \"{previous}\" in connection info string (the text is not shown; is the value quoted correctly?)"
                    : $"missing \"=\" after \"{Shown(keyword)}\" in connection info string");
            i++;
            while (i < s.Length && IsSpace(s[i]))
                i++;

            value.Clear();
            if (i < s.Length && s[i] == '\'')
            {
                i++;
                while (true)
                {
                    if (i >= s.Length)
                        throw new ProgrammingError("unterminated quoted string in connection info string");
                    var c = s[i];
                    if (c == '\\')
                    {
                        i++;
                        if (i < s.Length)
                            value.Append(s[i++]);
                        continue;
                    }
                    if (c == '\'')
                    {
                        if (i + 1 < s.Length && s[i + 1] == '\'')
                        {
                            value.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(c);
                    i++;
                }
            }
            else
            {
                while (i < s.Length)
                {
                    var c = s[i];
                    if (IsSpace(c))
                    {
                        i++;
                        break;
                    }
                    if (c == '\\')
                    {
                        i++;
                        if (i < s.Length)
                            value.Append(s[i++]);
                    }
                    else
                    {
                        value.Append(c);
                        i++;
                    }
                }
            }

            if (!Keywords.IsKnown(keyword))
                throw new ProgrammingError(previous is not null && Keywords.IsSecret(previous)
                    ? $"invalid connection option after the value of \"{previous}\" in connection info string (the name is not shown; is the value quoted correctly?)"
                    : Keywords.InvalidOptionMessage(Shown(keyword)));
            result.Add(new(keyword, value.ToString()));
            previous = keyword;
        }
        return result;
    }

    /// <summary>A keyword as shown in an error: a mistaken URI (e.g. "mysql://u:pw@h") is shown with its password masked.</summary>
    private static string Shown(string keyword) =>
        keyword.Contains("://", StringComparison.Ordinal) ? ConninfoUriParser.MaskUri(keyword) : keyword;

    /// <summary>C's isspace() characters in the "C" locale.</summary>
    internal static readonly char[] Whitespace = [' ', '\t', '\n', '\v', '\f', '\r'];

    /// <summary>C's isspace() in the "C" locale.</summary>
    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>
    /// Writes a value so that libpq (and <see cref="Parse"/>) read it back unchanged:
    /// quoted when empty or containing white space, quotes or backslashes; quotes and backslashes escaped.
    /// </summary>
    public static string Quote(string value)
    {
        if (value.Length == 0)
            return "''";
        var needsQuotes = false;
        foreach (var c in value)
        {
            if (IsSpace(c) || c is '\'' or '\\')
            {
                needsQuotes = true;
                break;
            }
        }
        if (!needsQuotes)
            return value;
        var sb = new StringBuilder(value.Length + 4).Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
                sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }
}
