using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;
using static Sharpgres.Tests.Types.ServerTwice;

namespace Sharpgres.Tests.Types;

/// <summary>Ranges and multiranges both ways, in both formats.</summary>
public class RangeTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Int_ranges_read_in_both_formats()
    {
        using var conn = db.Connect();
        AssertBoth(new PgRange<int>(1, 5), conn, "SELECT '[1,5)'::int4range");
        AssertBoth(new PgRange<int>(1, 6), conn, "SELECT int4range(1, 5, '[]')");
        AssertBoth(PgRange<int>.Empty, conn, "SELECT 'empty'::int4range");
        AssertBoth(PgRange<int>.Empty, conn, "SELECT '[3,3)'::int4range");
        AssertBoth(PgRange<int>.To(4), conn, "SELECT '(,3]'::int4range");
        AssertBoth(PgRange<int>.From(2), conn, "SELECT '[2,)'::int4range");
        AssertBoth(PgRange<int>.Unbounded, conn, "SELECT '(,)'::int4range");
        AssertBoth(new PgRange<long>(-5_000_000_000, long.MaxValue), conn, "SELECT int8range(-5000000000, 9223372036854775807)");
        foreach (var row in Rows(conn, "SELECT '[1,5)'::int4range, '(,)'::int8range", []))
        {
            Assert.Equal(new PgRange<int>(1, 5), Assert.IsType<PgRange<int>>(row[0]));
            Assert.True(Assert.IsType<PgRange<long>>(row[1]).LowerInfinite);
            Assert.Equal(new PgRange<long>(1, 5), row.Get<PgRange<long>>(0));    // bounds read with the subtype's readers
        }
    }

    [Fact]
    public void Range_parameters_take_the_range_type_of_their_subtype()
    {
        using var conn = db.Connect();
        string TypeOf(object value) => conn.Execute("SELECT pg_typeof(%s)::text", value).FetchOne()!.Get<string>(0);
        Assert.Equal("int4range", TypeOf(new PgRange<int>(1, 2)));
        Assert.Equal("int8range", TypeOf(PgRange<long>.From(1)));
        Assert.Equal("int4range", TypeOf(PgRange<int>.Empty));
        Assert.Equal("int4multirange", TypeOf(new PgMultirange<int>(new PgRange<int>(1, 2))));
        Assert.Equal("int8multirange", TypeOf(new PgMultirange<long>()));
        Assert.Equal("int4range[]", TypeOf(new[] { new PgRange<int>(1, 2) }));
    }

    [Theory]
    [InlineData(1, 5, true, false, false, false)]
    [InlineData(1, 5, false, true, false, false)]
    [InlineData(0, 7, true, true, true, false)]
    [InlineData(-3, 0, false, false, false, true)]
    [InlineData(0, 0, false, false, true, true)]
    [InlineData(4, 4, true, true, false, false)]
    public void Int_range_parameters_round_trip_canonically(int lower, int upper, bool lowerInclusive, bool upperInclusive, bool lowerInfinite, bool upperInfinite)
    {
        using var conn = db.Connect();
        var sent = new PgRange<int>(lower, lowerInclusive, lowerInfinite, upper, upperInclusive, upperInfinite);
        var canonical = Canonical(sent);
        AssertBoth(canonical, conn, "SELECT %s", sent);
        AssertBoth(canonical, conn, "SELECT %t::int4range", sent);
        AssertBoth(canonical.ToString(), conn, "SELECT %s::text", sent);
    }

    /// <summary>int4range's canonical form: [lower, upper) with exclusive bounds moved by one; empty when nothing is left.</summary>
    private static PgRange<int> Canonical(PgRange<int> r)
    {
        if (r.IsEmpty) return r;
        var lower = r.LowerInfinite ? 0 : r.LowerInclusive ? r.Lower : r.Lower + 1;
        var upper = r.UpperInfinite ? 0 : r.UpperInclusive ? r.Upper + 1 : r.Upper;
        if (!r.LowerInfinite && !r.UpperInfinite && lower >= upper) return PgRange<int>.Empty;
        return new PgRange<int>(lower, !r.LowerInfinite, r.LowerInfinite, upper, false, r.UpperInfinite);
    }

    [Fact]
    public void Seeded_random_int_ranges_round_trip()
    {
        var seed = Environment.TickCount ^ Guid.NewGuid().GetHashCode();
        var rng = new Random(seed);
        using var conn = db.Connect();
        for (var i = 0; i < 100; i++)
        {
            var a = rng.Next(-1000, 1000);
            var b = a + rng.Next(0, 5);
            var sent = rng.Next(20) == 0 ? PgRange<int>.Empty
                : new PgRange<int>(a, rng.Next(2) == 0, rng.Next(6) == 0, b, rng.Next(2) == 0, rng.Next(6) == 0);
            foreach (var row in Rows(conn, "SELECT %s, %s::text", [sent, sent]))
            {
                Assert.True(Canonical(sent) == row.Get<PgRange<int>>(0), $"seed {seed}: sent {sent}, read {row[0]}");
                Assert.True(Canonical(sent).ToString() == row.Get<string>(1), $"seed {seed}: sent {sent}, server text {row[1]}");
            }
        }
    }

    [Fact]
    public void Multiranges_both_ways()
    {
        using var conn = db.Connect();
        var two = new PgMultirange<int>(new PgRange<int>(1, 3), new PgRange<int>(5, 7));
        AssertBoth(two, conn, "SELECT '{[1,3),[5,7)}'::int4multirange");
        AssertBoth(new PgMultirange<int>(), conn, "SELECT '{}'::int4multirange");
        AssertBoth(new PgMultirange<long>(PgRange<long>.To(0), PgRange<long>.From(10)), conn, "SELECT '{(,0), [10,)}'::int8multirange");
        AssertBoth(two, conn, "SELECT %s", two);
        AssertBoth(two, conn, "SELECT %t::int4multirange", two);
        AssertBoth("{[1,3),[5,7)}", conn, "SELECT %s::text", two);
        // The server normalizes: overlapping ranges merge, empty ones vanish.
        AssertBoth(new PgMultirange<int>(new PgRange<int>(1, 9)), conn, "SELECT %s",
            new PgMultirange<int>(new PgRange<int>(1, 5), new PgRange<int>(3, 9), PgRange<int>.Empty));
        foreach (var row in Rows(conn, "SELECT '{[1,2)}'::int4multirange", []))
            Assert.IsType<PgMultirange<int>>(row[0]);
    }

    [Fact]
    public void Arrays_of_ranges()
    {
        using var conn = db.Connect();
        var ranges = new[] { new PgRange<int>(1, 2), PgRange<int>.Empty, PgRange<int>.To(5) };
        AssertBoth(ranges, conn, "SELECT ARRAY['[1,2)'::int4range, 'empty', '(,5)']");
        AssertBoth(ranges, conn, "SELECT %s", new object[] { ranges });
        AssertBoth(new List<PgRange<int>>(ranges), conn, "SELECT %s", new List<PgRange<int>>(ranges));
        AssertBoth("{\"[1,2)\",empty,\"(,5)\"}", conn, "SELECT %s::text", new object[] { ranges });
    }

    [Fact]
    public void Table_columns()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TEMP TABLE booking (id int, seats int4range, ids int8range, free int4multirange)");
        conn.Execute("INSERT INTO booking VALUES (1, %s, %s, %s)", new PgRange<int>(10, 20), PgRange<long>.From(7),
            new PgMultirange<int>(new PgRange<int>(1, 2), new PgRange<int>(4, 5)));
        conn.Execute("INSERT INTO booking VALUES (2, %s, %s, %s)", PgRange<int>.Empty, PgRange<long>.Unbounded, new PgMultirange<int>());
        foreach (var row in Rows(conn, "SELECT seats, ids, free FROM booking WHERE id = 1", []))
        {
            Assert.Equal(new PgRange<int>(10, 20), row[0]);
            Assert.Equal(PgRange<long>.From(7), row[1]);
            Assert.Equal(new PgMultirange<int>(new PgRange<int>(1, 2), new PgRange<int>(4, 5)), row[2]);
        }
        AssertBoth(1, conn, "SELECT id FROM booking WHERE seats @> %s", 15);
        AssertBoth(2, conn, "SELECT id FROM booking WHERE seats = %s", PgRange<int>.Empty);
    }

    [Fact]
    public void Ranges_of_other_subtypes_follow_their_subtype_codec()
    {
        // numrange, daterange, tsrange, tstzrange: generic over the subtype codec; without one, bounds are strings.
        using var conn = db.Connect();
        var samples = new (uint Subtype, string Sql, string Lower, string Upper)[]
        {
            (1082, "SELECT '[2020-01-01,2020-02-01)'::daterange", "2020-01-01", "2020-02-01"),
            (1114, "SELECT '[2020-01-01 10:00,2020-01-02)'::tsrange", "2020-01-01 10:00:00", "2020-01-02 00:00:00"),
            (1700, "SELECT '[1.5,2.25]'::numrange", "1.5", "2.25"),
        };
        foreach (var (subtype, sql, lower, upper) in samples)
        {
            var codec = conn.Types.ForOid(subtype);
            var rows = Rows(conn, sql, [], binary: codec is { CanReadBinary: true });
            if (codec is null)
            {
                foreach (var row in rows)
                {
                    var range = Assert.IsType<PgRange<string>>(row[0]);
                    Assert.Equal((lower, upper, true), (range.Lower, range.Upper, range.LowerInclusive));
                }
                continue;
            }
            Assert.Equal(rows[0][0], rows[1][0]);
            AssertBoth(rows[0][0], conn, "SELECT %s", rows[0][0]);
        }
        if (conn.Types.ForOid(1082) is null)
            foreach (var row in Rows(conn, "SELECT '{[2020-01-01,2020-01-05)}'::datemultirange", [], binary: false))
                Assert.Equal(new PgMultirange<string>(new PgRange<string>("2020-01-01", "2020-01-05")), row[0]);
    }

    [Fact]
    public void Numeric_date_and_timestamp_ranges()
    {
        using var conn = db.Connect();
        string TypeOf(object value) => conn.Execute("SELECT pg_typeof(%s)::text", value).FetchOne()!.Get<string>(0);
        var num = new PgRange<decimal>(1.5m, 2.25m, true, true);
        AssertBoth(num, conn, "SELECT '[1.5,2.25]'::numrange");
        AssertBoth(num, conn, "SELECT %s", num);
        Assert.Equal("numrange", TypeOf(num));
        var dates = new PgRange<DateOnly>(new DateOnly(2020, 1, 1), new DateOnly(2020, 2, 1));
        AssertBoth(dates, conn, "SELECT '[2020-01-01,2020-01-31]'::daterange");
        AssertBoth(dates, conn, "SELECT %s", dates);
        Assert.Equal("daterange", TypeOf(dates));
        AssertBoth(new PgMultirange<DateOnly>(dates), conn, "SELECT %s", new PgMultirange<DateOnly>(dates));
        Assert.Equal("datemultirange", TypeOf(new PgMultirange<DateOnly>(dates)));
        var ts = new PgRange<DateTime>(new DateTime(2020, 1, 1, 10, 0, 0), new DateTime(2020, 1, 2));
        AssertBoth(ts, conn, "SELECT '[2020-01-01 10:00,2020-01-02)'::tsrange");
        AssertBoth(ts, conn, "SELECT %s", ts);
        Assert.Equal("tsrange", TypeOf(ts));
        Assert.Equal("[\"2020-01-01 10:00:00\",\"2020-01-02 00:00:00\")", conn.Execute("SELECT %t::tsrange::text", ts).FetchOne()![0]);
        var tz = PgRange<DateTimeOffset>.From(new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal("tstzrange", TypeOf(tz));
        foreach (var read in Get<PgRange<DateTimeOffset>>(conn, "SELECT %s", tz))
            Assert.Equal((tz.Lower, true), (read.Lower, read.UpperInfinite));
        Assert.Equal("tstzrange", TypeOf(PgRange<DateTime>.To(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc))));
        foreach (var row in Rows(conn, "SELECT '[2020-01-01,2020-01-02)'::daterange, 'empty'::numrange", []))
        {
            Assert.IsType<PgRange<DateOnly>>(row[0]);
            Assert.Equal(PgRange<decimal>.Empty, row[1]);
            Assert.Equal(new PgRange<DateTime>(new DateTime(2020, 1, 1), new DateTime(2020, 1, 2)), row.Get<PgRange<DateTime>>(0));
        }
    }

    [Fact]
    public void User_defined_ranges_after_registration()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TYPE floatrange AS RANGE (subtype = float8, subtype_diff = float8mi)");
        conn.Commit();
        Assert.IsType<string>(conn.Execute("SELECT '[1.5,2.5)'::floatrange").FetchOne()![0]);
        conn.Rollback();
        conn.Types.RegisterRange("floatrange");
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        AssertBoth(new PgRange<double>(1.5, 2.5), conn, "SELECT '[1.5,2.5)'::floatrange");
        AssertBoth(new PgRange<double>(1.5, 2.5, true, true), conn, "SELECT %s::floatrange", new PgRange<double>(1.5, 2.5, true, true));
        AssertBoth(new[] { PgRange<double>.From(0.5) }, conn, "SELECT ARRAY['[0.5,)'::floatrange]");
        AssertBoth(new PgMultirange<double>(new PgRange<double>(1, 2)), conn, "SELECT '{[1,2)}'::floatmultirange");
        var info = TypeInfo.Fetch(conn, "floatrange")!;
        Assert.Equal((PgTypeKind.Range, 701u), (info.Kind, info.RangeSubtypeOid));
        Assert.NotEqual(0u, info.MultirangeOid);
        // Another connection hasn't registered it: text.
        using var other = db.Connect();
        Assert.IsType<string>(other.Execute("SELECT '[1.5,2.5)'::floatrange").FetchOne()![0]);
    }

    [Fact]
    public void Range_value_semantics()
    {
        Assert.Equal(PgRange<int>.Empty, PgRange<int>.Empty);
        Assert.Equal(PgRange<int>.From(1), new PgRange<int>(1, true, false, 99, true, true));
        Assert.NotEqual(new PgRange<int>(1, 2), new PgRange<int>(1, 2, true, true));
        Assert.Equal("[1,5)", new PgRange<int>(1, 5).ToString());
        Assert.Equal("(,3]", PgRange<int>.To(3, inclusive: true).ToString());
        Assert.Equal("empty", PgRange<string>.Empty.ToString());
        Assert.Equal("[\"a b\",\"q\"\"\")", new PgRange<string>("a b", "q\"").ToString());
        Assert.Equal("[\"2020-01-01 10:00:00\",\"2020-01-02 00:00:00.5\")", new PgRange<DateTime>(new DateTime(2020, 1, 1, 10, 0, 0), new DateTime(2020, 1, 2).AddMilliseconds(500)).ToString());
        Assert.Equal("[2020-01-01,2020-02-01)", new PgRange<DateOnly>(new DateOnly(2020, 1, 1), new DateOnly(2020, 2, 1)).ToString());
        Assert.Equal("{[1,2),[3,4)}", new PgMultirange<int>(new PgRange<int>(1, 2), new PgRange<int>(3, 4)).ToString());
    }
}
