using Sharpgres.Types;

namespace Sharpgres.Tests.Types;

/// <summary>
/// Server round trips in both result formats: a query text's first execution gets text results, the next binary
/// (when every column's codec reads binary), so each query runs twice and each read is checked twice.
/// </summary>
internal static class ServerTwice
{
    private static int _query;

    /// <summary>The wire format column <paramref name="column"/> of the row arrived in.</summary>
    public static PgFormat FormatOf(Row row, int column) =>
        (PgFormat)row.Shape.Fields[column].FormatCode;

    /// <summary>Runs the query twice and returns its first row each time (text, then binary results).</summary>
    public static Row[] Rows(Connection conn, string sql, object?[] args, bool binary = true)
    {
        // The result shape is remembered per SQL text: a fresh text makes the first run a text one.
        sql = $"/* {Interlocked.Increment(ref _query)} */ {sql}";
        var rows = new Row[2];
        for (var i = 0; i < 2; i++) rows[i] = conn.Execute(sql, args).FetchOne()!;
        Assert.Equal(PgFormat.Text, FormatOf(rows[0], 0));
        Assert.Equal(binary ? PgFormat.Binary : PgFormat.Text, FormatOf(rows[1], 0));
        return rows;
    }

    /// <summary>Column 0 read as <typeparamref name="T"/> in both formats.</summary>
    public static T[] Get<T>(Connection conn, string sql, params object?[] args) =>
        Rows(conn, sql, args).Select(r => r.Get<T>(0)).ToArray();

    /// <summary>Asserts column 0 reads as <paramref name="expected"/> (typed) in both formats.</summary>
    public static void AssertBoth<T>(T expected, Connection conn, string sql, params object?[] args)
    {
        var rows = Rows(conn, sql, args);
        foreach (var row in rows)
            Assert.True(Same(expected, row.Get<T>(0)), $"{sql} in {FormatOf(row, 0)}: expected {Show(expected)}, got {Show(row.Get<T>(0))}");
    }

    /// <summary>Structural equality for nested arrays and lists.</summary>
    public static bool Same(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is Array x && b is Array y)
        {
            if (x.Rank != y.Rank || x.GetType() != y.GetType()) return false;
            for (var d = 0; d < x.Rank; d++) if (x.GetLength(d) != y.GetLength(d)) return false;
            return x.Cast<object?>().Zip(y.Cast<object?>()).All(p => Same(p.First, p.Second));
        }
        if (a is System.Text.Json.JsonElement ja && b is System.Text.Json.JsonElement jb) return System.Text.Json.JsonElement.DeepEquals(ja, jb);
        if (a is System.Collections.IDictionary da && b is System.Collections.IDictionary db)
            return da.Count == db.Count && da.Keys.Cast<object>().All(k => db.Contains(k) && Same(da[k], db[k]));
        if (a is System.Collections.IEnumerable ea && a is not string && b is System.Collections.IEnumerable eb && b is not string)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = eb.Cast<object?>().ToList();
            return la.Count == lb.Count && la.Zip(lb).All(p => Same(p.First, p.Second));
        }
        return a.Equals(b);
    }

    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        Array a => $"{a.GetType().Name}{{{string.Join(", ", a.Cast<object?>().Select(Show))}}}",
        System.Collections.IEnumerable e => $"{value.GetType().Name}[{string.Join(", ", e.Cast<object?>().Select(Show))}]",
        _ => value.ToString() ?? "",
    };
}
