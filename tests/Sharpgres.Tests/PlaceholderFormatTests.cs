using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// psycopg's "Binary parameters and results" (docs/basic/params.rst, psycopg/_queries.py): <c>%s</c> lets the value's
/// dumper choose the format, <c>%b</c> asks for binary, <c>%t</c> for text, also as <c>%(name)b</c> / <c>%(name)t</c>.
/// Each test looks at what went on the wire through a <see cref="WireTap"/> relay in front of the real server: the
/// format code of each Bind parameter and the type OID Parse declared for it.
/// </summary>
public class PlaceholderFormatTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const short Text = 0, Binary = 1;
    private const uint Unknown = 0, TextOid = 25, Int4Oid = 23;

    private (WireTap Tap, Connection Conn) Tapped()
    {
        var tap = new WireTap(db.ConnString);
        var conn = Pg.Connect(tap.ConnString, autocommit: true);
        tap.Clear();
        return (tap, conn);
    }

    [Fact]
    public void Percent_s_lets_the_codec_choose_b_forces_binary_t_forces_text()
    {
        var (tap, conn) = Tapped();
        using (tap) using (conn)
        {
            foreach (var (placeholder, format) in new[] { ("%s", Binary), ("%b", Binary), ("%t", Text) })
            {
                tap.Clear();
                Assert.Equal(42, conn.Execute($"SELECT {placeholder}::int4 + 1", 41).FetchOne()![0]);
                Assert.Equal([format], tap.BindFormats().Single());
                Assert.Equal([Int4Oid], tap.ParseOids().Single());
            }
            // A string under %s (and %t) goes in text as an untyped literal the server types from context; under %b
            // it must say what it is: psycopg's StrBinaryDumper sends it as text (binary "unknown" input is not a thing).
            foreach (var (placeholder, format, oid) in new[] { ("%s", Text, Unknown), ("%t", Text, Unknown), ("%b", Binary, TextOid) })
            {
                tap.Clear();
                Assert.Equal("héllo", conn.Execute($"SELECT {placeholder}::text", "héllo").FetchOne()![0]);
                Assert.Equal([format], tap.BindFormats().Single());
                Assert.Equal([oid], tap.ParseOids().Single());
            }
        }
    }

    [Fact]
    public async Task The_async_path_sends_the_same_formats()
    {
        var (tap, conn) = Tapped();
        using (tap) await using (conn)
        {
            await using var cur = conn.Cursor();
            await cur.ExecuteAsync("SELECT %t::int4, %b::int4, %s::int4, %b::text", [1, 2, 3, "x"]);
            Assert.Equal((1, 2, 3, "x"), (await cur.FetchOneAsync<(int, int, int, string)>())!);
            Assert.Equal([Text, Binary, Binary, Binary], tap.BindFormats().Single());
            Assert.Equal([Int4Oid, Int4Oid, Int4Oid, TextOid], tap.ParseOids().Single());
        }
    }

    [Fact]
    public void A_string_under_b_is_typed_text_so_the_server_no_longer_infers_its_type()
    {
        using var conn = db.Connect(autocommit: true);
        // Untyped: the server makes "1" an integer to compare it with 1.
        Assert.Equal(true, conn.Execute("SELECT %s = 1", "1").FetchOne()![0]);
        Assert.Equal(true, conn.Execute("SELECT %t = 1", "1").FetchOne()![0]);
        // Typed text: there is no text = integer operator, as with psycopg's cursor.execute("SELECT %b = 1", ["1"]).
        Assert.Throws<UndefinedFunction>(() => conn.Execute("SELECT %b = 1", "1"));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Formats_mix_in_one_query_and_a_name_keeps_one_format()
    {
        var (tap, conn) = Tapped();
        using (tap) using (conn)
        {
            Assert.Equal((1, 2, 3), conn.Execute("SELECT %b::int4, %t::int4, %s::int4", 1, 2, 3).FetchOne<(int, int, int)>());
            Assert.Equal([Binary, Text, Binary], tap.BindFormats().Single());

            tap.Clear();
            var row = conn.Execute("SELECT %(a)b::int4, %(b)t::int4, %(a)b::int4 * 10", new { a = 4, b = 5 }).FetchOne<(int, int, int)>();
            Assert.Equal((4, 5, 40), row);
            Assert.Equal([Binary, Text], tap.BindFormats().Single());

            // psycopg: "placeholder 'a' cannot have different formats", before anything is sent.
            tap.Clear();
            var error = Assert.Throws<ProgrammingError>(() => conn.Execute("SELECT %(a)b::int4, %(a)t::int4", new { a = 1 }));
            Assert.Contains("cannot have different formats", error.Message);
            Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
            Assert.Single(tap.BindFormats());   // only SELECT 1's
        }
    }

    [Theory]
    [InlineData("SELECT %x", "only '%s', '%b', '%t' are allowed as placeholders, got '%x'")]
    [InlineData("SELECT %(a)x", "only '%s', '%b', '%t' are allowed as placeholders, got '%(a)x'")]
    [InlineData("SELECT 10 % 3 + %s", "if you want to use '%' as an operator you can double it up, i.e. use '%%'")]
    [InlineData("SELECT %(a", "incomplete placeholder")]
    [InlineData("SELECT %()s", "incomplete placeholder")]
    [InlineData("SELECT %B", "only '%s', '%b', '%t' are allowed as placeholders, got '%B'")]
    public void Bad_format_characters_raise_psycopgs_errors_before_anything_is_sent(string query, string message)
    {
        var (tap, conn) = Tapped();
        using (tap) using (conn)
        {
            var error = Assert.Throws<ProgrammingError>(() => conn.Execute(query, 1));
            Assert.Contains(message, error.Message);
            Assert.Empty(tap.Messages);
            Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
            Assert.Equal(2, conn.Execute("SELECT 10 %% %s", 4).FetchOne()![0]);
        }
    }

    [Fact]
    public async Task ExecuteMany_sends_every_set_in_its_placeholders_formats_sync_and_async()
    {
        var (tap, conn) = Tapped();
        using (tap) await using (conn)
        {
            conn.Execute("CREATE TEMP TABLE fmt_many (a int4, b text, c int8)");
            using var cur = conn.Cursor();
            tap.Clear();
            cur.ExecuteMany("INSERT INTO fmt_many VALUES (%t, %b, %s)", new object?[][] { [1, "one", 10L], [2, "two", 20L], [3, "three", 30L] });
            Assert.Equal(3, tap.BindFormats().Count);
            Assert.All(tap.BindFormats(), formats => Assert.Equal([Text, Binary, Binary], formats));

            tap.Clear();
            await cur.ExecuteManyAsync("INSERT INTO fmt_many VALUES (%(a)b, %(b)t, %(c)t)", new object[] { new { a = 4, b = "four", c = 40L }, new { a = 5, b = "five", c = 50L } });
            Assert.Equal(2, tap.BindFormats().Count);
            Assert.All(tap.BindFormats(), formats => Assert.Equal([Binary, Text, Text], formats));

            var rows = conn.Execute("SELECT a, b, c FROM fmt_many ORDER BY a").FetchAll<(int, string, long)>();
            Assert.Equal([(1, "one", 10L), (2, "two", 20L), (3, "three", 30L), (4, "four", 40L), (5, "five", 50L)], rows);
        }
    }

    [Fact]
    public void A_raw_cursor_sends_each_value_as_its_codec_chooses()
    {
        // psycopg's PostgresRawQuery dumps every $n with PyFormat.AUTO.
        var (tap, conn) = Tapped();
        using (tap) using (conn)
        {
            using var cur = conn.RawCursor();
            Assert.Equal((7, "seven"), cur.Execute("SELECT $1::int4, $2::text", 7, "seven").FetchOne<(int, string)>());
            Assert.Equal([Binary, Text], tap.BindFormats().Single());
            Assert.Equal([Int4Oid, Unknown], tap.ParseOids().Single());
        }
    }

    [Fact]
    public void A_client_cursor_merges_b_and_t_values_as_literals()
    {
        // psycopg's PostgresClientQuery turns %s, %b and %t alike into the value's literal: nothing is bound.
        var (tap, conn) = Tapped();
        using (tap) using (conn)
        {
            using var cur = conn.ClientCursor();
            Assert.Equal("SELECT 5::int4, 'x'::text, 6", cur.Mogrify("SELECT %b::int4, %t::text, %s", 5, "x", 6));
            Assert.Equal((5, "x"), cur.Execute("SELECT %b::int4, %t::text", 5, "x").FetchOne<(int, string)>());
            Assert.DoesNotContain(tap.BindFormats(), formats => formats.Length > 0);
            var sent = tap.Messages.Where(m => m.Type is 'P' or 'Q').Select(m => m.Sql).Single();
            Assert.Equal("SELECT 5::int4, 'x'::text", sent);
        }
    }

    [Fact]
    public void Sql_placeholders_take_a_format()
    {
        using var conn = db.Connect(autocommit: true);
        Assert.Equal("%b", Sql.Placeholder(null, PlaceholderFormat.Binary).AsString(conn));
        Assert.Equal("%(n)t", Sql.Placeholder("n", PlaceholderFormat.Text).AsString(conn));
        Assert.Equal("%s", Sql.Placeholder("", PlaceholderFormat.Auto).AsString(conn));
        Assert.NotEqual(Sql.Placeholder("n"), Sql.Placeholder("n", PlaceholderFormat.Binary));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sql.Placeholder(null, (PlaceholderFormat)9));

        var (tap, tapped) = Tapped();
        using (tap) using (tapped)
        {
            var query = Sql.SQL("SELECT {}::int4, {}::int4").Format(Sql.Placeholder("a", PlaceholderFormat.Text), Sql.Placeholder("b", PlaceholderFormat.Binary));
            Assert.Equal((1, 2), tapped.Execute(query, new { a = 1, b = 2 }).FetchOne<(int, int)>());
            Assert.Equal([Text, Binary], tap.BindFormats().Single());
        }
    }
}
