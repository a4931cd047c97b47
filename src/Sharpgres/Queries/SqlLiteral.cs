using System.Globalization;
using System.Text;
using Sharpgres.Protocol;
using Sharpgres.Types;

namespace Sharpgres.Queries;

/// <summary>
/// Values written into SQL text client-side, for the statements that can't take bound parameters (COPY; the server's
/// utility statements). The one place that quotes strings and identifiers and merges literals into a query: a merged
/// literal is a token of its own, it never joins the text around it into another one (<c>-%s</c> with -1 is
/// <c>- -1</c>, never the comment <c>--1</c>; <c>'a'%s</c> with 'b' is <c>'a' 'b'</c>, never the string a'b).
/// </summary>
internal static class SqlLiteral
{
    /// <summary>
    /// The SQL literal of <paramref name="value"/>, as psycopg's quote(): NULL, true/false, numbers as numbers,
    /// strings quoted, anything else as its codec's text with a cast to its type.
    /// </summary>
    public static string For(object? value, Connection connection) =>
        For(value, connection.Types, connection.ReadContext, StandardConformingStrings(connection));

    /// <summary>The literal without a connection (<c>Composable.AsString()</c>): the given types and quoting rule.</summary>
    public static string For(object? value, TypeRegistry types, ReadContext context, bool standardConformingStrings)
    {
        var literal = Unspaced(value, types, context, standardConformingStrings);
        // psycopg's rule: a negative number starts with a space, so text put right before it can't make "--" (a
        // comment: "SELECT 10-" + "-1" would run SELECT 10) or another operator ("@-"), however the caller joins it.
        return literal.StartsWith('-') ? " " + literal : literal;
    }

    private static string Unspaced(object? value, TypeRegistry types, ReadContext context, bool standardConformingStrings)
    {
        switch (value)
        {
            case null or DBNull: return "NULL";
            case bool b: return b ? "true" : "false";
            case string s: return Quote(s, standardConformingStrings);
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                return ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
            case decimal m:
                // A numeric literal has a point or an exponent: 5m as "5" would be an integer (5/2 = 2); "5." keeps
                // both the type and the scale.
                return Numeric(m.ToString(CultureInfo.InvariantCulture), ".");
            case double or float:
                var d = value is float f ? double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : (double)value;
                var repr = d.ToString("R", CultureInfo.InvariantCulture);
                // As Python's repr; with an exponent the server would read a numeric (1E+300 is a 301-digit numeric,
                // 5E-324 a numeric of 324 decimals), so those are float8 literals.
                if (double.IsFinite(d)) return repr.Contains('E') ? "'" + repr + "'::float8" : Numeric(repr, ".0");
                return (double.IsNaN(d) ? "'NaN'" : d > 0 ? "'Infinity'" : "'-Infinity'") + "::float8";
        }
        var codec = types.ForParameter(value);
        using var buffer = new WriteBuffer();
        codec.WriteObject(buffer, value, PgFormat.Text, context);
        var literal = Quote(Encoding.UTF8.GetString(buffer.WrittenSince(0)), standardConformingStrings);
        // Cast to the type the value would be bound as (int[] → int4[]); untyped when it would go untyped.
        var oid = codec.ParameterOid(value);
        var type = oid == 0 ? null : types.NameOf(oid);
        return type is null or "unknown" ? literal : literal + "::" + type;
    }

    /// <summary>
    /// psycopg's mogrify: <paramref name="query"/> with its arguments merged as literals (the query untouched without
    /// arguments). COPY takes no bound parameters, so its arguments are merged this way; so are a ClientCursor's.
    /// </summary>
    public static string MergeArguments(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named, Connection connection)
    {
        if ((positional is null || positional.Length == 0) && named is null) return query;
        var parsed = ParsedQuery.Get(query);
        return MergeValues(query, parsed, parsed.Arrange(positional, named), connection);
    }

    /// <summary>Merges values already in $n order (<see cref="ParsedQuery.Arrange"/>).</summary>
    public static string MergeValues(string query, ParsedQuery parsed, object?[] values, Connection connection)
    {
        var literals = new string[values.Length];
        for (var i = 0; i < values.Length; i++) literals[i] = For(values[i], connection);
        return Merge(query, parsed, literals);
    }

    /// <summary>
    /// <paramref name="query"/> with each %s / %(name)s replaced by its literal (<paramref name="literals"/> in $n order,
    /// as <see cref="ParsedQuery.Arrange"/> gives them) and %% by %. Every literal is kept a token of its own (see
    /// <see cref="Joins"/>). A placeholder inside a quoted string, a dollar-quoted string or a comment is refused: a
    /// literal there would end the string or comment early (a newline ends a -- comment, $$ ends $$...$$).
    /// </summary>
    public static string Merge(string query, ParsedQuery parsed, string[] literals)
    {
        var sql = new StringBuilder(query.Length + 16 * literals.Length);
        var afterLiteral = false;
        var ordinal = 0;
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (c != '%')
            {
                var end = SqlText.SkipNonCode(query, i);
                if (end > i)
                {
                    var placeholder = FindPlaceholder(query, i, end);
                    if (placeholder >= 0)
                        throw new ProgrammingError($"a placeholder inside a quoted string or a comment can't be merged client-side (at character {placeholder + 1}): put %s outside quotes");
                    Text(query.AsSpan(i, end - i).ToString().Replace("%%", "%"));
                    i = end;
                    continue;
                }
                Text([c]);
                i++;
                continue;
            }
            var next = query[i + 1];
            if (next == '%') { Text(['%']); i += 2; continue; }
            string literal;
            if (next == '(')
            {
                var close = query.IndexOf(')', i + 2);
                literal = literals[Array.IndexOf(parsed.Names!, query[(i + 2)..close])];
                i = close + 2;
            }
            else
            {
                literal = literals[ordinal++];
                i += 2;
            }
            if (sql.Length > 0 && Joins(sql[^1], literal[0])) sql.Append(' ');
            sql.Append(literal);
            afterLiteral = true;
        }
        return sql.ToString();

        void Text(ReadOnlySpan<char> text)
        {
            if (afterLiteral && Joins(sql[^1], text[0])) sql.Append(' ');
            afterLiteral = false;
            sql.Append(text);
        }
    }

    /// <summary>The index of a %s / %(name)s (not %%) in query[start..end), or -1.</summary>
    private static int FindPlaceholder(string query, int start, int end)
    {
        for (var i = start; i < end - 1; i++)
        {
            if (query[i] != '%') continue;
            if (query[i + 1] == '%') { i++; continue; }
            return i;
        }
        return -1;
    }

    private static string Numeric(string digits, string point) =>
        digits.AsSpan().IndexOfAny('.', 'E', 'e') >= 0 ? digits : digits + point;

    /// <summary>A string literal for this session: <c>'it''s'</c>, or <c>E'a\\b'</c> when backslashes are escapes.</summary>
    public static string Quote(string s, Connection connection) => Quote(s, StandardConformingStrings(connection));

    private static bool StandardConformingStrings(Connection connection) =>
        connection.Session.Parameters.GetValueOrDefault("standard_conforming_strings", "on") == "on";

    public static string Quote(string s, bool standardConformingStrings)
    {
        if (s.Contains('\0')) throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes");
        // With standard_conforming_strings off a backslash in '...' escapes the next character, so a value ending in
        // \ would swallow the closing quote: E'...' with doubled backslashes means the same whatever the setting.
        if (standardConformingStrings || !s.Contains('\\')) return "'" + s.Replace("'", "''") + "'";
        return "E'" + s.Replace("\\", "\\\\").Replace("'", "''") + "'";
    }

    /// <summary>A quoted identifier: <c>"my ""cursor"""</c>.</summary>
    public static string QuoteIdentifier(string name)
    {
        if (name.Contains('\0')) throw new DataError("PostgreSQL identifiers cannot contain NUL (0x00) bytes");
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>
    /// True when <paramref name="left"/> followed by <paramref name="right"/> would lex differently from the two apart:
    /// <c>--</c> and <c>/*</c> start comments, any two operator characters make one operator (<c>#-</c>, <c>@-</c>),
    /// word characters make one identifier, number or parameter (<c>a1</c>, <c>1e</c>, <c>$1</c>), a word before a
    /// quote makes a prefixed string (<c>x'1'</c>, <c>E'...'</c>), two quotes make one escaped quote, and a dot beside a
    /// digit makes a number.
    /// </summary>
    internal static bool Joins(char left, char right)
    {
        if (char.IsWhiteSpace(left) || char.IsWhiteSpace(right)) return false;
        if (right == '-') return true;   // psycopg's rule for negative numbers, whatever comes before
        if (IsOperator(left) && IsOperator(right)) return true;
        if (IsWord(left) || left is '\'' or '"' or '&' or '.') return IsWord(right) || right is '\'' or '"';
        return (left == '.' && char.IsAsciiDigit(right)) || (char.IsAsciiDigit(left) && right == '.');
    }

    // PostgreSQL's lexer: identifier characters (letters, digits, _, $, and every non-ASCII character) ...
    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || c > 0x7F;

    // ... and the characters operators are made of.
    private static bool IsOperator(char c) => c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?';
}
