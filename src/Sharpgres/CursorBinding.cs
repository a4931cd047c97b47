using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>Client-side binding (psycopg's ClientCursor, mogrify) and raw <c>$n</c> queries (psycopg's RawCursor).</summary>
public partial class Cursor<TRow>
{
    /// <summary>How this cursor passes its arguments (<see cref="Sharpgres.Binding"/>): server-side, merged client-side, or raw <c>$n</c>.</summary>
    public Binding Binding { get; }

    /// <summary>
    /// psycopg's <c>ClientCursor.mogrify</c>: the SQL that a client-binding Execute sends for these arguments — each
    /// %s / %(name)s replaced by its literal (pass one object or dictionary for %(name)s); the query untouched without
    /// arguments. A placeholder inside quotes or a comment raises ProgrammingError. Not for RawCursor ($n can't be merged).
    /// </summary>
    public string Mogrify(string query, params object?[] args)
    {
        CheckOpen();
        if (Binding == Binding.Raw) throw new NotSupportedError("Mogrify merges %s placeholders: a RawCursor's $n can't be merged");
        return args is [{ } single] && single is not string && !IsScalar(single) && ParsedQuery.Get(query).Names is not null
            ? SqlLiteral.MergeArguments(query, null, NamedArguments.From(single), Connection)
            : SqlLiteral.MergeArguments(query, args, null, Connection);
    }

    /// <summary>Mogrify with %(name)s arguments from a dictionary.</summary>
    public string Mogrify(string query, IReadOnlyDictionary<string, object?> args)
    {
        CheckOpen();
        if (Binding == Binding.Raw) throw new NotSupportedError("Mogrify merges %s placeholders: a RawCursor's $n can't be merged");
        return SqlLiteral.MergeArguments(query, null, args, Connection);
    }

    /// <summary>The query parsed for this cursor's binding: %s rewritten, or a raw query's $n kept as they are.</summary>
    internal ParsedQuery ParseQuery(string query) => Binding == Binding.Raw ? ParsedQuery.Raw(query) : ParsedQuery.Get(query);

    /// <summary>True when one argument is an object or dictionary naming %(name)s values (never for a RawCursor).</summary>
    private bool IsNamedSource(string query, object?[]? args) =>
        Binding != Binding.Raw && args is [{ } single] && single is not string && !IsScalar(single) && ParsedQuery.Get(query).Names is not null;

    private void CheckRawNamed(IReadOnlyDictionary<string, object?>? named)
    {
        if (named is not null && Binding == Binding.Raw)
            throw new ProgrammingError("a RawCursor takes positional arguments only ($1, $2 ...), not names");
    }
}
