namespace Sharpgres.Sql;

/// <summary>Lexical facts about SQL text that decide how it is sent.</summary>
internal static class SqlText
{
    /// <summary>
    /// True when the text holds more than one statement: a ';' outside quotes, dollar quotes and comments, followed by
    /// more than whitespace. Such text without parameters goes through the simple protocol, whose results NextSet() walks.
    /// </summary>
    public static bool HasMultipleStatements(string sql)
    {
        var i = 0;
        var sawSemicolon = false;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (sawSemicolon && !char.IsWhiteSpace(c) && c != ';')
            {
                if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-') { i = SkipLineComment(sql, i); continue; }
                if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { i = SkipBlockComment(sql, i); continue; }
                return true;
            }
            switch (c)
            {
                case '\'': case '"': i = SkipNonCode(sql, i); continue;
                case '-' when i + 1 < sql.Length && sql[i + 1] == '-': i = SkipLineComment(sql, i); continue;
                case '/' when i + 1 < sql.Length && sql[i + 1] == '*': i = SkipBlockComment(sql, i); continue;
                case '$': i = SkipDollarQuoted(sql, i); continue;
                case ';': sawSemicolon = true; break;
            }
            i++;
        }
        return false;
    }

    /// <summary>
    /// When a quoted string or identifier, a dollar-quoted string or a comment starts at <paramref name="i"/>, the index
    /// just after it; otherwise <paramref name="i"/>.
    /// </summary>
    public static int SkipNonCode(string sql, int i)
    {
        var c = sql[i];
        var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
        return c switch
        {
            '\'' when IsEscapeString(sql, i) => SkipEscapeString(sql, i),
            '\'' or '"' => SkipQuoted(sql, i, c),
            '-' when next == '-' => SkipLineComment(sql, i),
            '/' when next == '*' => SkipBlockComment(sql, i),
            '$' when SkipDollarQuoted(sql, i) is var end && end > i + 1 => end,
            _ => i,
        };
    }

    /// <summary>E'...': a backslash escapes the next character, so <c>E'it\'s'</c> is one string.</summary>
    private static bool IsEscapeString(string sql, int quote) =>
        quote > 0 && sql[quote - 1] is 'E' or 'e' && (quote == 1 || !(char.IsLetterOrDigit(sql[quote - 2]) || sql[quote - 2] is '_' or '$'));

    private static int SkipEscapeString(string sql, int i)
    {
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == '\'')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '\'') { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static int SkipQuoted(string sql, int i, char quote)
    {
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (i + 1 < sql.Length && sql[i + 1] == quote) { i += 2; continue; }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static int SkipLineComment(string sql, int i)
    {
        var end = sql.IndexOf('\n', i);
        return end < 0 ? sql.Length : end + 1;
    }

    private static int SkipBlockComment(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length - 1)
        {
            if (sql[i] == '/' && sql[i + 1] == '*') { depth++; i += 2; continue; }
            if (sql[i] == '*' && sql[i + 1] == '/') { depth--; i += 2; if (depth == 0) return i; continue; }
            i++;
        }
        return sql.Length;
    }

    private static int SkipDollarQuoted(string sql, int i)
    {
        var end = i + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_')) end++;
        if (end >= sql.Length || sql[end] != '$' || (end > i + 1 && char.IsDigit(sql[i + 1]))) return i + 1;  // $1 or a lone $
        var tag = sql[i..(end + 1)];
        var close = sql.IndexOf(tag, end + 1, StringComparison.Ordinal);
        return close < 0 ? sql.Length : close + tag.Length;
    }
}
