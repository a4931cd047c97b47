using System.Collections.Concurrent;
using System.Text;

namespace Sharpgres.Queries;

/// <summary>
/// A single-row <c>INSERT ... VALUES ($1, ..., $n)</c> rewritten to insert many rows per statement:
/// <c>VALUES ($1, ..., $n), ($n+1, ..., $2n), ...</c>, for ExecuteMany with <see cref="Connection.RewriteBatchedInserts"/>.
/// Only the plain form is rewritten: the text starts with INSERT, has one top-level VALUES followed by one
/// parenthesised row holding every parameter, and nothing after it (no ON CONFLICT, whose "cannot affect row a second
/// time" would change meaning, no RETURNING). Anything else returns null and runs one row per statement.
/// </summary>
internal sealed class MultiRowInsert
{
    /// <summary>Rows per statement: enough to make the server's per-statement work negligible, far below the 65,535 parameters a Bind allows.</summary>
    private const int MaxRows = 100;
    private const int MaxParameters = ushort.MaxValue;

    private static readonly ConcurrentDictionary<string, MultiRowInsert?> Cache = new();
    private const int CacheLimit = 256;

    private MultiRowInsert(string sql, int rows) { Sql = sql; Rows = rows; }

    /// <summary>The statement that inserts <see cref="Rows"/> rows, parameters numbered row after row.</summary>
    public string Sql { get; }
    public int Rows { get; }

    /// <param name="sql">The statement with $n placeholders (ParsedQuery.Sql).</param>
    /// <param name="parameterCount">How many parameters one row of the statement takes.</param>
    public static MultiRowInsert? For(string sql, int parameterCount)
    {
        if (Cache.TryGetValue(sql, out var known)) return known;
        var rewritten = parameterCount == 0 ? null : Rewrite(sql, parameterCount);
        if (Cache.Count >= CacheLimit) Cache.Clear();
        Cache.TryAdd(sql, rewritten);
        return rewritten;
    }

    private static MultiRowInsert? Rewrite(string sql, int parameterCount)
    {
        if (!sql.TrimStart().StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)) return null;
        var values = FindValuesRow(sql, out var rowStart, out var rowEnd);
        if (!values) return null;
        for (var i = rowEnd; i < sql.Length; i++)
            if (!char.IsWhiteSpace(sql[i]) && sql[i] != ';') return null;

        // Placeholders: all inside the row, as ($k, offset) pairs to renumber.
        var placeholders = new List<(int At, int Length, int Number)>();
        for (var i = 0; i < sql.Length;)
        {
            var skipped = SqlText.SkipNonCode(sql, i);
            if (skipped != i) { i = skipped; continue; }
            if (sql[i] == '$' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1]) && (i == 0 || !IsIdentifierChar(sql[i - 1])))
            {
                var end = i + 1;
                while (end < sql.Length && char.IsAsciiDigit(sql[end])) end++;
                if (i < rowStart || i >= rowEnd) return null;
                placeholders.Add((i, end - i, int.Parse(sql.AsSpan(i + 1, end - i - 1))));
                i = end;
                continue;
            }
            i++;
        }
        if (placeholders.Count == 0) return null;

        var rows = Math.Min(MaxRows, MaxParameters / parameterCount);
        if (rows < 2) return null;
        var text = new StringBuilder(rowStart + (rowEnd - rowStart + 8) * rows);
        text.Append(sql, 0, rowStart);
        for (var row = 0; row < rows; row++)
        {
            if (row > 0) text.Append(", ");
            var from = rowStart;
            foreach (var (at, length, number) in placeholders)
            {
                text.Append(sql, from, at - from).Append('$').Append(number + row * parameterCount);
                from = at + length;
            }
            text.Append(sql, from, rowEnd - from);
        }
        return new MultiRowInsert(text.ToString(), rows);
    }

    /// <summary>Finds the one top-level VALUES keyword and the parenthesised row after it ([rowStart, rowEnd) includes the parentheses).</summary>
    private static bool FindValuesRow(string sql, out int rowStart, out int rowEnd)
    {
        rowStart = rowEnd = -1;
        var depth = 0;
        var found = false;
        for (var i = 0; i < sql.Length;)
        {
            var skipped = SqlText.SkipNonCode(sql, i);
            if (skipped != i) { i = skipped; continue; }
            var c = sql[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            if (depth == 0 && rowEnd >= 0 && !char.IsWhiteSpace(c) && c != ';') return false;   // more after the row
            if (depth == 0 && (c is 'V' or 'v') && IsWord(sql, i, "VALUES"))
            {
                if (found) return false;
                found = true;
                var j = i + "VALUES".Length;
                while (j < sql.Length && (char.IsWhiteSpace(sql[j]) || (sql[j] is '-' or '/' && SqlText.SkipNonCode(sql, j) != j)))
                    j = char.IsWhiteSpace(sql[j]) ? j + 1 : SqlText.SkipNonCode(sql, j);
                if (j >= sql.Length || sql[j] != '(') return false;
                rowStart = j;
                rowEnd = MatchingParenthesis(sql, j);
                if (rowEnd < 0) return false;
                i = rowEnd;
                continue;
            }
            i++;
        }
        return found;
    }

    private static int MatchingParenthesis(string sql, int open)
    {
        var depth = 0;
        for (var i = open; i < sql.Length;)
        {
            var skipped = SqlText.SkipNonCode(sql, i);
            if (skipped != i) { i = skipped; continue; }
            if (sql[i] == '(') depth++;
            else if (sql[i] == ')' && --depth == 0) return i + 1;
            i++;
        }
        return -1;
    }

    private static bool IsWord(string sql, int i, string word) =>
        string.Compare(sql, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (i == 0 || !IsIdentifierChar(sql[i - 1]))
        && (i + word.Length >= sql.Length || !IsIdentifierChar(sql[i + word.Length]));

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
}
