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
internal sealed class AdoSql
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
