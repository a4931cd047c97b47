using System.Collections.Concurrent;
using System.Text;

namespace Sharpgres;

/// <summary>
/// What the tracing conventions want from a SQL text, parsed once per distinct text (cached, bounded): the operation
/// (<c>db.operation.name</c>: the statement's keyword, the main statement's for WITH), the one table it plainly names
/// (<c>db.collection.name</c>), the procedure of a CALL, and a low-cardinality <c>db.query.summary</c> listing the
/// operations and tables in order of appearance (<c>INSERT orders SELECT customers</c>), at most 255 characters.
/// Only computed when someone observes the operation.
/// </summary>
internal sealed class QueryShape
{
    private const int MaxSummary = 255;
    private const int MaxCached = 2048;
    private static readonly ConcurrentDictionary<string, QueryShape> Cache = new();

    internal static readonly QueryShape None = new(null, null, null, null);
    internal static readonly QueryShape Connect = new("CONNECT", null, null, null);   // span name "CONNECT {database}"

    internal QueryShape(string? operationName, string? collectionName, string? storedProcedureName, string? summary)
    {
        OperationName = operationName;
        CollectionName = collectionName;
        StoredProcedureName = storedProcedureName;
        Summary = summary;
    }

    public string? OperationName { get; }
    public string? CollectionName { get; }
    public string? StoredProcedureName { get; }
    public string? Summary { get; }

    /// <summary>A shape naming only an operation, for commands Sharpgres sends itself (COMMIT, ROLLBACK, connect).</summary>
    internal static QueryShape Operation(string name) => new(name, null, null, name);

    public static QueryShape Of(string sql)
    {
        if (Cache.TryGetValue(sql, out var shape)) return shape;
        shape = Parse(sql);
        if (Cache.Count >= MaxCached) Cache.Clear();   // many distinct texts (literals spliced in): start over, stay bounded
        Cache.TryAdd(sql, shape);
        return shape;
    }

    /// <summary>The shape of a batch: "BATCH op" when every statement has the same operation, "BATCH" otherwise.</summary>
    public static QueryShape Batch(IReadOnlyList<QueryShape> statements)
    {
        if (statements.Count == 0) return Operation("BATCH");
        var first = statements[0];
        var sameOperation = statements.All(s => s.OperationName == first.OperationName);
        var sameSummary = statements.All(s => s.Summary == first.Summary);
        var sameCollection = statements.All(s => s.CollectionName == first.CollectionName);
        var op = sameOperation && first.OperationName is not null ? "BATCH " + first.OperationName : "BATCH";
        var summary = sameSummary && first.Summary is not null ? "BATCH " + first.Summary : op;
        return new QueryShape(op, sameCollection ? first.CollectionName : null, null, Truncate(summary));
    }

    private static string Truncate(string s) => s.Length <= MaxSummary ? s : s[..MaxSummary];

    private static readonly HashSet<string> Dml = new(StringComparer.OrdinalIgnoreCase) { "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE" };
    private static readonly HashSet<string> Ddl = new(StringComparer.OrdinalIgnoreCase) { "CREATE", "ALTER", "DROP" };
    private static readonly HashSet<string> DdlModifiers = new(StringComparer.OrdinalIgnoreCase)
        { "OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "UNIQUE", "IF", "NOT", "EXISTS", "CONCURRENTLY", "GLOBAL", "LOCAL", "MATERIALIZED", "RECURSIVE" };
    // Words that end a FROM list (so they are never read as an alias or a table).
    private static readonly HashSet<string> Clause = new(StringComparer.OrdinalIgnoreCase)
    {
        "WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "NATURAL", "LATERAL", "ON", "USING", "GROUP",
        "ORDER", "LIMIT", "OFFSET", "HAVING", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "FOR", "RETURNING", "SET", "VALUES",
        "WHEN", "FETCH", "TABLESAMPLE", "SELECT", "DEFAULT", "ONLY", "AS", "ALL", "DISTINCT", "TO", "FROM", "WITH",
    };

    private static QueryShape Parse(string sql)
    {
        var tokens = Tokenize(sql);
        if (tokens.Count == 0 || tokens[0].Kind != TokenKind.Word) return None;
        var summary = new StringBuilder();
        var targets = new List<string>();
        string? operation = null, procedure = null;
        var first = tokens[0].Text.ToUpperInvariant();
        var opDepths = new HashSet<int>();   // paren depths where a SELECT/DELETE started: their FROM names tables

        void Append(string part)
        {
            if (summary.Length + part.Length + 1 > MaxSummary) return;
            if (summary.Length > 0) summary.Append(' ');
            summary.Append(part);
        }
        void AddTarget(string name) { targets.Add(name); Append(name); }

        // Reads "name [AS alias] [, name ...]" from i; returns the index after it.
        int ReadTargets(int i, bool list, bool columnList = false)
        {
            while (i < tokens.Count && IsName(tokens, i, allowParen: columnList))
            {
                AddTarget(tokens[i].Text);
                i++;
                if (i < tokens.Count && IsWord(tokens[i], "AS")) i++;
                if (i < tokens.Count && tokens[i].Kind == TokenKind.Word && !Clause.Contains(tokens[i].Text) && !Dml.Contains(tokens[i].Text)) i++;
                if (!list || i >= tokens.Count || tokens[i].Kind != TokenKind.Comma) break;
                i++;
            }
            return i;
        }

        if (Ddl.Contains(first))
        {
            var i = 1;
            while (i < tokens.Count && tokens[i].Kind == TokenKind.Word && DdlModifiers.Contains(tokens[i].Text)) i++;
            var obj = i < tokens.Count && tokens[i].Kind == TokenKind.Word ? tokens[i++].Text.ToUpperInvariant() : null;
            while (i < tokens.Count && tokens[i].Kind == TokenKind.Word && DdlModifiers.Contains(tokens[i].Text)) i++;
            Append(obj is null ? first : first + " " + obj);
            if (i < tokens.Count && tokens[i].Kind == TokenKind.Word) Append(tokens[i].Text);
            return new QueryShape(first, null, null, summary.ToString());
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind != TokenKind.Word) continue;
            var word = t.Text.ToUpperInvariant();
            var previous = i > 0 && tokens[i - 1].Kind == TokenKind.Word ? tokens[i - 1].Text.ToUpperInvariant() : null;
            // FOR UPDATE, DO UPDATE, ON DELETE ... are clauses, not statements.
            var clause = word == "UPDATE" && previous is "FOR" or "DO" or "ON" or "KEY" or "NO" || word == "DELETE" && previous == "ON";
            if (i == 0 || Dml.Contains(word) && !clause)
            {
                if (operation is null && word != "WITH" && (first != "WITH" || t.Depth == 0)) operation = word;
                if (word == "WITH") continue;
                Append(word);
                if (word is "SELECT" or "DELETE" or "UPDATE") opDepths.Add(t.Depth);
                switch (word)
                {
                    case "INSERT" when i + 2 < tokens.Count && IsWord(tokens[i + 1], "INTO"): i = ReadTargets(i + 2, list: false, columnList: true) - 1; break;
                    case "UPDATE": i = ReadTargets(i + 1 + (i + 1 < tokens.Count && IsWord(tokens[i + 1], "ONLY") ? 1 : 0), list: false) - 1; break;
                    case "MERGE" when i + 2 < tokens.Count && IsWord(tokens[i + 1], "INTO"): i = ReadTargets(i + 2, list: false) - 1; break;
                    case "COPY" or "TRUNCATE" or "LOCK" or "VACUUM" or "ANALYZE" or "CLUSTER" or "REINDEX":
                        var j = i + 1;
                        if (j < tokens.Count && IsWord(tokens[j], "TABLE")) j++;
                        if (j < tokens.Count && IsWord(tokens[j], "ONLY")) j++;
                        i = ReadTargets(j, list: word == "TRUNCATE", columnList: word == "COPY") - 1;
                        break;
                    case "CALL" when IsName(tokens, i + 1, allowParen: true):
                        procedure = tokens[i + 1].Text;
                        Append(procedure);
                        i++;
                        break;
                }
                continue;
            }
            if ((word is "FROM" or "JOIN" || word == "USING" && operation == "MERGE") && opDepths.Contains(t.Depth) && previous != "DISTINCT")
                i = ReadTargets(i + 1, list: word == "FROM") - 1;
        }
        if (operation is null && first == "WITH") operation = "WITH";
        var distinct = targets.Distinct(StringComparer.Ordinal).ToList();
        var collection = distinct.Count == 1 && procedure is null && operation is not ("FETCH" or "MOVE" or "CLOSE") ? distinct[0] : null;
        return new QueryShape(operation, collection, procedure, summary.Length > 0 ? summary.ToString() : operation);
    }

    private static bool IsWord(Token t, string word) => t.Kind == TokenKind.Word && t.Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A table name: a word that is no clause keyword, not followed by '(' (a function call in FROM) unless the
    /// context has a column list or arguments there (INSERT INTO t (a, b), COPY t (a), CALL p(1)).
    /// </summary>
    private static bool IsName(List<Token> tokens, int i, bool allowParen = false)
    {
        if (i >= tokens.Count || tokens[i].Kind != TokenKind.Word || Clause.Contains(tokens[i].Text) || Dml.Contains(tokens[i].Text)) return false;
        return allowParen || i + 1 >= tokens.Count || tokens[i + 1].Kind != TokenKind.OpenParen;
    }

    private enum TokenKind { Word, OpenParen, Comma, Other }

    private readonly record struct Token(TokenKind Kind, string Text, int Depth);

    /// <summary>Words (dotted names and quoted identifiers whole), parentheses and commas; literals and comments skipped.</summary>
    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var depth = 0;
        var i = 0;
        while (i < sql.Length && tokens.Count < 4096)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-') { while (i < sql.Length && sql[i] != '\n') i++; continue; }
            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { i = SkipBlockComment(sql, i); continue; }
            if (c == '\'') { i = SkipQuoted(sql, i, '\''); tokens.Add(new(TokenKind.Other, "", depth)); continue; }
            if (c == '$' && TrySkipDollarQuote(sql, ref i)) { tokens.Add(new(TokenKind.Other, "", depth)); continue; }
            if (c == '"' || char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (true)
                {
                    if (i < sql.Length && sql[i] == '"') i = SkipQuoted(sql, i, '"');
                    else while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$')) i++;
                    if (i + 1 < sql.Length && sql[i] == '.' && (sql[i + 1] == '"' || char.IsLetter(sql[i + 1]) || sql[i + 1] == '_')) { i++; continue; }
                    break;
                }
                tokens.Add(new(TokenKind.Word, sql[start..i], depth));
                continue;
            }
            if (c == '(') { tokens.Add(new(TokenKind.OpenParen, "(", depth)); depth++; }
            else if (c == ')') { depth = Math.Max(0, depth - 1); tokens.Add(new(TokenKind.Other, ")", depth)); }
            else if (c == ',') tokens.Add(new(TokenKind.Comma, ",", depth));
            else if (c == ';') { tokens.Add(new(TokenKind.Other, ";", depth)); depth = 0; }
            else tokens.Add(new(TokenKind.Other, "", depth));
            i++;
        }
        return tokens;
    }

    private static int SkipBlockComment(string sql, int i)
    {
        var nesting = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { nesting++; i += 2; }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/') { i += 2; if (--nesting == 0) break; }
            else i++;
        }
        return i;
    }

    private static int SkipQuoted(string sql, int i, char quote)
    {
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == quote) { if (i + 1 < sql.Length && sql[i + 1] == quote) { i += 2; continue; } return i + 1; }
            i++;
        }
        return i;
    }

    private static bool TrySkipDollarQuote(string sql, ref int i)
    {
        var end = i + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_') && !char.IsDigit(sql[i + 1])) end++;
        if (end >= sql.Length || sql[end] != '$') { i++; while (i < sql.Length && char.IsDigit(sql[i])) i++; return true; }   // $1
        var tag = sql[i..(end + 1)];
        var close = sql.IndexOf(tag, end + 1, StringComparison.Ordinal);
        i = close < 0 ? sql.Length : close + tag.Length;
        return true;
    }
}
