using System.Globalization;
using System.Text;
using Sharpgres.Protocol;
using Sharpgres.Sql;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// COPY takes no bound parameters (the server rejects $n in utility statements), so arguments are merged into the
/// statement client-side as quoted literals, as psycopg does for copy(): strings quoted, numbers as numbers, anything
/// else as its codec's text with a cast to its type.
/// </summary>
internal static class CopyStatement
{
    public static string Merge(string query, object?[]? positional, IReadOnlyDictionary<string, object?>? named, Connection connection)
    {
        if ((positional is null || positional.Length == 0) && named is null) return query;
        var parsed = ParsedQuery.Get(query);
        var values = parsed.Arrange(positional, named);
        var literals = values.Select(v => Literal(v, connection)).ToArray();
        // Walk the original text again (already validated by the parse): each placeholder becomes its literal.
        var sql = new StringBuilder(query.Length + 16 * literals.Length);
        var i = 0;
        var ordinal = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (c != '%') { sql.Append(c); i++; continue; }
            var next = query[i + 1];
            if (next == '%') { sql.Append('%'); i += 2; continue; }
            if (next == '(')
            {
                var close = query.IndexOf(')', i + 2);
                var name = query[(i + 2)..close];
                sql.Append(literals[Array.IndexOf(parsed.Names!, name)]);
                i = close + 2;
                continue;
            }
            sql.Append(literals[ordinal++]);
            i += 2;
        }
        return sql.ToString();
    }

    private static string Literal(object? value, Connection connection)
    {
        switch (value)
        {
            case null or DBNull: return "NULL";
            case bool b: return b ? "true" : "false";
            case string s: return Quote(s, connection);
            case sbyte or byte or short or ushort or int or uint or long or ulong or decimal:
                return ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture);
            case double or float:
                var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(d)) return d.ToString("R", CultureInfo.InvariantCulture);
                return (double.IsNaN(d) ? "'NaN'" : d > 0 ? "'Infinity'" : "'-Infinity'") + "::float8";
        }
        var codec = connection.Types.ForParameter(value);
        using var buffer = new WriteBuffer();
        codec.WriteObject(buffer, value, PgFormat.Text, connection.ReadContext);
        return Quote(Encoding.UTF8.GetString(buffer.WrittenSince(0)), connection) + "::" + codec.PgTypeName;
    }

    private static string Quote(string s, Connection connection)
    {
        if (s.Contains('\0')) throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes");
        var standard = connection.Session.Parameters.GetValueOrDefault("standard_conforming_strings", "on") == "on";
        if (standard || !s.Contains('\\')) return "'" + s.Replace("'", "''") + "'";
        return "E'" + s.Replace("\\", "\\\\").Replace("'", "''") + "'";
    }
}
