using System.Text;
using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;

namespace Sharpgres.Tests;

/// <summary>cur.Copy: COPY FROM STDIN / TO STDOUT in text, binary and CSV, failures that load nothing.</summary>
public class CopyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly string[] Awkward =
    [
        "plain", "", "tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "quote ' and \"double\"",
        "trailing backslash \\", "Ünïcødé ñ 中文", "astral 😀 𝄞 🐘", "\\t not a tab", "semi;colon,comma", " spaced ",
    ];

    /// <summary>Table names are SQL text here, not parameters: a plain string, not an interpolated query.</summary>
    private static string S(string sql) => sql;

    private static object?[][] SampleRows() =>
        Awkward.Select((s, i) => new object?[] { i, (long)i * 10_000_000_000L, s, i * 0.25 })
            .Append([null, null, null, null])
            .Append([-1, long.MinValue, "last", double.NegativeInfinity])
            .ToArray();

    [Fact]
    public void Doubles_copied_as_text_reach_the_server_bit_for_bit()
    {
        // Text COPY writes short decimals from a scaled integer (ShortDecimal) and the rest with .NET's shortest
        // round-trip form: the server's own parser must read every one back as the same double.
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE text_doubles (n int, f float8)");
        var random = new Random(31);
        var values = Types.TextFormsTests.ShortDecimals().Concat(Enumerable.Range(0, 300).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())))
            .Where(double.IsFinite).ToArray();
        using (var copy = cur.Copy("COPY text_doubles (n, f) FROM STDIN"))
            for (var i = 0; i < values.Length; i++) copy.WriteRow(i, values[i]);
        cur.Execute("SELECT n, float8send(f) FROM text_doubles ORDER BY n");
        var rows = cur.FetchAll<(int, byte[])>();
        Assert.Equal(values.Length, rows.Count);
        foreach (var (n, bits) in rows)
            Assert.True(BitConverter.DoubleToInt64Bits(values[n]) == System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bits),
                $"{values[n]:R} came back as {System.Buffers.Binary.BinaryPrimitives.ReadDoubleBigEndian(bits):R}");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" WITH (FORMAT BINARY)")]
    public void Rows_round_trip_with_nulls_and_awkward_strings(string format)
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        var table = format == "" ? "rt_text" : "rt_binary";
        cur.Execute(S($"CREATE TEMP TABLE {table} (i int, b bigint, t text, f float8)"));
        var rows = SampleRows();
        using (var copy = cur.Copy($"COPY {table} (i, b, t, f) FROM STDIN{format}"))
        {
            Assert.Equal(format != "", copy.Binary);
            Assert.Equal(4, copy.ColumnCount);
            if (copy.Binary) copy.SetTypes("integer", "bigint", "text", "double precision");
            foreach (var row in rows) copy.WriteRow(row);
        }
        Assert.Equal(rows.Length, cur.RowCount);
        Assert.Equal($"COPY {rows.Length}", cur.StatusMessage);

        // What the server stored, read back with plain SELECTs.
        var stored = cur.Execute(S($"SELECT i, b, t, f FROM {table}")).FetchAll().Select(r => r.ToArray()).ToArray();
        Assert.Equal(rows, stored);

        // And back out through COPY TO STDOUT, decoded with the column types.
        using (var copy = cur.Copy($"COPY {table} TO STDOUT{format}"))
        {
            copy.SetTypes(Oids.Int4, Oids.Int8, Oids.Text, Oids.Float8);
            Assert.Equal(rows, copy.Rows().ToArray());
            Assert.Equal(rows.Length, copy.RowCount);
        }
        Assert.Equal(rows.Length, cur.RowCount);

        // Without SetTypes, text COPY reads strings (binary reads bytes).
        using (var copy = cur.Copy($"COPY (SELECT t, i FROM {table} WHERE i = 2) TO STDOUT{format}"))
        {
            var only = Assert.Single(copy.Rows());
            if (copy.Binary) Assert.Equal(Encoding.UTF8.GetBytes("tab\there"), only[0]);
            else Assert.Equal(["tab\there", "2"], only);
        }
    }

    [Fact]
    public void A_text_column_whose_values_change_type_row_to_row_writes_each_with_its_own_codec()
    {
        // Codecs are remembered per column while the value type repeats: a change of type must change the codec.
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE mixed_text (t text, n numeric)");
        object?[][] rows =
        [
            [1, 1], ["tab\there", 2L], [2.5, 2.5m], [new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), (short)7], [null, null],
            [true, 1.25f], ["line\nbreak", 3],
        ];
        using (var copy = cur.Copy("COPY mixed_text (t, n) FROM STDIN"))
            foreach (var row in rows) copy.WriteRow(row);
        var stored = cur.Execute("SELECT t, n::text FROM mixed_text").FetchAll().Select(r => r.ToArray()).ToArray();
        object?[][] expected =
        [
            ["1", "1"], ["tab\there", "2"], ["2.5", "2.5"], ["2020-01-02 03:04:05.000000+00", "7"], [null, null],
            ["t", "1.25"], ["line\nbreak", "3"],
        ];
        Assert.Equal(expected, stored);
    }

    [Fact]
    public void Binary_copy_writes_an_int_into_a_bigint_column_with_set_types()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE widen (b bigint, s smallint, r real, j json)");
        cur.Copy("COPY widen FROM STDIN (FORMAT BINARY)", copy =>
        {
            // Each column's .NET type changes from row to row: converted, then as it is, then converted again
            // (what a column needs is remembered per type, so a change of type must be noticed).
            copy.SetTypes("int8", "int2", "float4", "json");
            copy.WriteRow(7, 3, 1.5, new Dictionary<string, object> { ["a"] = 1 });
            copy.WriteRow(int.MaxValue, (short)-2, 2, new Json(new[] { 1, 2 }));
            copy.WriteRow(8L, 4, 2.5f, new Dictionary<string, object> { ["b"] = 2 });
        });
        Assert.Equal(3, cur.RowCount);
        var rows = cur.Execute("SELECT b, s, r, j::text FROM widen ORDER BY b").FetchAll();
        Assert.Equal("(7, 3, 1.5, '{\"a\":1}')", rows[0].ToString());
        Assert.Equal("(8, 4, 2.5, '{\"b\":2}')", rows[1].ToString());
        Assert.Equal((long)int.MaxValue, rows[2][0]);
        Assert.Equal("[1,2]", rows[2][3]);
        Assert.Throws<ProgrammingError>(() => cur.Copy("COPY widen FROM STDIN (FORMAT BINARY)", c => c.SetTypes("no_such_type", "int2", "float4", "json")));
        Assert.Equal(3L, cur.Execute("SELECT count(*) FROM widen").FetchOne()![0]);
    }

    /// <summary>Every type the registry has a codec for, both formats, both directions.</summary>
    [Theory]
    [InlineData("")]
    [InlineData(" (FORMAT BINARY)")]
    public void Every_registered_type_round_trips(string format)
    {
        (string Type, string Literal)[] candidates =
        [
            ("bool", "true"), ("bytea", @"'\x00ff10'"), ("int2", "'-32768'"), ("int4", "2147483647"), ("int8", "'-9223372036854775808'"),
            ("oid", "4000000000"), ("float4", "1.5"), ("float8", "'-2.5e-300'"), ("numeric", "'12345678901234567890.0123'"),
            ("text", "E'a\\tb\\\\c'"), ("varchar", "'vc'"), ("bpchar", "'ch'"), ("name", "'nm'"), ("date", "'2024-02-29'"),
            ("time", "'13:14:15.123456'"), ("timestamp", "'2001-02-03 04:05:06.789'"), ("timestamptz", "'2001-02-03 04:05:06.789+02'"),
            ("interval", "'3 days 04:05:06.789'"), ("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
            ("json", "'{\"a\":[1,2]}'"), ("jsonb", "'{\"a\": [1, 2]}'"), ("inet", "'192.168.0.1'"), ("int4[]", "'{1,NULL,3}'"),
        ];
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        var tested = new List<string>();
        foreach (var (type, literal) in candidates)
        {
            var oid = cur.Execute(S($"SELECT '{type}'::regtype::oid")).FetchOne()!.Get<uint>(0);
            if (conn.Types.ForOid(oid) is not { } codec || (format != "" && !codec.CanReadBinary)) continue;
            var table = "every_" + type.Replace("[]", "_array");
            cur.Execute(S($"CREATE TEMP TABLE {table} (v {type}, n {type})"));
            object? value;
            using (var copy = cur.Copy($"COPY (SELECT {literal}::{type}, NULL::{type}) TO STDOUT{format}"))
            {
                copy.SetTypes(oid, oid);
                var row = Assert.Single(copy.Rows());
                Assert.Null(row[1]);
                value = row[0];
            }
            Assert.NotNull(value);
            cur.Copy($"COPY {table} FROM STDIN{format}", copy =>
            {
                copy.SetTypes(oid, oid);
                copy.WriteRow(value, null);
            });
            var same = cur.Execute(S($"SELECT (v::text = ({literal}::{type})::text AND n IS NULL)::int FROM {table}")).FetchOne()!.Get<int>(0);
            Assert.True(same == 1, $"{type}: {value} did not round trip");
            tested.Add(type);
        }
        Assert.Contains("int4", tested);
        Assert.Contains("int8", tested);
        Assert.Contains("text", tested);
        Assert.Contains("float8", tested);
    }

    [Fact]
    public void A_csv_file_round_trips_through_copy_from_and_copy_to_streams()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE csv_people (id int, name text, note text)");
        // PostgreSQL's own CSV spelling: quotes only where needed, "" for an empty string, nothing for NULL.
        var csv = "id,name,note\n" +
                  "1,Jane Lee,\"has, comma\"\n" +
                  "2,\"quote \"\" inside\",\"multi\nline\"\n" +
                  "3,\"\",\n" +
                  "4,Zoë 😀,\\backslash\\\n";
        var input = Path.GetTempFileName();
        var output = Path.GetTempFileName();
        try
        {
            File.WriteAllText(input, csv, new UTF8Encoding(false));
            using (var file = File.OpenRead(input))
            using (var copy = cur.Copy("COPY csv_people FROM STDIN (FORMAT csv, HEADER true)"))
                copy.CopyFrom(file);
            Assert.Equal(4, cur.RowCount);
            Assert.Null(cur.Execute("SELECT note FROM csv_people WHERE id = 3").FetchOne()![0]);
            Assert.Equal("", cur.Execute("SELECT name FROM csv_people WHERE id = 3").FetchOne()![0]);
            Assert.Equal("multi\nline", cur.Execute("SELECT note FROM csv_people WHERE id = 2").FetchOne()![0]);

            using (var file = File.Create(output))
            using (var copy = cur.Copy("COPY (SELECT * FROM csv_people ORDER BY id) TO STDOUT (FORMAT csv, HEADER true)"))
                copy.CopyTo(file);
            Assert.Equal(csv, File.ReadAllText(output, Encoding.UTF8));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public void An_exception_thrown_in_a_using_block_sends_copy_fail_and_a_block_inside_a_catch_still_loads()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TABLE using_copy (x int)");
        void LoadThenBreak()
        {
            using var copy = cur.Copy("COPY using_copy FROM STDIN");
            for (var i = 0; i < 5000; i++) copy.WriteRow(i);
            throw new InvalidOperationException("the source broke");
        }
        var e = Assert.Throws<InvalidOperationException>(LoadThenBreak);
        Assert.Equal("the source broke", e.Message);
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM using_copy").FetchOne()![0]);

        // Inside a catch (another exception is being handled) a block that ends normally still loads its rows.
        try
        {
            throw new TimeoutException("earlier trouble");
        }
        catch (TimeoutException)
        {
            using var copy = cur.Copy("COPY using_copy FROM STDIN");
            for (var i = 0; i < 10; i++) copy.WriteRow(i);
        }
        Assert.Equal(10L, cur.Execute("SELECT count(*) FROM using_copy").FetchOne()![0]);

        // ... and one that throws there is abandoned.
        try
        {
            throw new TimeoutException("earlier trouble");
        }
        catch (TimeoutException)
        {
            void BadRow()
            {
                using var copy = cur.Copy("COPY using_copy FROM STDIN");
                copy.WriteRow(99);
                throw new ArgumentException("bad row");
            }
            Assert.Throws<ArgumentException>(BadRow);
        }
        Assert.Equal(10L, cur.Execute("SELECT count(*) FROM using_copy").FetchOne()![0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_exception_in_the_copy_block_loads_nothing_and_the_connection_stays_usable(bool autocommit)
    {
        using var conn = db.Connect(autocommit);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TABLE IF NOT EXISTS nothing_loaded (x int)");
        if (!autocommit) conn.Commit();
        var e = Assert.Throws<InvalidOperationException>(() => cur.Copy("COPY nothing_loaded FROM STDIN", copy =>
        {
            for (var i = 0; i < 5000; i++) copy.WriteRow(i);
            throw new InvalidOperationException("the source broke");
        }));
        Assert.Equal("the source broke", e.Message);
        Assert.False(conn.Closed);
        if (!autocommit)
        {
            // As any failed statement, the failed COPY aborted the transaction it was in.
            Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
            conn.Rollback();
        }
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM nothing_loaded").FetchOne()![0]);

        // Fail() by hand, with the using form.
        using (var copy = cur.Copy("COPY nothing_loaded FROM STDIN"))
        {
            copy.WriteRow(1);
            copy.Fail("changed my mind");
            Assert.True(copy.Finished);
        }
        if (!autocommit) conn.Rollback();
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM nothing_loaded").FetchOne()![0]);
        cur.Execute("DROP TABLE nothing_loaded");
        if (!autocommit) conn.Commit();
    }

    [Fact]
    public void Bad_data_on_row_three_reports_the_servers_error_and_loads_nothing()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE strict_ints (a int, b text)");
        var e = Assert.Throws<InvalidTextRepresentation>(() => cur.Copy("COPY strict_ints FROM STDIN", copy =>
        {
            copy.WriteRow(1, "one");
            copy.WriteRow(2, "two");
            copy.WriteRow("three", "3");
            copy.WriteRow(4, "four");
        }));
        Assert.Equal("22P02", e.SqlState);
        Assert.IsAssignableFrom<DataError>(e);
        Assert.Contains("COPY strict_ints, line 3", e.Diagnostics!.Context);
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM strict_ints").FetchOne()![0]);

        var bad = Assert.Throws<BadCopyFileFormat>(() =>
        {
            using var copy = cur.Copy("COPY strict_ints FROM STDIN (FORMAT BINARY)");
            copy.Write("this is not PGCOPY data"u8);
        });
        Assert.Equal("22P04", bad.SqlState);
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM strict_ints").FetchOne()![0]);
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Many_rows_in_bounded_messages_then_typed_rows_out()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE bulk (id int, label text)");
        const int n = 200_000;
        using (var copy = cur.Copy("COPY bulk FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < n; i++) copy.WriteRow(i, "label " + i);
        }
        Assert.Equal(n, cur.RowCount);
        long sum = 0, count = 0;
        using (var copy = cur.Copy("COPY bulk TO STDOUT (FORMAT BINARY)"))
        {
            copy.SetTypes("int4", "text");
            foreach (var (id, label) in copy.Rows<(int, string)>())
            {
                sum += id;
                count++;
                if (id == 12345) Assert.Equal("label 12345", label);
            }
        }
        Assert.Equal(n, count);
        Assert.Equal((long)n * (n - 1) / 2, sum);
        using (var copy = cur.Copy("COPY (SELECT id FROM bulk WHERE id < %s ORDER BY id) TO STDOUT", 3))
            Assert.Equal([0, 1, 2], copy.Rows<int>().ToArray());
        conn.Rollback();
    }

    [Fact]
    public void Leaving_a_copy_to_stdout_early_keeps_the_connection()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        using (var copy = cur.Copy("COPY (SELECT g FROM generate_series(1, 5000000) g) TO STDOUT"))
        {
            Assert.Equal("1\n", Encoding.ASCII.GetString(copy.Read().Span));
            Assert.Equal(["2"], copy.ReadRow());
        }
        Assert.Equal(5, cur.Execute("SELECT 5").FetchOne()![0]);
        Assert.Throws<ProgrammingError>(() => cur.Execute("COPY (SELECT 1) TO STDOUT"));
        Assert.Throws<ProgrammingError>(() => cur.Copy("SELECT 1"));
        Assert.Equal(6, cur.Execute("SELECT 6").FetchOne()![0]);
    }

    [Fact]
    public async Task Async_copy_in_and_out()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var cur = conn.Cursor();
        await cur.ExecuteAsync("CREATE TEMP TABLE async_copy (a int, b text)");
        await cur.CopyAsync("COPY async_copy FROM STDIN", async copy =>
        {
            for (var i = 0; i < 1000; i++) await copy.WriteRowAsync([i, $"row\t{i}"]);
            await copy.WriteAsync("1000\traw line\n");
        });
        Assert.Equal(1001, cur.RowCount);
        await Assert.ThrowsAsync<ArgumentException>(() => cur.CopyAsync("COPY async_copy FROM STDIN", async copy =>
        {
            await copy.WriteRowAsync([1, "x"]);
            throw new ArgumentException("nope");
        }));
        var rows = new List<object?[]>();
        await using (var copy = await cur.CopyAsync("COPY (SELECT * FROM async_copy WHERE a IN (%s, %s) ORDER BY a) TO STDOUT", [7, 1000]))
        {
            await foreach (var row in copy.RowsAsync()) rows.Add(row);
        }
        Assert.Equal([["7", "row\t7"], ["1000", "raw line"]], rows);
        var output = new MemoryStream();
        await using (var copy = await cur.CopyAsync("COPY (SELECT count(*) FROM async_copy) TO STDOUT"))
            await copy.CopyToAsync(output);
        Assert.Equal("1001\n", Encoding.ASCII.GetString(output.ToArray()));
    }

    [Fact]
    public void Binary_copy_output_piped_into_binary_copy_input()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE pipe_src (a int, b text, c float8)");
        cur.Execute("INSERT INTO pipe_src SELECT g, 'v' || g, g / 3.0 FROM generate_series(1, 50000) g");
        cur.Execute("INSERT INTO pipe_src VALUES (NULL, NULL, NULL)");
        cur.Execute("CREATE TEMP TABLE pipe_dst (LIKE pipe_src)");
        var buffer = new MemoryStream();
        using (var copy = cur.Copy("COPY pipe_src TO STDOUT (FORMAT BINARY)")) copy.CopyTo(buffer);
        buffer.Position = 0;
        using (var copy = cur.Copy("COPY pipe_dst FROM STDIN (FORMAT BINARY)")) copy.CopyFrom(buffer);
        Assert.Equal(50001, cur.RowCount);
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM (SELECT * FROM pipe_src EXCEPT ALL SELECT * FROM pipe_dst) d").FetchOne()![0]);
    }

    [Fact]
    public void A_server_talking_during_copy_in_is_heard_notices_and_early_errors()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE chatty (a int, b text)");
        cur.Execute("""
            CREATE FUNCTION pg_temp.chatty_notice() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE NOTICE 'row % arrived with a notice long enough to fill the socket buffers quickly %', NEW.a, repeat('x', 2000); RETURN NEW; END $$
            """);
        cur.Execute("CREATE TRIGGER chatty_notice BEFORE INSERT ON chatty FOR EACH ROW EXECUTE FUNCTION pg_temp.chatty_notice()");
        var notices = 0;
        conn.Notice += (_, _) => Interlocked.Increment(ref notices);
        // Megabytes of notices while we only send: read as they come, neither side ends up blocked.
        const int n = 50_000;
        cur.Copy("COPY chatty FROM STDIN", copy =>
        {
            for (var i = 0; i < n; i++) copy.WriteRow(i, "some text to send");
        });
        Assert.Equal(n, cur.RowCount);
        Assert.Equal(n, notices);

        // Bad data early in a long COPY: the server's error, nothing loaded, the connection usable.
        cur.Execute("TRUNCATE chatty");
        var e = Assert.Throws<InvalidTextRepresentation>(() => cur.Copy("COPY chatty (a) FROM STDIN", copy =>
        {
            for (var i = 0; i < 2_000_000; i++) copy.WriteRow(i == 2 ? "not a number" : i.ToString());
        }));
        Assert.Contains("line 3", e.Diagnostics!.Context);
        Assert.Equal(0L, cur.Execute("SELECT count(*) FROM chatty").FetchOne()![0]);
    }
    [Fact]
    public async Task A_token_ends_a_copy_in_whose_server_stalled_half_way_through_a_TLS_record()
    {
        // Between sends the COPY reads what the server said (here a notice per row). Over TLS the bytes it sees may be
        // half a record whose rest never comes; that read takes the write's token, so the call ends when it fires
        // (it waited for the rest of the record, token or not). The session may have taken part of the record: broken.
        using var tap = new WireTap(db.ConnString, tls: true);
        await using var conn = await Pg.ConnectAsync(tap.ConnString, autocommit: true);
        Assert.True(conn.Info.IsSecure);
        await using var cur = conn.Cursor();
        await cur.ExecuteAsync("CREATE TEMP TABLE stalled_copy (a int, b text)");
        await cur.ExecuteAsync("""
            CREATE FUNCTION pg_temp.stalled_notice() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE NOTICE 'row %', NEW.a; RETURN NEW; END $$
            """);
        await cur.ExecuteAsync("CREATE TRIGGER stalled_notice BEFORE INSERT ON stalled_copy FOR EACH ROW EXECUTE FUNCTION pg_temp.stalled_notice()");
        var copy = await cur.CopyAsync("COPY stalled_copy FROM STDIN");
        tap.StallNextReplyAfter = 10;   // the first notice's record: its 5-byte header and 5 bytes of its body
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Scenario.RunAsync("a copy-in over TLS whose server stalls half way through a record, with a token", TimeSpan.FromSeconds(10), async () =>
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                for (var i = 0; i < 10_000_000; i++) await copy.WriteRowAsync([i, "some text to send"], cts.Token);
            }));
        Assert.True(conn.Broken);
        await copy.DisposeAsync();
    }
}
