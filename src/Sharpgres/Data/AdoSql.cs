using System.Collections.Concurrent;
using System.Text;
using Sharpgres.Queries;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET command text (<c>@name</c> or <c>$1</c> placeholders, several statements separated by ';') split into
/// statements and rewritten to PostgreSQL's <c>$n</c> once per distinct text, cached like psycopg's <c>%s</c>
/// rewriting (<see cref="ParsedQuery"/>), so the statement cache and prepared statements serve both faces.
/// Quoted strings and identifiers, dollar quotes and comments are left untouched; <c>::casts</c>, <c>@&gt;</c> and
/// other operators are not placeholders.
/// </summary>
internal sealed partial class AdoSql
{
    private static readonly ConcurrentDictionary<string, AdoSql> Cache = new();
    private const int CacheLimit = 2048;

    private AdoSql(AdoStatement[] statements, bool named)
    {
        Statements = statements;
        Named = named;
    }

    public AdoStatement[] Statements { get; }

    /// <summary>True when placeholders are @name (each statement lists names), false for $n or none.</summary>
    public bool Named { get; }

    public static AdoSql Get(string commandText)
    {
        if (Cache.TryGetValue(commandText, out var parsed)) return parsed;
        parsed = Parse(commandText);
        if (Cache.Count >= CacheLimit) Cache.Clear();
        Cache.TryAdd(commandText, parsed);
        return parsed;
    }

    private static AdoSql Parse(string text)
    {
        var statements = new List<AdoStatement>();
        var sql = new StringBuilder(text.Length);
        var names = new List<string>();
        var positions = new List<int>();
        var usedNamed = false;
        var usedPositional = false;
        var i = 0;
        var hasCode = false;   // the current statement holds more than whitespace and comments

        void EndStatement()
        {
            if (hasCode)
                statements.Add(new AdoStatement(sql.ToString().Trim(), names.ToArray(), positions.ToArray()));
            sql.Clear();
            names.Clear();
            positions.Clear();
            hasCode = false;
        }

        while (i < text.Length)
        {
            var c = text[i];
            var skipped = SqlText.SkipNonCode(text, i);
            if (skipped > i)
            {
                var isComment = c is '-' or '/';
                if (!isComment) hasCode = true;
                sql.Append(text, i, skipped - i);
                i = skipped;
                continue;
            }
            if (c == ';') { EndStatement(); i++; continue; }
            if (c == '(' && DapperEmptyList().Match(text, i) is { Success: true } empty && RewriteEmptyIn(sql))
            {
                hasCode = true;
                i += empty.Length;
                continue;
            }
            if (c == '@' && i + 1 < text.Length && IsNameStart(text[i + 1]) && !FollowsIdentifier(text, i))
            {
                var end = i + 1;
                while (end < text.Length && IsNamePart(text[end])) end++;
                var name = text[(i + 1)..end];
                var index = names.IndexOf(name);
                if (index < 0) { names.Add(name); index = names.Count - 1; }
                sql.Append('$').Append(index + 1);
                usedNamed = true;
                hasCode = true;
                i = end;
                continue;
            }
            if (c == '$' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && !FollowsIdentifier(text, i))
            {
                var end = i + 1;
                while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
                var number = int.Parse(text.AsSpan(i + 1, end - i - 1), System.Globalization.CultureInfo.InvariantCulture);
                if (number < 1) throw new ArgumentException($"invalid positional placeholder '${number}': PostgreSQL numbers them from $1");
                var index = positions.IndexOf(number - 1);
                if (index < 0) { positions.Add(number - 1); index = positions.Count - 1; }
                sql.Append('$').Append(index + 1);
                usedPositional = true;
                hasCode = true;
                i = end;
                continue;
            }
            if (!char.IsWhiteSpace(c)) hasCode = true;
            sql.Append(c);
            i++;
        }
        EndStatement();
        if (usedNamed && usedPositional)
            throw new ArgumentException("the command mixes @name and $n placeholders: use one style");
        return new AdoSql(statements.ToArray(), usedNamed);
    }

    /// <summary>
    /// Dapper's stand-in for an empty list: <c>x IN @ids</c> with no ids becomes <c>x IN (SELECT @ids WHERE 1 = 0)</c>
    /// with @ids = DBNull. PostgreSQL types that sub-select's untyped NULL as text, so <c>int_column IN (...)</c> fails
    /// ("operator does not exist: integer = text"); the same empty set written <c>= ANY ('{}')</c> (<c>&lt;&gt; ALL ('{}')</c>
    /// for NOT IN) takes its type from the left side. Matching nothing whatever @ids holds, the rewrite needs no value.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\G\(\s*SELECT\s+@[\p{L}_][\p{L}\p{N}_$]*\s+WHERE\s+1\s*=\s*0\s*\)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex DapperEmptyList();

    /// <summary>Replaces the <c>IN</c> / <c>NOT IN</c> just written by the empty-array form; false when it isn't there.</summary>
    private static bool RewriteEmptyIn(StringBuilder sql)
    {
        var end = sql.Length;
        while (end > 0 && char.IsWhiteSpace(sql[end - 1])) end--;
        if (!EndsWithWord(sql, end, "IN")) return false;
        var start = end - 2;
        var beforeIn = start;
        while (beforeIn > 0 && char.IsWhiteSpace(sql[beforeIn - 1])) beforeIn--;
        var negated = beforeIn < start && EndsWithWord(sql, beforeIn, "NOT");
        if (negated) start = beforeIn - 3;
        sql.Length = start;
        sql.Append(negated ? "<> ALL ('{}')" : "= ANY ('{}')");
        return true;
    }

    private static bool EndsWithWord(StringBuilder sql, int end, string word)
    {
        var start = end - word.Length;
        if (start < 0) return false;
        for (var k = 0; k < word.Length; k++)
            if (char.ToUpperInvariant(sql[start + k]) != word[k]) return false;
        return start == 0 || !(char.IsLetterOrDigit(sql[start - 1]) || sql[start - 1] is '_' or '$' or '"');
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>"a@b" or "x$1" are part of a word (an identifier, an operator like @@), not a placeholder.</summary>
    private static bool FollowsIdentifier(string text, int i) =>
        i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '_' or '$' or '@');
}

/// <summary>
/// One statement of a command: its SQL with local <c>$1..$n</c>, and for each <c>$k</c> the parameter it takes:
/// a name (<c>@name</c> commands) or a 0-based position in the command's parameters (<c>$n</c> commands).
/// </summary>
internal sealed record AdoStatement(string Sql, string[] Names, int[] Positions)
{
    public int ParameterCount => Names.Length + Positions.Length;
}
