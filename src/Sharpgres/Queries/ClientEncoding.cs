namespace Sharpgres.Queries;

/// <summary>
/// Sharpgres speaks UTF-8 only: it asks for client_encoding UTF8 at startup and encodes and decodes every query,
/// parameter, value, notice and error with it. psycopg follows a <c>SET client_encoding</c>; Sharpgres refuses one
/// instead, so nothing is ever encoded or decoded in the wrong encoding: <see cref="CheckStatement"/> stops the
/// usual statements before they are sent (the session stays in UTF-8 and usable), and a change made any other way
/// (set_config, a function's SET clause) closes the session when the server reports it (see Session).
/// </summary>
internal static class ClientEncoding
{
    /// <summary>The names PostgreSQL gives UTF-8 (client_encoding is reported as UTF8).</summary>
    public static bool IsUtf8(string name) =>
        name.Trim().Trim('\'', '"').Replace("-", "").Replace("_", "") is var n
        && (n.Equals("UTF8", StringComparison.OrdinalIgnoreCase) || n.Equals("UNICODE", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Throws <see cref="NotSupportedError"/> for a statement of <paramref name="sql"/> that sets client_encoding to
    /// anything but UTF-8: <c>SET [SESSION | LOCAL] client_encoding { TO | = } value</c> and <c>SET NAMES value</c>.
    /// RESET and SET ... TO DEFAULT go back to the startup value, UTF8, and pass.
    /// </summary>
    public static void CheckStatement(string sql)
    {
        // Cheap first: almost no query mentions either word.
        if (sql.IndexOf("client_encoding", StringComparison.OrdinalIgnoreCase) < 0 && sql.IndexOf("names", StringComparison.OrdinalIgnoreCase) < 0) return;
        var words = new List<string>(6);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var skipped = SqlText.SkipNonCode(sql, i);
            if (skipped > i && c is not '\'')
            {
                i = skipped;   // comments, identifiers in double quotes, dollar quotes: not our words
                continue;
            }
            if (c == ';') { Check(words, sql); words.Clear(); i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int end;
            if (c == '\'') end = skipped;
            else if (c == '=') end = i + 1;
            else
            {
                end = i;
                while (end < sql.Length && !char.IsWhiteSpace(sql[end]) && sql[end] is not (';' or '=' or '\'')) end++;
                if (end == i) end = i + 1;
            }
            if (words.Count < 6) words.Add(sql[i..end]);
            i = end;
        }
        Check(words, sql);
    }

    private static void Check(List<string> words, string sql)
    {
        if (words.Count < 2 || !words[0].Equals("SET", StringComparison.OrdinalIgnoreCase)) return;
        var at = 1;
        if (words[at].Equals("SESSION", StringComparison.OrdinalIgnoreCase) || words[at].Equals("LOCAL", StringComparison.OrdinalIgnoreCase)) at++;
        if (at >= words.Count) return;
        string? value = null;
        if (words[at].Equals("NAMES", StringComparison.OrdinalIgnoreCase))
            value = at + 1 < words.Count ? words[at + 1] : null;
        else if (words[at].Equals("client_encoding", StringComparison.OrdinalIgnoreCase)
                 && at + 2 < words.Count && (words[at + 1] == "=" || words[at + 1].Equals("TO", StringComparison.OrdinalIgnoreCase)))
            value = words[at + 2];
        if (value is null || value.Equals("DEFAULT", StringComparison.OrdinalIgnoreCase) || IsUtf8(value)) return;
        throw Refused(value.Trim('\''));
    }

    public static NotSupportedError Refused(string encoding) =>
        new($"client_encoding {encoding} is not supported: Sharpgres reads and writes UTF-8 only (the server converts " +
            "from the database encoding); the session stays in UTF8");
}
