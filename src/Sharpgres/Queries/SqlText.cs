namespace Sharpgres.Queries;

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
    /// True for <c>COPY ... FROM STDIN</c> / <c>COPY ... TO STDOUT</c>: a statement whose first word is COPY and that
    /// names STDIN or STDOUT outside quotes and comments. Such a statement puts the server in copy mode, which only
    /// cur.Copy() speaks; Execute, ExecuteMany, Stream, server cursors and pipelines refuse it before sending anything
    /// (in the extended protocol the server would ignore the Sync sent with it and the exchange could never end).
    /// </summary>
    public static bool IsCopyWithClient(string sql)
    {
        var i = SkipSpaceAndComments(sql, 0);
        if (!IsWordAt(sql, i, "copy")) return false;
        i += 4;
        while (i < sql.Length)
        {
            var skipped = SkipNonCode(sql, i);
            if (skipped != i) { i = skipped; continue; }
            if (char.IsLetter(sql[i]) && (i == 0 || !IsWordChar(sql[i - 1])))
            {
                if (IsWordAt(sql, i, "stdin") || IsWordAt(sql, i, "stdout")) return true;
                while (i < sql.Length && IsWordChar(sql[i])) i++;
                continue;
            }
            i++;
        }
        return false;
    }

    private static int SkipSpaceAndComments(string sql, int i)
    {
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i])) { i++; continue; }
            var skipped = sql[i] is '-' or '/' ? SkipNonCode(sql, i) : i;
            if (skipped == i) return i;
            i = skipped;
        }
        return i;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static bool IsWordAt(string sql, int i, string word) =>
        i + word.Length <= sql.Length
        && string.Compare(sql, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (i + word.Length == sql.Length || !IsWordChar(sql[i + word.Length]));

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
