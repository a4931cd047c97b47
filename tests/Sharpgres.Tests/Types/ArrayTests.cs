using System.Text;
using Sharpgres.Protocol;
using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;
using static Sharpgres.Tests.Types.ServerTwice;

namespace Sharpgres.Tests.Types;

/// <summary>Arrays both ways, in both formats, against the real server.</summary>
public class ArrayTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly string[] Awkward =
        ["plain", "a b", "q\"uote", "back\\slash", "comma,", "{brace}", "", "NULL", "null", "ünïcødé", "😀 astral", "tab\there",
         " lead", "trail ", "semi;colon", "new\nline", "(paren)", "'single'"];

    /// <summary>What our text writer produces for a parameter (to compare with the server's array_out).</summary>
    private static string OurText(Connection conn, object value)
    {
        using var buffer = new WriteBuffer();
        var stream = new MemoryStream();
        buffer.Stream = stream;
        conn.Types.ForParameter(value).WriteObject(buffer, value, PgFormat.Text, conn.ReadContext);
        buffer.FlushAsync(false, default).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Int_arrays_round_trip_in_both_formats()
    {
        using var conn = db.Connect();
        AssertBoth(new[] { 1, 2, 3 }, conn, "SELECT %s", new[] { 1, 2, 3 });
        AssertBoth(new[] { int.MinValue, 0, int.MaxValue }, conn, "SELECT %s", new[] { int.MinValue, 0, int.MaxValue });
        AssertBoth(new[] { long.MinValue, long.MaxValue }, conn, "SELECT %s", new[] { long.MinValue, long.MaxValue });
        AssertBoth(new short[] { -1, short.MaxValue }, conn, "SELECT %s", new short[] { -1, short.MaxValue });
        AssertBoth(new[] { 1.5, double.NaN, double.NegativeInfinity }, conn, "SELECT %s", new[] { 1.5, double.NaN, double.NegativeInfinity });
        AssertBoth(new[] { 2.5f }, conn, "SELECT %s", new[] { 2.5f });
        AssertBoth(new uint[] { 0, uint.MaxValue }, conn, "SELECT %s::oid[]", new uint[] { 0, uint.MaxValue });
    }

    [Fact]
    public void Parameters_get_the_array_type_of_their_elements()
    {
        using var conn = db.Connect();
        string TypeOf(object value) => conn.Execute("SELECT pg_typeof(%s)::text", value).FetchOne()!.Get<string>(0);
        Assert.Equal("integer[]", TypeOf(new[] { 1 }));
        Assert.Equal("bigint[]", TypeOf(new List<long> { 1 }));
        Assert.Equal("smallint[]", TypeOf(new short[] { 1 }));
        Assert.Equal("double precision[]", TypeOf(new[] { 1.0 }));
        Assert.Equal("text[]", TypeOf(new[] { "a" }));
        Assert.Equal("text[]", TypeOf(new List<string?> { null }));
        Assert.Equal("integer[]", TypeOf(Enumerable.Range(1, 3).Select(i => i * 2)));
        Assert.Equal("integer[]", TypeOf(new int?[] { null, 1 }));
        Assert.Equal("integer[]", TypeOf(new object[] { 1, 2 }));
        Assert.Equal("integer[]", TypeOf(new int[0]));
        Assert.Equal("integer[]", TypeOf(new[,] { { 1, 2 }, { 3, 4 } }));
    }

    [Fact]
    public void Default_types_follow_the_element_codec()
    {
        using var conn = db.Connect();
        foreach (var row in Rows(conn, "SELECT '{1,2}'::int[], '{1,NULL}'::int[], '{a,NULL}'::text[], '{{1,2},{3,4}}'::int8[], '{}'::int[], '{x}'::varchar[]", []))
        {
            Assert.IsType<int[]>(row[0]);
            Assert.Equal(new int?[] { 1, null }, Assert.IsType<int?[]>(row[1]));
            Assert.Equal(new[] { "a", null }, Assert.IsType<string[]>(row[2]));
            Assert.True(Same(new long[,] { { 1, 2 }, { 3, 4 } }, row[3]), Show(row[3]));
            Assert.Empty(Assert.IsType<int[]>(row[4]));
            Assert.Equal(["x"], Assert.IsType<string[]>(row[5]));
        }
    }

    [Fact]
    public void Typed_reads_build_lists_nullable_and_multidimensional_arrays()
    {
        using var conn = db.Connect();
        const string sql = "SELECT '{{1,2,3},{4,5,6}}'::int[], '{1,NULL,3}'::int[], '{7,8}'::int[]";
        foreach (var row in Rows(conn, sql, []))
        {
            Assert.True(Same(new[,] { { 1, 2, 3 }, { 4, 5, 6 } }, row.Get<int[,]>(0)));
            Assert.True(Same(new[] { new[] { 1, 2, 3 }, new[] { 4, 5, 6 } }, row.Get<int[][]>(0)));
            Assert.True(Same(new List<List<long>> { new() { 1, 2, 3 }, new() { 4, 5, 6 } }, row.Get<List<List<long>>>(0)));
            Assert.Equal(new int?[] { 1, null, 3 }, row.Get<int?[]>(1));
            Assert.Equal(new List<int?> { 1, null, 3 }, row.Get<List<int?>>(1));
            Assert.Equal(new object?[] { 1, null, 3 }, row.Get<object?[]>(1));
            Assert.Contains("NULL", Assert.Throws<InvalidCastException>(() => row.Get<int[]>(1)).Message);
            Assert.Equal(new[] { 7, 8 }, row.Get<int[]>(2));
            Assert.Equal(new List<int> { 7, 8 }, row.Get<List<int>>(2));
            Assert.Equal(new[] { 7, 8 }, row.Get<IList<int>>(2));
            Assert.Equal(new[] { 7L, 8L }, row.Get<IReadOnlyList<long>>(2));
            Assert.Equal(new[] { 7, 8 }, row.Get<IEnumerable<int>>(2));
            Assert.Equal(new[] { 7, 8 }, (int[])row.Get<Array>(2));
            Assert.Contains("2 dimensions", Assert.Throws<InvalidCastException>(() => row.Get<int[]>(0)).Message);
            Assert.Throws<InvalidCastException>(() => row.Get<int[,]>(2));
            Assert.Contains("as an array", Assert.Throws<InvalidCastException>(() => row.Get<string>(2)).Message);
        }
    }

    [Fact]
    public void Empty_arrays()
    {
        using var conn = db.Connect();
        AssertBoth(Array.Empty<int>(), conn, "SELECT %s", Array.Empty<int>());
        AssertBoth(Array.Empty<string>(), conn, "SELECT %s", new List<string>());
        AssertBoth(new int[0, 0], conn, "SELECT '{}'::int[]");
        AssertBoth(new List<int>(), conn, "SELECT '{}'::int[]");
        AssertBoth(0, conn, "SELECT cardinality(%s::int[])", new object[] { Array.Empty<object>() });
        Assert.Equal("{}", conn.Execute("SELECT %s::text", Array.Empty<int>()).FetchOne()![0]);
    }

    [Fact]
    public void Null_elements_both_ways()
    {
        using var conn = db.Connect();
        AssertBoth(new int?[] { 1, null, 3 }, conn, "SELECT %s", new int?[] { 1, null, 3 });
        AssertBoth(new string?[] { null, "NULL", "" }, conn, "SELECT %s", new object?[] { new[] { null, "NULL", "" } });
        AssertBoth(new object?[] { 1, null }, conn, "SELECT %s", new object?[] { new object?[] { 1, null } });
        // All-null elements of unknown type go as an untyped literal the server can type from context.
        AssertBoth(new int?[] { null, null }, conn, "SELECT %s::int[]", new object?[] { new object?[] { null, null } });
    }

    [Fact]
    public void Strings_with_syntax_characters_round_trip_and_match_the_servers_text()
    {
        using var conn = db.Connect();
        var values = Awkward.Append(null).ToArray();
        AssertBoth(values, conn, "SELECT %s", new object?[] { values });
        var serverText = conn.Execute("SELECT %s::text", new object?[] { values }).FetchOne()!.Get<string>(0);
        Assert.Equal(serverText, OurText(conn, values));
        // Our text literal, sent as text, means the same array to the server.
        AssertBoth(values, conn, "SELECT %t::text[]", new object?[] { values });
        foreach (var s in Awkward)
            AssertBoth(new[] { s }, conn, "SELECT ARRAY[%s::text]", s);
    }

    [Fact]
    public void Nul_characters_are_refused_before_sending()
    {
        using var conn = db.Connect();
        Assert.Throws<DataError>(() => conn.Execute("SELECT %s", new object?[] { new[] { "a\0b" } }));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Non_one_lower_bounds_read_zero_based()
    {
        using var conn = db.Connect();
        AssertBoth(new[] { 1, 2 }, conn, "SELECT '[2:3]={1,2}'::int[]");
        AssertBoth(new[,] { { 1, 2 }, { 3, 4 } }, conn, "SELECT '[0:1][-5:-4]={{1,2},{3,4}}'::int[]");
        AssertBoth(new[] { "x", "y" }, conn, "SELECT '[-1:0]={x,y}'::text[]");
        AssertBoth("[2:3]={1,2}", conn, "SELECT '[2:3]={1,2}'::int[]::text");
    }

    [Fact]
    public void Multidimensional_parameters()
    {
        using var conn = db.Connect();
        var grid = new[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        AssertBoth(grid, conn, "SELECT %s", grid);
        AssertBoth("[1:2][1:3]", conn, "SELECT array_dims(%s)", grid);
        AssertBoth(grid, conn, "SELECT %s", new object[] { new[] { new[] { 1, 2, 3 }, new[] { 4, 5, 6 } } });
        AssertBoth(grid, conn, "SELECT %s", new List<List<int>> { new() { 1, 2, 3 }, new() { 4, 5, 6 } });
        AssertBoth(grid, conn, "SELECT %s::int[]", new object[] { new object[] { new object[] { 1, 2, 3 }, new object[] { 4, 5, 6 } } });
        var cube = new long[2, 2, 2] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } };
        AssertBoth(cube, conn, "SELECT %s", cube);
        var words = new[,] { { "a b", null }, { "{", "\"" } };
        AssertBoth(words, conn, "SELECT %s", new object[] { words });
        Assert.Equal(conn.Execute("SELECT %s::text", new object[] { words }).FetchOne()![0], OurText(conn, words));
        Assert.Contains("matching dimensions", Assert.Throws<DataError>(() => conn.Execute("SELECT %s", new object[] { new[] { new[] { 1 }, new[] { 1, 2 } } })).Message);
    }

    [Fact]
    public void Mixed_element_types_are_a_DataError()
    {
        using var conn = db.Connect();
        Assert.Contains("mixed types", Assert.Throws<DataError>(() => conn.Execute("SELECT %s", new object[] { new object[] { 1, "a" } })).Message);
        Assert.Throws<DataError>(() => conn.Execute("SELECT %s", new object[] { new object[] { 1, 2L } }));
        Assert.Throws<DataError>(() => conn.Execute("SELECT %s", new object[] { new object[] { new[] { 1 }, 2 } }));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Types_without_a_codec_cannot_be_adapted_as_elements()
    {
        using var conn = db.Connect();
        var e = Assert.Throws<ProgrammingError>(() => conn.Execute("SELECT %s", new object[] { new[] { new Version(1, 2) } }));
        Assert.Contains("cannot adapt", e.Message);
    }

    [Fact]
    public void Table_columns_round_trip_in_both_formats()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TEMP TABLE arrays (id int, i int[], b bigint[], t text[], v varchar(10)[], grid int[][], f float8[])");
        var grid = new[,] { { 1, 2 }, { 3, 4 } };
        conn.Execute("INSERT INTO arrays VALUES (1, %s, %s, %s, %s, %s, %s)",
            new int?[] { 1, null }, new List<long> { long.MaxValue }, Awkward, new[] { "x", "y z" }, grid, new[] { 0.5 });
        conn.Execute("INSERT INTO arrays VALUES (2, %s, %s, %s, %s, %s, %s)",
            Array.Empty<int>(), new long[0], new string[0], new string[0], new int[0, 0], new double[0]);
        foreach (var row in Rows(conn, "SELECT i, b, t, v, grid, f FROM arrays WHERE id = 1", []))
        {
            Assert.Equal(new int?[] { 1, null }, row[0]);
            Assert.Equal(new[] { long.MaxValue }, row[1]);
            Assert.Equal(Awkward, row[2]);
            Assert.Equal(new[] { "x", "y z" }, row.Get<List<string>>(3));
            Assert.True(Same(grid, row[4]));
            Assert.Equal(new[] { 0.5 }, row[5]);
        }
        foreach (var row in Rows(conn, "SELECT i, b, t, v, grid, f FROM arrays WHERE id = 2", []))
            for (var i = 0; i < 6; i++) Assert.Empty((Array)row[i]!);
        conn.Execute("UPDATE arrays SET i = i || %s WHERE id = 1", new[] { 5, 6 });
        AssertBoth(new int?[] { 1, null, 5, 6 }, conn, "SELECT i FROM arrays WHERE id = 1");
        AssertBoth(1, conn, "SELECT count(*)::int FROM arrays WHERE 'q\"uote' = ANY(t) AND id = ANY(%s)", new List<int> { 1, 2 });
    }

    [Fact]
    public void Seeded_random_arrays_round_trip()
    {
        var seed = Environment.TickCount ^ Guid.NewGuid().GetHashCode();
        var rng = new Random(seed);
        using var conn = db.Connect();
        string[] tokens = ["a", "b", " ", "\"", "\\", "{", "}", ",", ";", "(", ")", "NULL", "\t", "😀", "é"];
        for (var n = 0; n < 40; n++)
        {
            var rank = rng.Next(1, 4);
            var lengths = Enumerable.Range(0, rank).Select(_ => rng.Next(1, 4)).ToArray();
            var ints = Array.CreateInstance(typeof(int?), lengths);
            var strings = Array.CreateInstance(typeof(string), lengths);
            var index = new int[rank];
            for (var k = 0; k < ints.Length; k++)
            {
                var rest = k;
                for (var d = rank - 1; d >= 0; d--) { index[d] = rest % lengths[d]; rest /= lengths[d]; }
                ints.SetValue(rng.Next(5) == 0 ? null : rng.Next(int.MinValue, int.MaxValue), index);
                strings.SetValue(rng.Next(5) == 0 ? null : string.Concat(Enumerable.Range(0, rng.Next(0, 4)).Select(_ => tokens[rng.Next(tokens.Length)])), index);
            }
            foreach (var value in new object[] { ints, strings })
            {
                foreach (var row in Rows(conn, "SELECT %s, %s::text", [value, value]))
                {
                    var read = (Array)row[0]!;
                    Assert.True(Same(value, ToNullable(read)), $"seed {seed}: {Show(value)} read back as {Show(read)} ({FormatOf(row, 0)})");
                    Assert.True(row.Get<string>(1) == OurText(conn, value), $"seed {seed}: server text {row.Get<string>(1)} vs ours {OurText(conn, value)}");
                }
            }
        }
    }

    /// <summary>An int[] (no NULLs came back) as int?[] of the same shape, to compare with the int?[] sent.</summary>
    private static Array ToNullable(Array a)
    {
        if (a.GetType().GetElementType() != typeof(int)) return a;
        var lengths = Enumerable.Range(0, a.Rank).Select(a.GetLength).ToArray();
        var result = Array.CreateInstance(typeof(int?), lengths);
        var source = a.Cast<int>().ToArray();
        var index = new int[a.Rank];
        for (var k = 0; k < source.Length; k++)
        {
            var rest = k;
            for (var d = a.Rank - 1; d >= 0; d--) { index[d] = rest % lengths[d]; rest /= lengths[d]; }
            result.SetValue(source[k], index);
        }
        return result;
    }

    [Fact]
    public void Arrays_of_types_without_a_codec_read_as_strings()
    {
        using var conn = db.Connect();
        foreach (var row in Rows(conn, "SELECT ARRAY['(1,2)'::point, NULL], ARRAY['(1,1),(0,0)'::box, '(3,3),(2,2)'::box], '(1,2)'::point", [], binary: conn.Types.ForOid(600) is { CanReadBinary: true }))
        {
            Assert.Equal(new[] { "(1,2)", null }, row.Get<string?[]>(0));
            Assert.Equal(new[] { "(1,1),(0,0)", "(3,3),(2,2)" }, row.Get<string[]>(1));
            Assert.Equal("(1,2)", row.Get<string>(2));
        }
    }

    [Fact]
    public void Description_names_array_types()
    {
        using var conn = db.Connect();
        var cur = conn.Execute("SELECT '{1}'::int[] AS a, '{x}'::text[] AS b");
        Assert.Equal("int4[]", cur.Description![0].TypeName);
        Assert.Equal(1007u, cur.Description[0].TypeCode);
        Assert.Equal("text[]", cur.Description[1].TypeName);
        Assert.Equal("([1], ['x'])", cur.FetchOne()!.ToString());
    }

    [Fact]
    public void Element_array_oid_table_matches_the_catalog()
    {
        using var conn = db.Connect();
        var catalog = conn.Execute("SELECT oid, typarray FROM pg_type WHERE typarray <> 0 AND oid < 10000 AND typtype IN ('b','r','m','p') AND typnamespace = 'pg_catalog'::regnamespace")
            .FetchAll().ToDictionary(r => r.Get<uint>(0), r => r.Get<uint>(1));
        foreach (var (element, array, name) in ContainerOids.Arrays)
            Assert.True(catalog.TryGetValue(element, out var expected) && expected == array, $"{name}: {element} → {array}");
        foreach (var (element, _) in catalog)
            Assert.True(ContainerOids.Arrays.Any(a => a.Element == element), $"element {element} missing from the table");
        foreach (var (range, subtype, multirange, name, _) in ContainerOids.Ranges)
        {
            var row = conn.Execute("SELECT rngsubtype, rngmultitypid FROM pg_range WHERE rngtypid = %s", range).FetchOne()!;
            Assert.Equal((subtype, multirange), (row.Get<uint>(0), row.Get<uint>(1)));
            Assert.Equal(name, conn.Execute("SELECT typname::text FROM pg_type WHERE oid = %s", range).FetchOne()![0]);
        }
    }

    [Fact]
    public void Arrays_of_each_scalar_type_round_trip()
    {
        using var conn = db.Connect();
        var cases = new (object Value, string PgType)[]
        {
            (new[] { true, false }, "boolean[]"),
            (new bool?[] { true, null }, "boolean[]"),
            (new[] { 1.5m, -0.001m, 79228162514264337593543950335m }, "numeric[]"),
            (new[] { Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), Guid.Empty }, "uuid[]"),
            (new[] { new DateOnly(2020, 2, 29), DateOnly.MaxValue, DateOnly.MinValue }, "date[]"),
            (new[] { new TimeOnly(23, 59, 59, 999, 999) }, "time without time zone[]"),
            (new[] { new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Unspecified) }, "timestamp without time zone[]"),
            (new[] { new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero) }, "timestamp with time zone[]"),
            (new[] { TimeSpan.FromHours(25.5), TimeSpan.Zero }, "interval[]"),
            (new[] { new byte[] { 0, 1, 255 }, [] }, "bytea[]"),
            (new[] { System.Net.IPAddress.Parse("192.168.0.1"), System.Net.IPAddress.IPv6Loopback }, "inet[]"),
        };
        foreach (var (value, pgType) in cases)
        {
            AssertBoth(pgType, conn, "SELECT pg_typeof(%s)::text", value);
            foreach (var row in Rows(conn, "SELECT %s", [value]))
                Assert.True(Same(value, row.Get<object>(0) is Array a && a.GetType() != value.GetType() ? ConvertTo(a, value.GetType()) : row[0]),
                    $"{pgType} in {FormatOf(row, 0)}: sent {Show(value)}, read {Show(row[0])}");
        }
        var json = System.Text.Json.JsonDocument.Parse("{\"a\": [1, \"x\"]}").RootElement;
        AssertBoth("jsonb[]", conn, "SELECT pg_typeof(%s)::text", new object[] { new[] { json } });
        AssertBoth(new[] { json }, conn, "SELECT %s", new object[] { new[] { json } });
    }

    /// <summary>A DateTimeOffset[] read in the session zone, etc.: compare as the type that was sent.</summary>
    private static Array ConvertTo(Array read, Type type)
    {
        var element = type.GetElementType()!;
        var result = Array.CreateInstance(element, read.Length);
        for (var i = 0; i < read.Length; i++) result.SetValue(read.GetValue(i) is { } v && element.IsInstanceOfType(v) ? v : Convert.ChangeType(read.GetValue(i), element), i);
        return result;
    }

    [Fact]
    public void Scalar_element_types_registered_anywhere_in_the_chain_work()
    {
        // Element codecs come from the registry at run time: these become active as the scalar codecs land.
        using var conn = db.Connect();
        var samples = new (uint Oid, string Sql)[]
        {
            (16, "SELECT '{t,f,NULL}'::bool[]"), (1700, "SELECT '{1.5,-2}'::numeric[]"), (1082, "SELECT '{2020-01-02,1999-12-31}'::date[]"),
            (2950, "SELECT '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'::uuid[]"), (17, "SELECT '{\"\\\\x0102\",NULL}'::bytea[]"),
            (3802, "SELECT ARRAY['{\"a\": [1, 2]}'::jsonb]"), (1186, "SELECT '{\"1 day\"}'::interval[]"), (1114, "SELECT '{\"2020-01-02 03:04:05\"}'::timestamp[]"),
        };
        foreach (var (oid, sql) in samples)
        {
            if (conn.Types.ForOid(oid) is not { } codec) continue;
            var rows = Rows(conn, sql, [], binary: codec.CanReadBinary);
            Assert.True(Same(rows[0][0], rows[1][0]), $"{sql}: text {Show(rows[0][0])} vs binary {Show(rows[1][0])}");
            Assert.Equal(codec.ClrType, rows[0][0]!.GetType().GetElementType() is { } e ? Nullable.GetUnderlyingType(e) ?? e : null);
            // And back: the value read is a parameter of the same array type.
            AssertBoth(rows[0][0], conn, "SELECT %s", rows[0][0]);
        }
    }
}
