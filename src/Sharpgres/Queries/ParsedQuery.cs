using System.Collections.Concurrent;
using System.Text;
using Sharpgres.Types;

namespace Sharpgres.Queries;

/// <summary>
/// A query with psycopg's placeholders rewritten to PostgreSQL's $n, parsed once per distinct text and cached.
/// Placeholders are found everywhere, quotes included, exactly as psycopg does (never put quotes around %s).
/// </summary>
internal sealed class ParsedQuery
{
    private static readonly ConcurrentDictionary<string, ParsedQuery> Cache = new();
    private const int CacheLimit = 2048;

    private ParsedQuery(string sql, string[]? names, PlaceholderFormat[] formats)
    {
        Sql = sql;
        Names = names;
        Formats = formats;
    }

    /// <summary>The SQL sent to the server, with $1..$n.</summary>
    public string Sql { get; }
    /// <summary>For named placeholders, the name of each $n; null for positional queries.</summary>
    public string[]? Names { get; }
    public PlaceholderFormat[] Formats { get; }
    public int ParameterCount => Formats.Length;

    /// <summary>
    /// A RawCursor's query: its own $1..$n, sent untouched (a % means nothing); the server checks that the values
    /// match the placeholders.
    /// </summary>
    public static ParsedQuery Raw(string query) => new(query, null, []) { IsRaw = true };

    /// <summary>A RawCursor's query: any number of positional values, each in its codec's format.</summary>
    public bool IsRaw { get; private init; }

    public static ParsedQuery Get(string query)
    {
        if (Cache.TryGetValue(query, out var parsed)) return parsed;
        parsed = Parse(query);
        if (Cache.Count >= CacheLimit) Cache.Clear();
        Cache.TryAdd(query, parsed);
        return parsed;
    }

    private static ParsedQuery Parse(string query)
    {
        var sql = new StringBuilder(query.Length);
        var formats = new List<PlaceholderFormat>();
        List<string>? names = null;
        Dictionary<string, int>? nameIndex = null;
        var positional = false;
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c != '%') { sql.Append(c); continue; }
            if (i + 1 >= query.Length) throw new ProgrammingError("incomplete placeholder: '%' at the end of the query");
            var next = query[i + 1];
            if (next == '%') { sql.Append('%'); i++; continue; }
            if (next == '(')
            {
                var close = query.IndexOf(')', i + 2);
                if (close <= i + 2 || close + 1 >= query.Length) throw new ProgrammingError($"incomplete placeholder: '{query[i..Math.Min(query.Length, i + 20)]}'");
                var name = query[(i + 2)..close];
                var format = FormatOf(query[close + 1], query.Substring(i, close + 2 - i));
                if (positional) throw Mixed();
                names ??= [];
                nameIndex ??= new Dictionary<string, int>(StringComparer.Ordinal);
                if (!nameIndex.TryGetValue(name, out var index))
                {
                    index = names.Count;
                    nameIndex[name] = index;
                    names.Add(name);
                    formats.Add(format);
                }
                else if (formats[index] != format)
                    throw new ProgrammingError($"placeholder '{name}' cannot have different formats");
                sql.Append('$').Append(index + 1);
                i = close + 1;
                continue;
            }
            // psycopg's wording for the usual mistake, '%' as the modulo operator.
            if (next == ' ') throw new ProgrammingError("incomplete placeholder: '%'; if you want to use '%' as an operator you can double it up, i.e. use '%%'");
            var fmt = FormatOf(next, "%" + next);
            if (names is not null) throw Mixed();
            positional = true;
            formats.Add(fmt);
            sql.Append('$').Append(formats.Count);
            i++;
        }
        return new ParsedQuery(sql.ToString(), names?.ToArray(), formats.ToArray());
    }

    private static PlaceholderFormat FormatOf(char c, string placeholder) => c switch
    {
        's' => PlaceholderFormat.Auto,
        'b' => PlaceholderFormat.Binary,
        't' => PlaceholderFormat.Text,
        _ => throw new ProgrammingError($"only '%s', '%b', '%t' are allowed as placeholders, got '{placeholder}'"),
    };

    private static ProgrammingError Mixed() => new("positional and named placeholders cannot be mixed");

    /// <summary>Puts the arguments in $n order, checking their number and names before anything is sent.</summary>
    public object?[] Arrange(object?[]? positional, IReadOnlyDictionary<string, object?>? named)
    {
        if (IsRaw)
        {
            if (named is not null) throw new ProgrammingError("a RawCursor takes positional arguments only ($1, $2 ...), not names");
            return positional ?? [];
        }
        if (Names is null)
        {
            if (named is not null && ParameterCount > 0)
                throw new ProgrammingError("named parameters given to a query with positional placeholders (%s)");
            var count = positional?.Length ?? 0;
            if (count != ParameterCount)
                throw new ProgrammingError($"the query has {ParameterCount} placeholder{(ParameterCount == 1 ? "" : "s")} but {count} parameter{(count == 1 ? " was" : "s were")} passed");
            return positional ?? [];
        }
        if (named is null)
            throw new ProgrammingError("the query has named placeholders (%(name)s): pass the parameters as an object or a dictionary");
        var values = new object?[Names.Length];
        for (var i = 0; i < Names.Length; i++)
        {
            if (!named.TryGetValue(Names[i], out values[i]))
                throw new ProgrammingError($"query parameter missing: {Names[i]}");
        }
        return values;
    }

    /// <summary>The wire format of $n for this value.</summary>
    public PgFormat FormatFor(int index, PgCodec codec, object value) => (IsRaw ? PlaceholderFormat.Auto : Formats[index]) switch
    {
        PlaceholderFormat.Binary => PgFormat.Binary,
        PlaceholderFormat.Text => PgFormat.Text,
        _ => codec.ParameterFormat(value),
    };
}
