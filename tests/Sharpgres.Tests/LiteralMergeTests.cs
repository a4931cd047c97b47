using System.Globalization;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// Literals merged into SQL client-side (COPY's arguments) stay tokens of their own, as psycopg's quote() keeps them:
/// a negative number after an operator never forms a comment or another operator, a string never joins a quote, and
/// placeholders inside quotes or comments are refused. The fuzz compares each merged COPY with the same expression
/// run with a bound parameter, so the server is the oracle.
/// </summary>
public class LiteralMergeTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static string CopyOut(Cursor cur, string query, params object?[] args)
    {
        using var copy = cur.Copy($"COPY ({query}) TO STDOUT", args);
        var rows = copy.Rows().ToList();
        return (string)rows.Single()[0]!;
    }

    // psycopg test_copy.py test_copy_out_param / test_quote_neg: "SELECT -%s" with -1 is "SELECT - -1", not "--1".
    [Fact]
    public void Copy_with_a_negative_parameter_after_a_minus_is_not_a_comment()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        Assert.Equal("1", CopyOut(cur, "SELECT -%s", -1));
        Assert.Equal("2", CopyOut(cur, "SELECT 1-%s", -1));
        Assert.Equal("6", CopyOut(cur, "SELECT 3*-%s*2", -1));
        Assert.Equal("1.5", CopyOut(cur, "SELECT -%s", -1.5m));
        Assert.Equal("-2", CopyOut(cur, "SELECT 1#%s", -1));   // #- would be jsonb's delete-path operator
        Assert.Equal("3", CopyOut(cur, "SELECT 2-%(n)s", new Dictionary<string, object?> { ["n"] = -1 }));
        // A decimal or a double stays a numeric literal even when whole: 5/2 would be integer division.
        Assert.Equal("2.5000000000000000", CopyOut(cur, "SELECT %s/2", 5m));
        Assert.Equal("2.5000000000000000", CopyOut(cur, "SELECT %s/2", 5.0));
        // Text right after a placeholder doesn't join the literal either: 5 then e3 is 5 AS e3, not the number 5e3.
        Assert.Equal("5", CopyOut(cur, "SELECT %se3", 5));
    }

    [Fact]
    public void Copy_strings_never_join_the_quotes_around_them_and_placeholders_in_quotes_or_comments_are_refused()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        Assert.Equal("ab", CopyOut(cur, "SELECT 'a'||%s", "b"));
        // 'x'%s with 'y' would be the one string x'y: kept apart, it's the server's syntax error instead.
        Assert.Throws<Errors.SyntaxError>(() => CopyOut(cur, "SELECT 'x'%s", "y"));
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
        Assert.Throws<ProgrammingError>(() => cur.Copy("COPY (SELECT '%s') TO STDOUT", "x"));
        Assert.Throws<ProgrammingError>(() => cur.Copy("COPY (SELECT $$%s$$) TO STDOUT", "x"));
        Assert.Throws<ProgrammingError>(() => cur.Copy("COPY (SELECT 1 -- %s\n) TO STDOUT", "x"));
        Assert.Throws<ProgrammingError>(() => cur.Copy("COPY (SELECT 1 /* %s */) TO STDOUT", "x"));
        Assert.Equal("100%", CopyOut(cur, "SELECT '100%%' || %s", ""));
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
    }

    private static readonly string[] NumberPrefixes =
    [
        "-", "+", "@", "~", "|/", "1-", "1+", "2*", "7/", "7%", "1#", "1&", "1|", "2^", "1<", "1>", "1=", "1<>", "1!=",
        "1<=", "1>=", "(", "- ", "1 -", "3*-", "-(",
    ];

    private static readonly string[] NumberSuffixes = ["", "-1", "*3", "+0", ")", " ", "/1"];

    [Fact]
    public void Fuzz_numbers_merged_after_operators_mean_what_the_bound_parameter_means()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        for (var n = 0; n < 100; n++)
        {
            object value = random.Next(4) switch
            {
                0 => -random.Next(1, 1000),
                1 => -(long)int.MaxValue - random.Next(1, int.MaxValue),   // int8 both as a literal and bound
                2 => -(decimal)random.Next(1, 100000) / 100m,
                _ => -random.Next(1, 64) / 8.0,
            };
            if (random.Next(5) == 0) value = value switch { int i => -i, long l => -l, decimal d => -d, double d => -d, _ => value };
            var prefix = NumberPrefixes[random.Next(NumberPrefixes.Length)];
            // A merged double is a numeric literal, a bound one float8, which has no % operator.
            if (value is double && prefix.Contains('%')) prefix = "7/";
            var suffix = NumberSuffixes[random.Next(NumberSuffixes.Length)];
            var open = prefix.Count(c => c == '(') - suffix.Count(c => c == ')');
            if (open < 0) suffix = suffix.Replace(")", "");
            var expr = prefix + "%s" + suffix + new string(')', Math.Max(0, open));
            Compare(cur, $"SELECT ({expr})::text", value, seed, n);
        }
    }

    private static readonly string[] StringContexts =
    [
        "'a'||%s", "%s||'b'", "'a' || %s || 'b'", "$$x$$||%s", "%s||$q$y$q$", "E'\\\\'||%s", "md5(%s)", "upper(%s)",
        "'it''s'||%s", "%s||%s", "%s||'-'||%s", "%s||'--'||%s", "%s || '/*' || %s",
    ];

    private const string Alphabet = "a'\"\\$-/*;%\n€ Ex\t()?:_0";

    [Fact]
    public void Fuzz_strings_with_quotes_dollars_and_backslashes_mean_what_the_bound_parameter_means()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        for (var n = 0; n < 100; n++)
        {
            if (n % 50 == 0) conn.Execute(n % 100 == 0 ? "SET standard_conforming_strings TO on" : "SET standard_conforming_strings TO off");
            var context = StringContexts[random.Next(StringContexts.Length)];
            var count = context.Split("%s").Length - 1;
            var values = new object?[count];
            for (var v = 0; v < count; v++)
                values[v] = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray());
            Compare(cur, $"SELECT md5({context})", values, seed, n);
        }
    }

    /// <summary>The merged COPY gives what the bound statement gives, or the same error.</summary>
    private static void Compare(Cursor cur, string query, object? value, int seed, int n) => Compare(cur, query, [value], seed, n);

    private static void Compare(Cursor cur, string query, object?[] values, int seed, int n)
    {
        string? bound = null, merged = null, boundError = null, mergedError = null;
        try { bound = cur.Execute(query, values).FetchOne()![0]?.ToString(); }
        catch (DatabaseError e) { boundError = e.SqlState; }
        try { merged = CopyOut(cur, query, values); }
        catch (DatabaseError e) { mergedError = e.SqlState; }
        var what = $"seed {seed}, case {n}: {query} with ({string.Join(", ", values.Select(v => v is string s ? "\"" + s.Replace("\n", "\\n") + "\"" : Convert.ToString(v, CultureInfo.InvariantCulture)))})";
        Assert.True(boundError == mergedError, $"{what}: bound gave {bound ?? boundError}, merged gave {merged ?? mergedError}");
        if (boundError is not null) return;
        Assert.True(SameValue(bound!, merged!), $"{what}: bound gave {bound}, merged gave {merged}");
    }

    /// <summary>A merged double is a numeric literal, a bound one a float8: compare numbers as numbers.</summary>
    private static bool SameValue(string a, string b)
    {
        if (a == b) return true;
        if (!double.TryParse(a, CultureInfo.InvariantCulture, out var x) || !double.TryParse(b, CultureInfo.InvariantCulture, out var y)) return false;
        return Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x));
    }
}
