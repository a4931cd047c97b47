using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class DateCodecTests
{
    private static readonly DateCodec Codec = DateCodec.Instance;

    // Samples from PostgreSQL 15 (DateStyle ISO):
    //   SELECT v::text, encode(date_send(v),'hex') FROM (VALUES ('2000-01-01'::date), ...) t(v)
    [Theory]
    [InlineData("2000-01-01", "00000000")]
    [InlineData("1999-12-31", "ffffffff")]
    [InlineData("2042-07-01", "00003ca2")]
    public void Server_samples(string text, string hex)
    {
        var date = DateOnly.ParseExact(text, "yyyy-MM-dd");
        Assert.Equal(date, Read<DateOnly>(Codec, text));
        Assert.Equal(date, ReadHex<DateOnly>(Codec, hex));
        Assert.Equal(hex, ToHex(Write(Codec, date, PgFormat.Binary)));
        Assert.Equal(text, Str(Write(Codec, date, PgFormat.Text)));
        Assert.Equal(date.ToDateTime(TimeOnly.MinValue), ReadHex<DateTime>(Codec, hex));
        Assert.Equal(DateTimeKind.Unspecified, Read<DateTime>(Codec, text).Kind);
    }

    // 0001-01-01 (fff4dbf9) and 9999-12-31 (002c95d3) are DateOnly.MinValue / MaxValue, which are also what
    // ±infinity read as, and are written as ±infinity.
    [Fact]
    public void First_and_last_days_read_as_MinValue_and_MaxValue()
    {
        Assert.Equal(DateOnly.MinValue, ReadHex<DateOnly>(Codec, "fff4dbf9"));
        Assert.Equal(DateOnly.MinValue, Read<DateOnly>(Codec, "0001-01-01"));
        Assert.Equal(DateOnly.MaxValue, ReadHex<DateOnly>(Codec, "002c95d3"));
        Assert.Equal(DateOnly.MaxValue, Read<DateOnly>(Codec, "9999-12-31"));
    }

    [Theory]
    [InlineData("infinity", "7fffffff", true)]
    [InlineData("-infinity", "80000000", false)]
    public void Infinity_maps_to_MinValue_and_MaxValue(string text, string hex, bool positive)
    {
        var expected = positive ? DateOnly.MaxValue : DateOnly.MinValue;
        Assert.Equal(expected, Read<DateOnly>(Codec, text));
        Assert.Equal(expected, ReadHex<DateOnly>(Codec, hex));
        Assert.Equal(text, Str(Write(Codec, expected, PgFormat.Text)));
        Assert.Equal(hex, ToHex(Write(Codec, expected, PgFormat.Binary)));
        Assert.Equal(positive ? DateTime.MaxValue : DateTime.MinValue, ReadHex<DateTime>(Codec, hex));
    }

    // SELECT encode(date_send('0044-03-15 BC'::date),'hex') etc.
    [Theory]
    [InlineData("0044-03-15 BC", "fff49d7b")]
    [InlineData("10000-01-01", "002c95d4")]
    [InlineData("4713-01-01 BC", "ffda97cd")]
    [InlineData("5874897-12-31", "7fda970c")]
    public void Outside_DateOnly_is_DataError_naming_the_date(string text, string hex)
    {
        var e = Assert.Throws<DataError>(() => Read<DateOnly>(Codec, text));
        Assert.Contains(text, e.Message);
        e = Assert.Throws<DataError>(() => ReadHex<DateOnly>(Codec, hex));
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var date = DateOnly.FromDayNumber(rng.Next(DateOnly.MaxValue.DayNumber + 1));
            foreach (var format in Formats)
                Assert.True(date == RoundTrip(Codec, date, format), $"seed {seed}: {date:O} ({format})");
        }
    }

    [Fact]
    public void Parameter_is_date() => Assert.Equal(Oids.Date, TypeRegistry.Global.ForParameter(new DateOnly(2042, 7, 1)).ParameterOid(new DateOnly(2042, 7, 1)));
}
