using System.Collections;
using System.Net;
using System.Net.NetworkInformation;
using System.Numerics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Results;
using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;

namespace Sharpgres.Tests.Types;

/// <summary>
/// Every codec through a real server: <c>SELECT %s::type</c> with the parameter sent as the codec chooses (%s),
/// as text (%t) and as binary (%b); each query runs twice on one connection, so the first result comes back in
/// text and the second in binary. Then <c>SELECT %s::type::text</c> is compared with our own rendering.
/// </summary>
public class TypeRoundTripTests
{
    private static Connection Connect()
    {
        var conn = Pg.Connect(Db.ConnString(), autocommit: true);
        conn.Execute("SET TIME ZONE 'UTC'");
        return conn;
    }

    private static int _queries;

    private static readonly FieldInfo CurrentResult =
        typeof(Cursor<Row>).GetField("_current", BindingFlags.NonPublic | BindingFlags.Instance)!;

    private static PgFormat ResultFormat(Cursor cursor) =>
        (PgFormat)((ResultSet)CurrentResult.GetValue(cursor)!).Description!.Fields[0].FormatCode;

    /// <summary>
    /// Sends <paramref name="value"/> three ways, reads it back as <typeparamref name="T"/> from text then binary
    /// results, and checks the server's text of it when <paramref name="serverText"/> is given.
    /// </summary>
    private static void RoundTrip<T>(Connection conn, object value, string pgType, T expected, string? serverText,
        Func<T, T, bool>? equal = null, bool binaryResults = true)
    {
        equal ??= (a, b) => EqualityComparer<T>.Default.Equals(a, b);
        foreach (var (placeholder, alias) in new[] { ("%s", "s"), ("%t", "t"), ("%b", "b") })
        {
            // A query text of its own, so its first execution is the one that gets text results.
            var sql = $"SELECT {placeholder}::{pgType} AS via_{alias}_{Interlocked.Increment(ref _queries)}";
            for (var run = 0; run < 2; run++)
            {
                using var cur = conn.Cursor();
                cur.Execute(sql, value);
                var format = ResultFormat(cur);
                Assert.Equal(run == 1 && binaryResults ? PgFormat.Binary : PgFormat.Text, format);
                var got = cur.FetchOne()!.Get<T>(0);
                Assert.True(equal(expected, got), $"{pgType} via {placeholder}, {format} results: expected {Show(expected)}, got {Show(got)}");
            }
        }
        if (serverText is not null)
            Assert.Equal(serverText, conn.Execute($"SELECT %s::{pgType}::text", value).FetchOne()!.Get<string>(0));
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] b => $"{b.Length} bytes",
        string s when s.Length > 100 => $"string of {s.Length} chars",
        DateTimeOffset d => d.ToString("O"),
        DateTime d => d.ToString("O") + " " + d.Kind,
        _ => value.ToString() ?? "",
    };

    /// <summary>Our text rendering of a parameter (what %t sends).</summary>
    private static string Ours(object value) => Kit.Str(Kit.WriteParameter(value, PgFormat.Text));

    [Fact]
    public void Bool()
    {
        using var conn = Connect();
        RoundTrip(conn, true, "bool", true, "true");
        RoundTrip(conn, false, "bool", false, "false");
    }

    [Fact]
    public void Floats()
    {
        using var conn = Connect();
        // Server texts with extra_float_digits=3, as in FloatCodecTests.
        foreach (var (value, text) in new[] { (1.1, "1.1"), (double.NaN, "NaN"), (double.PositiveInfinity, "Infinity"),
                     (double.NegativeInfinity, "-Infinity"), (-0.0, "-0"), (1e308, "1e+308"), (5e-324, "5e-324"), (0.1, "0.1") })
            RoundTrip(conn, value, "float8", value, text, (a, b) => a.Equals(b) && (double.IsNaN(a) || double.IsNegative(a) == double.IsNegative(b)));
        foreach (var (value, text) in new[] { (1.1f, "1.1"), (float.NaN, "NaN"), (float.MaxValue, "3.4028235e+38"), (1e-45f, "1e-45") })
            RoundTrip(conn, value, "float4", value, text, (a, b) => a.Equals(b));
    }

    [Fact]
    public void Numeric()
    {
        using var conn = Connect();
        foreach (var value in new[] { 0m, 1.50m, -0.001m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m, 12345.6789m })
            RoundTrip(conn, value, "numeric", value, Ours(value), (a, b) => a == b && a.Scale == b.Scale);
        foreach (var text in new[] { "NaN", "Infinity", "-Infinity", "123456789012345678901234567890123456789.000000000000000000000000000000000001", "1.000" })
        {
            var value = PgNumeric.Parse(text);
            RoundTrip(conn, value, "numeric", value, text, (a, b) => a.ToString() == b.ToString());
        }
        var big = BigInteger.Pow(10, 60) + 7;
        RoundTrip(conn, big, "numeric", big, big.ToString());
        Assert.Throws<DataError>(() => conn.Execute("SELECT 'NaN'::numeric").FetchOne()!.Get<decimal>(0));
        Assert.IsType<decimal>(conn.Execute("SELECT 1.5::numeric").FetchOne()![0]);
    }

    [Fact]
    public void Bytea()
    {
        using var conn = Connect();
        var seed = Kit.NewSeed();
        var big = new byte[1024 * 1024];
        new Random(seed).NextBytes(big);
        foreach (var value in new[] { Array.Empty<byte>(), new byte[] { 0, 0xff, 0x5c, 0x27 }, big })
            RoundTrip(conn, value, "bytea", value, value.Length < 100 ? Ours(value) : null, (a, b) => a.AsSpan().SequenceEqual(b));
        var memory = new ReadOnlyMemory<byte>([1, 2, 3]);
        RoundTrip(conn, memory, "bytea", new byte[] { 1, 2, 3 }, "\\x010203", (a, b) => a.AsSpan().SequenceEqual(b));
    }

    [Fact]
    public void Uuid()
    {
        using var conn = Connect();
        var guid = Guid.NewGuid();
        RoundTrip(conn, guid, "uuid", guid, guid.ToString());
        RoundTrip(conn, Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), "uuid", Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"),
            "00112233-4455-6677-8899-aabbccddeeff");
    }

    [Fact]
    public void Dates()
    {
        using var conn = Connect();
        RoundTrip(conn, new DateOnly(2042, 7, 1), "date", new DateOnly(2042, 7, 1), "2042-07-01");
        RoundTrip(conn, new DateOnly(1, 1, 2), "date", new DateOnly(1, 1, 2), "0001-01-02");
        RoundTrip(conn, DateOnly.MaxValue, "date", DateOnly.MaxValue, "infinity");
        RoundTrip(conn, DateOnly.MinValue, "date", DateOnly.MinValue, "-infinity");
        RoundTrip(conn, new DateOnly(2042, 7, 1), "date", new DateTime(2042, 7, 1), null);
        for (var run = 0; run < 2; run++)
        {
            var e = Assert.Throws<DataError>(() => conn.Execute("SELECT '0044-03-15 BC'::date").FetchOne()!.Get<DateOnly>(0));
            Assert.Contains("0044-03-15 BC", e.Message);
        }
    }

    [Fact]
    public void Times()
    {
        using var conn = Connect();
        RoundTrip(conn, new TimeOnly(12, 34, 56, 789), "time", new TimeOnly(12, 34, 56, 789), "12:34:56.789");
        RoundTrip(conn, TimeOnly.MinValue, "time", TimeOnly.MinValue, "00:00:00");
        RoundTrip(conn, TimeOnly.MaxValue, "time", TimeOnly.MaxValue, "24:00:00");
        RoundTrip(conn, TimeOnly.MaxValue, "time", TimeSpan.FromDays(1), null);
        // A DateTimeOffset goes as timestamptz; cast to timetz in the session zone (UTC here). The date part is 0001-01-02.
        var instant = new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2));
        RoundTrip(conn, instant, "timetz", new DateTimeOffset(1, 1, 2, 12, 0, 0, TimeSpan.Zero), "12:00:00+00",
            (a, b) => a == b && a.Offset == b.Offset);
        for (var run = 0; run < 2; run++)
        {
            var value = conn.Execute("SELECT '12:34:56.789+05:30'::timetz").FetchOne()!.Get<DateTimeOffset>(0);
            Assert.Equal(new DateTimeOffset(1, 1, 2, 12, 34, 56, 789, TimeSpan.FromMinutes(330)), value);
            Assert.Equal(TimeSpan.FromMinutes(330), value.Offset);
        }
    }

    [Fact]
    public void Timestamps()
    {
        using var conn = Connect();
        var unspecified = new DateTime(2042, 7, 1, 12, 0, 0, 500);
        RoundTrip(conn, unspecified, "timestamp", unspecified, "2042-07-01 12:00:00.5", (a, b) => a == b && b.Kind == DateTimeKind.Unspecified);
        // Local is sent as its wall-clock value, not converted.
        var local = new DateTime(2042, 7, 1, 12, 0, 0, DateTimeKind.Local);
        RoundTrip(conn, local, "timestamp", new DateTime(2042, 7, 1, 12, 0, 0), "2042-07-01 12:00:00");
        RoundTrip(conn, DateTime.MaxValue, "timestamp", DateTime.MaxValue, "infinity");
        RoundTrip(conn, DateTime.MinValue, "timestamp", DateTime.MinValue, "-infinity");
        var microseconds = new DateTime(1999, 12, 31, 23, 59, 59).AddTicks(9_999_990);
        RoundTrip(conn, microseconds, "timestamp", microseconds, "1999-12-31 23:59:59.999999");
    }

    [Fact]
    public void Timestamptz_in_the_session_time_zone()
    {
        using var conn = Connect();
        var utc = new DateTime(2042, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        RoundTrip(conn, utc, "timestamptz", utc, "2042-07-01 12:00:00+00", (a, b) => a == b && b.Kind == DateTimeKind.Utc);
        var offset = new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2));
        RoundTrip(conn, offset, "timestamptz", offset, "2042-07-01 12:00:00+00", (a, b) => a == b && b.Offset == TimeSpan.Zero);
        RoundTrip(conn, DateTimeOffset.MaxValue, "timestamptz", DateTimeOffset.MaxValue, "infinity");
        RoundTrip(conn, DateTimeOffset.MinValue, "timestamptz", DateTimeOffset.MinValue, "-infinity");

        conn.Execute("SET TIME ZONE 'Europe/Rome'");
        RoundTrip(conn, utc, "timestamptz", new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2)), "2042-07-01 14:00:00+02",
            (a, b) => a == b && a.Offset == b.Offset);
        RoundTrip(conn, utc, "timestamptz", utc, null, (a, b) => a == b && b.Kind == DateTimeKind.Utc);
        for (var run = 0; run < 2; run++)
        {
            var row = conn.Execute("SELECT '2042-07-01 12:00Z'::timestamptz, '2042-01-01 12:00Z'::timestamptz").FetchOne()!;
            Assert.Equal(new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2)), row[0]);
            Assert.Equal(TimeSpan.FromHours(2), ((DateTimeOffset)row[0]!).Offset);
            Assert.Equal(TimeSpan.FromHours(1), ((DateTimeOffset)row[1]!).Offset);
        }
        conn.Execute("SET TIME ZONE 'Asia/Kolkata'");
        RoundTrip(conn, utc, "timestamptz", new DateTimeOffset(2042, 7, 1, 17, 30, 0, TimeSpan.FromMinutes(330)), "2042-07-01 17:30:00+05:30",
            (a, b) => a == b && a.Offset == b.Offset);
    }

    [Fact]
    public void Intervals()
    {
        using var conn = Connect();
        var span = new TimeSpan(40, 1, 2, 3, 456);
        RoundTrip(conn, span, "interval", span, "40 days 01:02:03.456");
        RoundTrip(conn, TimeSpan.FromHours(-25), "interval", TimeSpan.FromHours(-25), "-1 days -01:00:00");
        RoundTrip(conn, TimeSpan.Zero, "interval", TimeSpan.Zero, "00:00:00");
        foreach (var interval in new[] { new PgInterval(14, -3, 14_706_789_000), new PgInterval(-14, 3, -14_706_000_000),
                     new PgInterval(int.MaxValue, int.MinValue, long.MaxValue), new PgInterval(-5, -3, long.MinValue), new PgInterval(1, 0, 0) })
            RoundTrip(conn, interval, "interval", interval, interval.ToString());
        RoundTrip(conn, new PgInterval(1, 2, 3), "interval", TimeSpan.FromDays(32) + TimeSpan.FromTicks(30), null);
    }

    private sealed record Order(string Item, int Quantity, string[] Tags);

    [Fact]
    public void Json_and_jsonb()
    {
        using var conn = Connect();
        var order = new Order("book 📚", 2, ["a", "b"]);
        foreach (var type in new[] { "json", "jsonb" })
        {
            object wrapper = type == "json" ? new Json(order) : new Jsonb(order);
            RoundTrip(conn, wrapper, type, order, null, (a, b) => a.Item == b.Item && a.Quantity == b.Quantity && a.Tags.SequenceEqual(b.Tags));
        }
        // json keeps the text as sent (System.Text.Json \u-escapes astral characters, not the rest); jsonb normalizes it.
        Assert.Equal("{\"Item\":\"book \\uD83D\\uDCDA\",\"Quantity\":2,\"Tags\":[\"a\",\"b\"]}",
            conn.Execute("SELECT %s::json::text", new Json(order)).FetchOne()!.Get<string>(0));
        Assert.Equal("{\"s\":\"é <&> '+\"}", conn.Execute("SELECT %s::json::text", new Json(new { s = "é <&> '+" })).FetchOne()!.Get<string>(0));
        Assert.Equal("{\"Item\": \"book 📚\", \"Tags\": [\"a\", \"b\"], \"Quantity\": 2}",
            conn.Execute("SELECT %s::jsonb::text", new Jsonb(order)).FetchOne()!.Get<string>(0));
        var node = JsonNode.Parse("{\"k\": [1, 2.5, null, true, \"x\"]}")!;
        using var doc = JsonDocument.Parse("{\"k\": [1, 2.5, null, true, \"x\"]}");
        foreach (var value in new object[] { node, doc, doc.RootElement })
            RoundTrip(conn, value, "jsonb", node, "{\"k\": [1, 2.5, null, true, \"x\"]}", (a, b) => JsonNode.DeepEquals(a, b));
        for (var run = 0; run < 2; run++)
        {
            var row = conn.Execute("SELECT '{\"a\": {\"b\": [1, 2.5]}}'::jsonb, '[1, \"x\"]'::json").FetchOne()!;
            Assert.IsType<JsonElement>(row[0]);
            var dict = row.Get<Dictionary<string, object?>>(0);
            Assert.Equal(new List<object?> { 1L, 2.5 }, ((Dictionary<string, object?>)dict["a"]!)["b"]);
            Assert.Equal("{\"a\": {\"b\": [1, 2.5]}}", row.Get<string>(0));
            Assert.Equal(new List<object?> { 1L, "x" }, row.Get<List<object?>>(1));
        }
    }

    [Fact]
    public void Network_types()
    {
        using var conn = Connect();
        RoundTrip(conn, IPAddress.Parse("192.168.0.1"), "inet", IPAddress.Parse("192.168.0.1"), "192.168.0.1/32");
        RoundTrip(conn, IPAddress.Parse("2001:db8::1"), "inet", IPAddress.Parse("2001:db8::1"), "2001:db8::1/128");
        RoundTrip(conn, (IPAddress.Parse("192.168.0.1"), 24), "inet", (IPAddress.Parse("192.168.0.1"), 24), "192.168.0.1/24",
            (a, b) => a.Item1.Equals(b.Item1) && a.Item2 == b.Item2);
        RoundTrip(conn, IPNetwork.Parse("10.0.0.0/8"), "cidr", IPNetwork.Parse("10.0.0.0/8"), "10.0.0.0/8");
        RoundTrip(conn, IPNetwork.Parse("2001:db8::/32"), "cidr", IPNetwork.Parse("2001:db8::/32"), "2001:db8::/32");
        var mac = PhysicalAddress.Parse("08-00-2B-01-02-03");
        RoundTrip(conn, mac, "macaddr", mac, "08:00:2b:01:02:03");
        var mac8 = PhysicalAddress.Parse("08-00-2B-01-02-03-04-05");
        RoundTrip(conn, mac8, "macaddr8", mac8, "08:00:2b:01:02:03:04:05");
    }

    [Fact]
    public void Bit_strings_and_char()
    {
        using var conn = Connect();
        var bits = new BitArray(new[] { true, false, true, true, false, false, true, true, true });
        static bool Same(BitArray a, BitArray b) => a.Length == b.Length && Enumerable.Range(0, a.Length).All(i => a[i] == b[i]);
        RoundTrip(conn, bits, "varbit", bits, "101100111", Same);
        RoundTrip(conn, bits, "bit(9)", bits, "101100111", Same);
        RoundTrip(conn, new BitArray(0), "varbit", new BitArray(0), "", Same);
        RoundTrip(conn, "a", "\"char\"", "a", "a");
        RoundTrip(conn, "a", "\"char\"", 'a', null);
        RoundTrip(conn, 'é', "text", "é", "é");
    }

    [Fact]
    public void Text_unicode_and_large()
    {
        using var conn = Connect();
        var seed = Kit.NewSeed();
        var rng = new Random(seed);
        var sb = new System.Text.StringBuilder();
        while (sb.Length < 1024 * 1024) sb.Append(char.ConvertFromUtf32(rng.Next(4) == 0 ? rng.Next(0x10000, 0x10FFFF) : rng.Next(0x20, 0xD7FF)));
        foreach (var value in new[] { "", "é😀𝄞 \U0001F600", sb.ToString() })
            RoundTrip(conn, value, "text", value, value);
    }

    [Fact]
    public void Text_only_types_read_as_strings_in_text_format()
    {
        using var conn = Connect();
        const string sql = "SELECT '12.34'::money, 'a fat rat'::tsvector, '(1,2)'::point, '<a/>'::xml, '16/B374D848'::pg_lsn, 'pg_class'::regclass";
        for (var run = 0; run < 2; run++)
        {
            using var cur = conn.Cursor();
            cur.Execute(sql);
            Assert.Equal(PgFormat.Text, ResultFormat(cur));
            var row = cur.FetchOne()!;
            Assert.Equal(["$12.34", "'a' 'fat' 'rat'", "(1,2)", "<a/>", "16/B374D848", "pg_class"], Enumerable.Range(0, 6).Select(i => row[i]).ToArray());
            Assert.Equal(["money", "tsvector", "point", "xml", "pg_lsn", "regclass"], cur.Description!.Select(c => c.TypeName).ToArray());
        }
    }

    [Fact]
    public void Description_names_the_new_types()
    {
        using var conn = Connect();
        using var cur = conn.Cursor();
        cur.Execute("SELECT true, 1.5::float4, 1.5::float8, 1::numeric, '\\x'::bytea, gen_random_uuid(), current_date, localtime, " +
                    "'1:00+02'::timetz, localtimestamp, now(), '1 day'::interval, '{}'::json, '{}'::jsonb, '::1'::inet, '::/0'::cidr, " +
                    "'08:00:2b:01:02:03'::macaddr, B'1'::bit, B'1'::varbit, 'a'::\"char\"");
        Assert.Equal(["bool", "float4", "float8", "numeric", "bytea", "uuid", "date", "time", "timetz", "timestamp", "timestamptz",
            "interval", "json", "jsonb", "inet", "cidr", "macaddr", "bit", "varbit", "char"], cur.Description!.Select(c => c.TypeName).ToArray());
    }
}
