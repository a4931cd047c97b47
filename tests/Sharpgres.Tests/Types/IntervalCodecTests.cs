using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class IntervalCodecTests
{
    private static readonly IntervalCodec Codec = IntervalCodec.Instance;

    // Samples from PostgreSQL 15 (IntervalStyle postgres):
    //   SELECT v::text, encode(interval_send(v),'hex') FROM (VALUES ('1 year 2 mons 3 days 04:05:06.789'::interval), ...) t(v)
    public static TheoryData<string, string, int, int, long> ServerSamples => new()
    {
        { "1 year 2 mons 3 days 04:05:06.789", "000000036c97ca88000000030000000e", 14, 3, 14_706_789_000 },
        { "-00:00:01", "fffffffffff0bdc00000000000000000", 0, 0, -1_000_000 },
        { "00:00:00", "00000000000000000000000000000000", 0, 0, 0 },
        { "-1 years -2 mons +3 days -04:05:06", "fffffffc93743f8000000003fffffff2", -14, 3, -14_706_000_000 },
        { "100:00:00", "00000053d1ac10000000000000000000", 0, 0, 360_000_000_000 },
        { "1 mon", "00000000000000000000000000000001", 1, 0, 0 },
        { "-1 days", "0000000000000000ffffffff00000000", 0, -1, 0 },
        { "178000000 years", "0000000000000000000000007f50c600", 2_136_000_000, 0, 0 },
        { "-178000000 years", "00000000000000000000000080af3a00", -2_136_000_000, 0, 0 },
        { "2562047788:00:54.775807", "7fffffffffffffff0000000000000000", 0, 0, long.MaxValue },
        { "-2562047788:00:54.775808", "80000000000000000000000000000000", 0, 0, long.MinValue },
        { "1 day -00:00:00.000001", "ffffffffffffffff0000000100000000", 0, 1, -1 },
        { "3 days 00:00:00.5", "000000000007a1200000000300000000", 0, 3, 500_000 },
    };

    [Theory]
    [MemberData(nameof(ServerSamples))]
    public void Server_samples_are_kept_losslessly(string text, string hex, int months, int days, long micros)
    {
        var expected = new PgInterval(months, days, micros);
        Assert.Equal(expected, Read<PgInterval>(Codec, text));
        Assert.Equal(expected, ReadHex<PgInterval>(Codec, hex));
        Assert.Equal(text, expected.ToString());
        Assert.Equal(hex, ToHex(WriteObject(Codec, expected, PgFormat.Binary)));
        Assert.Equal(expected, Read<PgInterval>(Codec, WriteObject(Codec, expected, PgFormat.Text), PgFormat.Text));
    }

    [Fact]
    public void The_one_time_part_postgres_cannot_read_back_is_sent_in_microseconds()
    {
        // SELECT '-5 mons -3 days -9223372036854775808 microseconds'::interval → -5 mons -3 days -2562047788:00:54.775808
        var value = new PgInterval(-5, -3, long.MinValue);
        Assert.Equal("-5 mons -3 days -9223372036854775808 microseconds", Str(WriteObject(Codec, value, PgFormat.Text)));
        Assert.Equal(value, Read<PgInterval>(Codec, "-5 mons -3 days -2562047788:00:54.775808"));
    }

    [Fact]
    public void TimeSpan_counts_a_year_as_365_days_and_a_month_as_30_as_psycopg()
    {
        Assert.Equal(TimeSpan.FromDays(365 + 2 * 30 + 3) + new TimeSpan(0, 4, 5, 6, 789), Read<TimeSpan>(Codec, "1 year 2 mons 3 days 04:05:06.789"));
        Assert.Equal(TimeSpan.FromDays(-425), Read<TimeSpan>(Codec, "-1 years -2 mons"));
        Assert.Equal(TimeSpan.FromDays(-425), ReadHex<TimeSpan>(Codec, "000000000000000000000000fffffff2"));
        Assert.Equal(TimeSpan.FromDays(2 * 365 + 11 * 30), ReadHex<TimeSpan>(Codec, "00000000000000000000000000000023"));
        Assert.Equal(TimeSpan.FromDays(30), ReadHex<TimeSpan>(Codec, "00000000000000000000000000000001"));
        Assert.Equal(TimeSpan.FromSeconds(-1), Read<TimeSpan>(Codec, "-00:00:01"));
        Assert.Equal(TimeSpan.FromDays(1) - TimeSpan.FromTicks(10), Read<TimeSpan>(Codec, "1 day -00:00:00.000001"));
    }

    [Fact]
    public void Beyond_TimeSpan_is_DataError()
    {
        var e = Assert.Throws<DataError>(() => Read<TimeSpan>(Codec, "178000000 years"));
        Assert.Contains("178000000 years", e.Message);
        Assert.Throws<DataError>(() => ReadHex<TimeSpan>(Codec, "7fffffffffffffff0000000000000000"));
    }

    [Fact]
    public void TimeSpan_parameters_are_days_and_microseconds()
    {
        var value = new TimeSpan(40, 1, 2, 3, 456) + TimeSpan.FromTicks(7);
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(value));
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(new PgInterval(1, 2, 3)));
        Assert.Equal(new PgInterval(0, 40, 3_723_456_000), PgInterval.FromTimeSpan(value));
        Assert.Equal("40 days 01:02:03.456", Str(Write(Codec, value, PgFormat.Text)));
        Assert.Equal(new PgInterval(0, -1, -3_600_000_000), PgInterval.FromTimeSpan(TimeSpan.FromHours(-25)));
        Assert.Equal("-1 days -01:00:00", Str(Write(Codec, TimeSpan.FromHours(-25), PgFormat.Text)));
    }

    [Fact]
    public void Infinity_of_postgres_17()
    {
        Assert.Equal(PgInterval.Infinity, Read<PgInterval>(Codec, "infinity"));
        Assert.Equal(PgInterval.NegativeInfinity, Read<PgInterval>(Codec, "-infinity"));
        Assert.Equal(TimeSpan.MaxValue, ReadHex<TimeSpan>(Codec, "7fffffffffffffff7fffffff7fffffff"));
        Assert.Equal(TimeSpan.MinValue, ReadHex<TimeSpan>(Codec, "80000000000000008000000080000000"));
        Assert.Equal("infinity", Str(WriteObject(Codec, PgInterval.Infinity, PgFormat.Text)));
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var interval = new PgInterval(rng.Next(int.MinValue, int.MaxValue), rng.Next(int.MinValue, int.MaxValue), rng.NextInt64(long.MinValue + 1, long.MaxValue));
            var span = TimeSpan.FromTicks(rng.NextInt64(TimeSpan.MinValue.Ticks + 10, TimeSpan.MaxValue.Ticks - 10) / 10 * 10);
            foreach (var format in Formats)
            {
                var back = Read<PgInterval>(Codec, WriteObject(Codec, interval, format), format);
                Assert.True(interval == back, $"seed {seed}: {interval} came back as {back} ({format})");
                var backSpan = RoundTrip(Codec, span, format);
                Assert.True(span == backSpan, $"seed {seed}: {span} came back as {backSpan} ({format})");
            }
        }
    }
}
