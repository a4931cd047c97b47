using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class TimeCodecTests
{
    private static readonly TimeCodec Codec = TimeCodec.Instance;

    // Samples from PostgreSQL 15: SELECT v::text, encode(time_send(v),'hex') FROM (VALUES ('00:00'::time), ...) t(v)
    [Theory]
    [InlineData("00:00:00", "0000000000000000", 0L)]
    [InlineData("12:34:56.789", "0000000a8be62608", 45_296_789_000L)]
    [InlineData("23:59:59.999999", "000000141dd75fff", 86_399_999_999L)]
    [InlineData("01:02:03.000001", "00000000dde878c1", 3_723_000_001L)]
    public void Server_samples(string text, string hex, long micros)
    {
        var time = new TimeOnly(micros * 10);
        Assert.Equal(time, Read<TimeOnly>(Codec, text));
        Assert.Equal(time, ReadHex<TimeOnly>(Codec, hex));
        Assert.Equal(TimeSpan.FromTicks(micros * 10), ReadHex<TimeSpan>(Codec, hex));
        Assert.Equal(hex, ToHex(Write(Codec, time, PgFormat.Binary)));
        Assert.Equal(time, Read<TimeOnly>(Codec, Write(Codec, time, PgFormat.Text), PgFormat.Text));
    }

    // '24:00:00'::time → 000000141dd76000: TimeOnly.MaxValue, and written back as 24:00:00.
    [Fact]
    public void Midnight_24_reads_as_MaxValue_and_round_trips()
    {
        Assert.Equal(TimeOnly.MaxValue, Read<TimeOnly>(Codec, "24:00:00"));
        Assert.Equal(TimeOnly.MaxValue, ReadHex<TimeOnly>(Codec, "000000141dd76000"));
        Assert.Equal(TimeSpan.FromDays(1), Read<TimeSpan>(Codec, "24:00:00"));
        Assert.Equal(TimeSpan.FromDays(1), ReadHex<TimeSpan>(Codec, "000000141dd76000"));
        Assert.Equal("24:00:00", Str(Write(Codec, TimeOnly.MaxValue, PgFormat.Text)));
        Assert.Equal("000000141dd76000", ToHex(Write(Codec, TimeOnly.MaxValue, PgFormat.Binary)));
    }

    [Fact]
    public void Sub_microsecond_ticks_are_truncated()
    {
        var time = new TimeOnly(12_345_678_9L);   // 12.3456789 s
        foreach (var format in Formats)
            Assert.Equal(new TimeOnly(12_345_678_0L), RoundTrip(Codec, time, format));
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var time = new TimeOnly(rng.NextInt64(TimeSpan.TicksPerDay) / 10 * 10);
            foreach (var format in Formats)
                Assert.True(time == RoundTrip(Codec, time, format), $"seed {seed}: {time:O} ({format})");
        }
    }

    [Fact]
    public void Invalid_values_are_DataError()
    {
        Assert.Throws<DataError>(() => Read<TimeOnly>(Codec, "25:00:00"));
        Assert.Throws<DataError>(() => Read<TimeOnly>(Codec, "noon"));
        Assert.Throws<DataError>(() => ReadHex<TimeOnly>(Codec, "ffffffffffffffff"));
    }
}

public class TimeTzCodecTests
{
    private static readonly TimeTzCodec Codec = TimeTzCodec.Instance;

    private static DateTimeOffset At(int h, int m, double s, TimeSpan offset) =>
        new DateTimeOffset(1, 1, 2, 0, 0, 0, offset).AddHours(h).AddMinutes(m).AddTicks((long)Math.Round(s * TimeSpan.TicksPerSecond));

    // Samples from PostgreSQL 15: SELECT v::text, encode(timetz_send(v),'hex') FROM (VALUES ('00:00+00'::timetz), ...) t(v)
    // The zone is in seconds WEST of UTC: +02 is ffffe3e0 (-7200).
    [Theory]
    [InlineData("00:00:00+00", "000000000000000000000000", 0, 0, 0.0, 0)]
    [InlineData("12:34:56.789+02", "0000000a8be62608ffffe3e0", 12, 34, 56.789, 120)]
    [InlineData("12:34:56-05:30", "0000000a8bda1c0000004d58", 12, 34, 56.0, -330)]
    public void Server_samples(string text, string hex, int h, int m, double s, int offsetMinutes)
    {
        var expected = At(h, m, s, TimeSpan.FromMinutes(offsetMinutes));
        var fromText = Read<DateTimeOffset>(Codec, text);
        var fromBinary = ReadHex<DateTimeOffset>(Codec, hex);
        Assert.Equal(expected, fromText);
        Assert.Equal(expected.Offset, fromText.Offset);
        Assert.Equal(expected.DateTime, fromBinary.DateTime);
        Assert.Equal(expected.Offset, fromBinary.Offset);
        Assert.Equal(hex, ToHex(Write(Codec, expected, PgFormat.Binary)));
        Assert.Equal(expected, Read<DateTimeOffset>(Codec, Write(Codec, expected, PgFormat.Text), PgFormat.Text));
    }

    // '23:59:59.999999+05:30:15' → 000000141dd75fffffffb299: the offset loses its seconds, the instant is kept.
    [Fact]
    public void Offset_seconds_are_truncated_keeping_the_instant()
    {
        var fromText = Read<DateTimeOffset>(Codec, "23:59:59.999999+05:30:15");
        var fromBinary = ReadHex<DateTimeOffset>(Codec, "000000141dd75fffffffb299");
        Assert.Equal(TimeSpan.FromMinutes(330), fromText.Offset);
        Assert.Equal(fromText, fromBinary);
        Assert.Equal(fromText.Offset, fromBinary.Offset);
        Assert.Equal(new TimeSpan(0, 23, 59, 44, 999).Add(TimeSpan.FromTicks(9990)), fromText.TimeOfDay);
    }

    // '24:00:00-05' → 000000141dd7600000004650
    [Fact]
    public void Midnight_24_reads_as_the_last_tick_of_the_day()
    {
        var value = ReadHex<DateTimeOffset>(Codec, "000000141dd7600000004650");
        Assert.Equal(new DateTime(1, 1, 2).Add(TimeOnly.MaxValue.ToTimeSpan()), value.DateTime);
        Assert.Equal(TimeSpan.FromHours(-5), value.Offset);
        Assert.Equal(value, Read<DateTimeOffset>(Codec, "24:00:00-05"));
        Assert.Equal("000000141dd7600000004650", ToHex(Write(Codec, value, PgFormat.Binary)));
    }

    // '10:00+15:59' → 0000000861c46800ffff1f3c and '24:00:00-15:59' → 000000141dd760000000e0c4: offsets beyond
    // DateTimeOffset's ±14:00 read as the same instant in UTC.
    [Fact]
    public void Offsets_beyond_14_hours_read_in_utc()
    {
        foreach (var (text, hex) in new[] { ("10:00:00+15:59", "0000000861c46800ffff1f3c"), ("24:00:00-15:59", "000000141dd760000000e0c4") })
        {
            var fromText = Read<DateTimeOffset>(Codec, text);
            var fromBinary = ReadHex<DateTimeOffset>(Codec, hex);
            Assert.Equal(TimeSpan.Zero, fromText.Offset);
            Assert.Equal(fromText, fromBinary);
        }
        Assert.Equal(new DateTime(1, 1, 1, 18, 1, 0), Read<DateTimeOffset>(Codec, "10:00:00+15:59").DateTime);
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 1000; i++)
        {
            var value = new DateTimeOffset(new DateTime(1, 1, 2).AddTicks(rng.NextInt64(TimeSpan.TicksPerDay) / 10 * 10),
                TimeSpan.FromMinutes(rng.Next(-840, 841)));
            foreach (var format in Formats)
            {
                var back = RoundTrip(Codec, value, format);
                Assert.True(value == back && value.Offset == back.Offset, $"seed {seed}: {value:O} came back as {back:O} ({format})");
            }
        }
    }
}
