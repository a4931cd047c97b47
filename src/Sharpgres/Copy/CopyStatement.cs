using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// COPY takes no bound parameters (the server rejects $n in utility statements), so arguments are merged into the
/// statement client-side as literals, as psycopg does for copy() (see <see cref="SqlLiteral"/>).
/// </summary>
internal static class CopyStatement
{
    public static string Merge(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named, Connection connection)
    {
        if ((positional is null || positional.Length == 0) && named is null) return query;
        var parsed = ParsedQuery.Get(query);
        var values = parsed.Arrange(positional, named);
        return SqlLiteral.Merge(query, parsed, values.Select(v => SqlLiteral.For(v, connection)).ToArray());
    }
}
