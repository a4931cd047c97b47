using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// psycopg's ClientCursor and mogrify (tests/test_client_cursor.py): arguments merged into the SQL as literals, for
/// statements that can't take server parameters; the server is the oracle for every literal.
/// </summary>
public class ClientCursorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Client_cursor_merges_arguments_where_a_server_parameter_cant_stand()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.ClientCursor();
        Assert.Equal(Binding.Client, cur.Binding);
        cur.Execute("SET application_name = %s", "it's mine");
        Assert.Equal("it's mine", conn.Execute("SHOW application_name").FetchOne()![0]);
        cur.Execute("SET search_path = %s, public", "my schema");
        Assert.Equal("\"my schema\", public", conn.Execute("SHOW search_path").FetchOne()![0]);
    }

    [Fact]
    public void Client_cursor_runs_ddl_defaults_and_notify_with_arguments()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor(binding: Binding.Client);
        cur.Execute("CREATE TEMP TABLE defaults (x int DEFAULT %s, y text DEFAULT %s)", 7, "why");
        cur.Execute("INSERT INTO defaults DEFAULT VALUES");
        Assert.Equal((7, "why"), conn.Execute("SELECT x, y FROM defaults").FetchOne<(int, string)>());
        conn.Execute("LISTEN client_chan");
        cur.Execute("NOTIFY client_chan, %(payload)s", new { payload = "merged" });
        Assert.Equal(["merged"], conn.Notifies(timeout: TimeSpan.FromSeconds(10), stopAfter: 1).Select(n => n.Payload));
    }

    [Fact]
    public void Mogrify_returns_the_merged_text()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.ClientCursor();
        Assert.Equal("SELECT 1, 'it''s', NULL, true, 1.5", cur.Mogrify("SELECT %s, %s, %s, %s, %s", 1, "it's", null, true, 1.5m));
        Assert.Equal("SELECT 'a' || 'b', 100%", cur.Mogrify("SELECT %(x)s || %(y)s, 100%%", new Dictionary<string, object?> { ["x"] = "a", ["y"] = "b" }));
        Assert.Equal("SELECT - -1", cur.Mogrify("SELECT -%s", -1));
        // Without arguments the query is untouched, as psycopg: '%' needs no escaping.
        Assert.Equal("SELECT '100%'", cur.Mogrify("SELECT '100%'"));
        Assert.Throws<ProgrammingError>(() => cur.Mogrify("SELECT '%s'", "x"));
        Assert.Throws<ProgrammingError>(() => cur.Mogrify("SELECT %s, %s", 1));
        Assert.Throws<NotSupportedError>(() => conn.RawCursor().Mogrify("SELECT $1", 1));
    }

    public static TheoryData<string, object?> Values => new()
    {
        { "int", 42 }, { "negative long", -9_000_000_000L }, { "decimal", -12.340m }, { "double", 1e300 }, { "tiny double", 5e-324 },
        { "NaN", double.NaN }, { "infinity", double.NegativeInfinity }, { "bool", false }, { "null", null },
        { "text", "O'Reilly \\ \"quoted\" $$ -- /* */" }, { "unicode", "ʼ‘’“” ñ 日本 🐘" },
        { "bytea", new byte[] { 0, 1, 0x27, 0x5c, 0xff } }, { "int[]", new[] { 1, -2, 3 } },
        { "text[] with quotes and null", new[] { "a'b", "c\"d", null, "e\\f", "" } },
        { "timestamptz", new DateTimeOffset(2024, 2, 29, 23, 59, 59, 123, TimeSpan.FromHours(5.5)) },
        { "timestamp", new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified) },
        { "date", new DateOnly(2000, 1, 1) }, { "uuid", Guid.Parse("b7f7a6a2-0d2e-4f7a-9a55-5d0f7c8b1e2a") },
        { "interval", TimeSpan.FromMinutes(-90.5) },
    };

    [Theory, MemberData(nameof(Values))]
    public void Client_cursor_literals_mean_what_the_bound_parameter_means(string what, object? value)
    {
        using var conn = db.Connect(autocommit: true);
        var bound = conn.Execute("SELECT %s", value).FetchOne()![0];
        var merged = conn.ClientCursor().Execute("SELECT %s", value).FetchOne()![0];
        Assert.True(Equals(Normalize(bound), Normalize(merged)), $"{what}: bound {Show(bound)}, merged {Show(merged)}");
    }

    private static object? Normalize(object? v) => v switch
    {
        Array a => string.Join("|", a.Cast<object?>().Select(e => e?.ToString() ?? "NULL")),
        DateTimeOffset d => d.UtcDateTime,
        _ => v,
    };

    private static string Show(object? v) => Normalize(v)?.ToString() ?? "NULL";

    [Fact]
    public void Several_statements_go_through_the_simple_protocol()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.ClientCursor();
        cur.Execute("SELECT %s; SELECT %s::text", 1, "two");
        Assert.Equal(1, cur.FetchOne()![0]);
        Assert.True(cur.NextSet());
        Assert.Equal("two", cur.FetchOne()![0]);
    }

    [Fact]
    public async Task Client_cursor_execute_many_stream_and_async_merge_each_set()
    {
        await using var conn = await db.ConnectAsync();
        await using var cur = conn.ClientCursor();
        await cur.ExecuteAsync("CREATE TEMP TABLE people (id int, name text)");
        cur.ExecuteMany("INSERT INTO people VALUES (%s, %s) RETURNING id", [(1, "a'1"), (2, "b\\2"), (3, "c")], returning: true);
        Assert.Equal(3, cur.RowCount);
        Assert.Equal(1, cur.FetchOne()![0]);
        Assert.True(cur.NextSet());
        Assert.Equal(2, cur.FetchOne()![0]);
        Assert.Equal(["a'1", "b\\2"], cur.Stream("SELECT name FROM people WHERE id < %s ORDER BY id", 3).Select(r => (string)r[0]!));
        await cur.ExecuteAsync("SELECT count(*) FROM people WHERE name = %(n)s", new { n = "c" });
        Assert.Equal(1L, cur.FetchOne()![0]);
        var error = Assert.Throws<Errors.UniqueViolation>(() =>
        {
            cur.Execute("CREATE UNIQUE INDEX ON people (id)");
            cur.ExecuteMany("INSERT INTO people VALUES (%s, %s)", [(4, "d"), (1, "dup")]);
        });
        Assert.Contains("parameter set 1", error.Message);
    }

    [Fact]
    public void Placeholders_inside_quotes_are_refused_and_the_connection_stays_usable()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.ClientCursor();
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT '%s'", "x"));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT 1 -- %s", "x"));
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
    }

    private const string Hostile = "'\"\\$;-/*\n\r\t%s()E ʼ‘’＇\u2028ab01";

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public void Fuzz_hostile_strings_come_back_unchanged(string standardConformingStrings)
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        using var conn = db.Connect(autocommit: true);
        conn.Execute($"SET standard_conforming_strings = {standardConformingStrings}");
        using var cur = conn.ClientCursor();
        for (var n = 0; n < 200; n++)
        {
            var length = random.Next(4) == 0 ? random.Next(1000, 20000) : random.Next(0, 30);
            var value = new string(Enumerable.Range(0, length).Select(_ => Hostile[random.Next(Hostile.Length)]).ToArray());
            if (n % 7 == 0) value = "$$" + value + "$$";
            if (n % 11 == 0) value = "$tag$" + value;
            var got = cur.Execute("SELECT %s, %s::text || 'end'", value, value).FetchOne()!;
            Assert.True(value == (string?)got[0] && value + "end" == (string?)got[1],
                $"seed {seed}, case {n}: {value.Length} chars sent, got back {((string?)got[0])?.Length} (standard_conforming_strings={standardConformingStrings})");
        }
    }
}
