using System.Data;
using System.Runtime.CompilerServices;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Data;

/// <summary>
/// CommandType.StoredProcedure: a procedure (pg_proc.prokind 'p') runs as <c>CALL name(...)</c> — OUT parameters are
/// passed as NULL, as PostgreSQL 14+ requires — and a function as <c>SELECT * FROM name(...)</c> without its OUT
/// parameters; either way the first row fills the Output / InputOutput parameters. Parameters with names use named
/// notation (<c>p =&gt; $1</c>). Whether a name is a procedure or a function is looked up once per session.
/// </summary>
internal static class StoredProcedures
{
    private static readonly ConditionalWeakTable<Connection, Dictionary<string, char>> Kinds = new();

    public static (string Sql, BoundParameters Parameters) Build(SharpgresConnection connection, SharpgresCommand command, ParameterBinder binder)
    {
        var name = command.CommandText.Trim();
        var isProcedure = KindOf(connection.Inner, name) == 'p';
        var bound = new List<SharpgresParameter>();
        var args = new List<string>();
        foreach (var p in command.Parameters.Items)
        {
            if (p.Direction == ParameterDirection.ReturnValue) continue;
            if (p.Direction == ParameterDirection.Output && !isProcedure) continue;
            string placeholder;
            if (p.Direction == ParameterDirection.Output)
                placeholder = "NULL" + (p.ExplicitDataTypeName is { } t ? "::" + t : "");
            else
            {
                bound.Add(p);
                placeholder = "$" + bound.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            args.Add(p.TrimmedName.Length > 0 ? p.TrimmedName + " => " + placeholder : placeholder);
        }
        var call = (isProcedure ? "CALL " : "SELECT * FROM ") + name + "(" + string.Join(", ", args) + ")";
        return (call, binder.Bind(bound));
    }

    private static char KindOf(Connection connection, string name)
    {
        var cache = Kinds.GetOrCreateValue(connection);
        lock (cache)
        {
            if (cache.TryGetValue(name, out var known)) return known;
        }
        SessionReset.Flush(connection);   // the lookup runs on the session: a pending reset goes first
        using var cur = connection.Cursor();
        // regproc accepts schema-qualified and quoted names and follows the search_path, as the call itself will.
        var row = cur.Execute("SELECT prokind::text FROM pg_proc WHERE proname = split_part(%s, '.', -1) AND (strpos(%s, '.') = 0 OR pronamespace = split_part(%s, '.', 1)::regnamespace) ORDER BY pronamespace = 'pg_catalog'::regnamespace LIMIT 1",
            name.ToLowerInvariant().Replace("\"", ""), name, name.ToLowerInvariant().Replace("\"", "")).FetchOne();
        var kind = row?.Get<string>(0) is { Length: > 0 } k ? k[0] : 'f';
        lock (cache) cache[name] = kind;
        return kind;
    }
}
