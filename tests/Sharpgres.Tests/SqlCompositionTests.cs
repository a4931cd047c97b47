using System.Text;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>psycopg.sql (tests/test_sql.py) as Sharpgres.Sql: composition, quoting, formatting, and the server as oracle.</summary>
public class SqlCompositionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Sql_format_fills_fields_with_identifiers_literals_and_placeholders()
    {
        var query = Sql.SQL("SELECT {} FROM {} WHERE {} = %s").Format(Sql.Identifier("name"), Sql.Identifier("public", "people"), Sql.Identifier("city"));
        Assert.Equal("SELECT \"name\" FROM \"public\".\"people\" WHERE \"city\" = %s", query.AsString());
        Assert.Equal("SELECT 'it''s', 42, NULL", Sql.SQL("SELECT {}, {}, {}").Format("it's", 42, null).AsString());
        Assert.Equal("a \"b\" %(c)s {} {x}", Sql.SQL("a {0} {1} {{}} {{x}}").Format(Sql.Identifier("b"), Sql.Placeholder("c")).AsString());
        Assert.Equal("\"y\" = %s AND \"y\"", Sql.SQL("{col} = {p} AND {col}").Format(new { col = Sql.Identifier("y"), p = Sql.Placeholder() }).AsString());
        Assert.Equal("1 2", Sql.SQL("{a} {b}").Format(new Dictionary<string, object?> { ["a"] = 1, ["b"] = 2 }).AsString());
    }

    [Fact]
    public void A_literal_never_merges_with_the_text_beside_it_into_another_token()
    {
        // "SELECT 10-" then "-1" would be "SELECT 10--1": the rest a comment, SELECT 10 run. psycopg writes a negative
        // number with a leading space; Sharpgres does too, and keeps quotes and words of neighbouring pieces apart.
        using var conn = db.Connect(autocommit: true);
        Assert.Equal(" -1", Sql.Literal(-1).AsString(conn));
        Assert.Equal(" -1.5", Sql.Literal(-1.5m).AsString(conn));
        Assert.Equal(" -2.5", Sql.Literal(-2.5).AsString(conn));
        Assert.Equal(11, conn.Execute(Sql.SQL("SELECT 10-{}").Format(-1)).FetchOne<int>());
        Assert.Equal(11.5m, conn.Execute(Sql.SQL("SELECT 10-{}").Format(Sql.Literal(-1.5m))).FetchOne<decimal>());
        Assert.Equal("SELECT 10- -1", conn.ClientCursor().Mogrify("SELECT 10-%s", -1));
        // Two literals side by side are two strings (a syntax error), never the one string a'b.
        Assert.Equal("SELECT 'a' 'b'", Sql.SQL("SELECT {}{}").Format("a", "b").AsString(conn));
        Assert.Throws<Sharpgres.Errors.SyntaxError>(() => conn.Execute(Sql.SQL("SELECT {}{}").Format("a", "b")));
        Assert.Equal("\"a\" \"b\"", (Sql.Identifier("a") + Sql.Identifier("b")).AsString(conn));
        Assert.Equal("SELECT b '101'", Sql.SQL("SELECT b{}").Format("101").AsString(conn));   // not the bit string b'101'
        Assert.Equal("SELECT 1 2", Sql.SQL("SELECT {}{}").Format(1, 2).AsString(conn));
        // Where nothing could merge the text stays exactly as written.
        Assert.Equal("\"s\".\"t\"", Sql.SQL("{}.{}").Format(Sql.Identifier("s"), Sql.Identifier("t")).AsString(conn));
        Assert.Equal("'x'::text", (Sql.Literal("x") + Sql.SQL("::text")).AsString(conn));
        Assert.Equal("foobar", (Sql.SQL("foo") + Sql.SQL("bar")).AsString(conn));
    }

    [Fact]
    public void Sql_format_errors_as_python_str_format()
    {
        Assert.Throws<FormatException>(() => Sql.SQL("{} {}").Format(1));
        Assert.Throws<FormatException>(() => Sql.SQL("{} {0}").Format(1, 2));
        Assert.Throws<FormatException>(() => Sql.SQL("{0:x}").Format(1));
        Assert.Throws<FormatException>(() => Sql.SQL("{!r}").Format(1));
        Assert.Throws<FormatException>(() => Sql.SQL("{").Format(1));
        Assert.Throws<FormatException>(() => Sql.SQL("}").Format());
        Assert.Throws<FormatException>(() => Sql.SQL("{missing}").Format(new { other = 1 }));
        Assert.Throws<ArgumentException>(() => Sql.Identifier());
        Assert.Throws<ArgumentException>(() => Sql.Placeholder("bad)name"));
    }

    [Fact]
    public void Identifiers_are_always_double_quoted_with_quotes_doubled_and_nul_is_a_data_error()
    {
        Assert.Equal("\"foo\"", Sql.Identifier("foo").AsString());
        Assert.Equal("\"fo\"\"o\".\"b ar\"", Sql.Identifier("fo\"o", "b ar").AsString());
        Assert.Equal("\"SELECT\"", Sql.Identifier("SELECT").AsString());
        Assert.Throws<DataError>(() => Sql.Identifier("a\0b").AsString());
        Assert.Throws<DataError>(() => Sql.Literal("a\0b").AsString());
    }

    [Fact]
    public void Join_plus_and_repeat_compose_pieces()
    {
        var columns = new[] { "id", "name", "city" }.Select(c => (Composable)Sql.Identifier(c)).ToArray();
        Assert.Equal("\"id\", \"name\", \"city\"", Sql.SQL(", ").Join(columns).AsString());
        var composed = Sql.SQL("SELECT ") + Sql.SQL(", ").Join(columns) + Sql.SQL(" FROM ") + Sql.Identifier("people");
        Assert.Equal(8, composed.Parts.Count);   // + flattens: SELECT, the 5 joined pieces, FROM, the table
        Assert.Equal("SELECT \"id\", \"name\", \"city\" FROM \"people\"", composed.AsString());
        Assert.Equal("%s, %s, %s", Sql.Composed(Sql.Placeholder(), Sql.Placeholder(), Sql.Placeholder()).Join(", ").AsString());
        Assert.Equal("%s%s", (Sql.Placeholder() * 2).AsString());
        Assert.Equal("1 AND 'x'", Sql.SQL(" AND ").Join([1, "x"]).AsString());
        Assert.Equal(Sql.Identifier("a", "b"), Sql.Identifier("a", "b"));
        Assert.NotEqual<Composable>(Sql.Identifier("a"), Sql.SQL("a"));
        Assert.Equal(Sql.SQL("x") + Sql.Literal(1), Sql.Composed(Sql.SQL("x"), Sql.Literal(1)));
    }

    [Fact]
    public void Literals_render_with_the_connections_codecs_and_quoting()
    {
        using var conn = db.Connect(autocommit: true);
        var literal = Sql.Literal("back\\slash 'q'");
        Assert.Equal("'back\\slash ''q'''", literal.AsString(conn));
        conn.Execute("SET standard_conforming_strings = off");
        Assert.Equal("E'back\\\\slash ''q'''", literal.AsString(conn));
        Assert.Equal("back\\slash 'q'", conn.Execute(Sql.SQL("SELECT {}").Format(literal)).FetchOne()![0]);
        conn.Execute("SET standard_conforming_strings = on");
        var when = new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(when.UtcDateTime, conn.Execute(Sql.SQL("SELECT {}").Format(when)).FetchOne()!.Get<DateTimeOffset>(0).UtcDateTime);
        Assert.Equal(new[] { 1, 2 }, conn.Execute(Sql.SQL("SELECT {}").Format(Sql.Literal(new[] { 1, 2 }))).FetchOne()![0]);
    }

    [Fact]
    public async Task A_composable_passes_to_execute_execute_many_stream_copy_and_server_cursors()
    {
        await using var conn = await db.ConnectAsync();
        var table = Sql.Identifier("composed " + Guid.NewGuid().ToString("N")[..6]);
        conn.Execute(Sql.SQL("CREATE TEMP TABLE {} (id int, {} text)").Format(table, Sql.Identifier("the name")));
        using var cur = conn.Cursor();
        cur.ExecuteMany(Sql.SQL("INSERT INTO {} VALUES (%s, %s)").Format(table), [(1, "a"), (2, "b")]);
        Assert.Equal(2, cur.RowCount);
        await cur.ExecuteAsync(Sql.SQL("SELECT {col} FROM {t} WHERE id = {p}").Format(new { col = Sql.Identifier("the name"), t = table, p = Sql.Placeholder() }), [2]);
        Assert.Equal("b", cur.FetchOne()![0]);
        Assert.Equal([1, 2], cur.Stream(Sql.SQL("SELECT id FROM {} ORDER BY id").Format(table)).Select(r => (int)r[0]!));
        using (var copy = cur.Copy(Sql.SQL("COPY {} FROM STDIN").Format(table))) copy.WriteRow(3, "c");
        Assert.Equal(3L, conn.Execute(Sql.SQL("SELECT count(*) FROM {}").Format(table)).FetchOne()![0]);
        using var named = conn.Cursor("composed_cursor");
        named.Execute(Sql.SQL("SELECT id FROM {} WHERE id > %s ORDER BY id").Format(table), 1);
        Assert.Equal([2, 3], named.FetchAll().Select(r => (int)r[0]!));
        conn.Rollback();
    }

    [Fact]
    public void Random_unicode_identifiers_round_trip_through_create_table_and_select()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        using var conn = db.Connect(autocommit: true);
        for (var n = 0; n < 40; n++)
        {
            var name = RandomIdentifier(random);
            var column = RandomIdentifier(random);
            try
            {
                conn.Execute(Sql.SQL("CREATE TEMP TABLE {} ({} int)").Format(Sql.Identifier(name), Sql.Identifier(column)));
                conn.Execute(Sql.SQL("INSERT INTO {} ({}) VALUES (%s)").Format(Sql.Identifier(name), Sql.Identifier(column)), n);
                var row = conn.Execute(Sql.SQL("SELECT {col}, (SELECT relname FROM pg_class WHERE oid = {lit}::regclass) FROM {t}")
                    .Format(new { col = Sql.Identifier(column), lit = Sql.Literal(Sql.Identifier(name).AsString()), t = Sql.Identifier(name) })).FetchOne()!;
                Assert.Equal(n, row[0]);
                Assert.Equal(name, row[1]);
                Assert.Equal(column, conn.Execute("SELECT attname::text FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                    Sql.Identifier(name).AsString()).FetchOne()![0]);
                conn.Execute(Sql.SQL("DROP TABLE {}").Format(Sql.Identifier(name)));
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, case {n}: table {Escape(name)}, column {Escape(column)}: {e}");
            }
        }
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 128 && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:x4}"));

    /// <summary>1 to 20 characters (identifiers are truncated at 63 bytes): quotes, spaces, dots, keywords' letters, any BMP letter or symbol, emoji.</summary>
    private static string RandomIdentifier(Random random)
    {
        var sb = new StringBuilder();
        var length = random.Next(1, 15);
        while (sb.Length < length)
        {
            switch (random.Next(6))
            {
                case 0: sb.Append("\"'.; -$%(){}"[random.Next(12)]); break;
                case 1: sb.Append((char)random.Next('a', 'z' + 1)); break;
                case 2: sb.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1F64F))); break;
                default:
                    var c = (char)random.Next(0x00A0, 0xD7FF);
                    if (char.IsLetterOrDigit(c) || char.IsSymbol(c) || char.IsPunctuation(c)) sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
