using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class TimestampCodecTests
{
    private static readonly TimestampCodec Codec = TimestampCodec.Instance;

    // Samples from PostgreSQL 15 (DateStyle ISO):
    //   SELECT v::text, encode(timestamp_send(v),'hex') FROM (VALUES ('2000-01-01'::timestamp), ...) t(v)
    [Theory]
    [InlineData("2000-01-01 00:00:00", "0000000000000000")]
    [InlineData("2042-07-01 12:00:00.5", "0004c3c36bbe1120")]
    [InlineData("1999-12-31 23:59:59.999999", "ffffffffffffffff")]
    [InlineData("9999-12-31 23:59:59.999999", "0380e70b913b7fff")]
    [InlineData("1970-01-01 00:00:00.000001", "fffca2fec4c82001")]
    public void Server_samples(string text, string hex)
    {
        var expected = DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], null, System.Globalization.DateTimeStyles.None);
        var fromText = Read<DateTime>(Codec, text);
        var fromBinary = ReadHex<DateTime>(Codec, hex);
        Assert.Equal(expected, fromText);
        Assert.Equal(expected, fromBinary);
        Assert.Equal(DateTimeKind.Unspecified, fromText.Kind);
        Assert.Equal(DateTimeKind.Unspecified, fromBinary.Kind);
        Assert.Equal(hex, ToHex(Write(Codec, expected, PgFormat.Binary)));
        Assert.Equal(expected, Read<DateTime>(Codec, Write(Codec, expected, PgFormat.Text), PgFormat.Text));
    }

    // '0001-01-01 00:00:00' → ff1fe2ffc59c6000 is DateTime.MinValue, which is what -infinity reads as too.
    [Fact]
    public void First_tick_reads_as_MinValue() => Assert.Equal(DateTime.MinValue, ReadHex<DateTime>(Codec, "ff1fe2ffc59c6000"));

    [Theory]
    [InlineData("infinity", "7fffffffffffffff", true)]
    [InlineData("-infinity", "8000000000000000", false)]
    public void Infinity_maps_to_MaxValue_and_MinValue(string text, string hex, bool positive)
    {
        var expected = positive ? DateTime.MaxValue : DateTime.MinValue;
        Assert.Equal(expected, Read<DateTime>(Codec, text));
        Assert.Equal(expected, ReadHex<DateTime>(Codec, hex));
        Assert.Equal(text, Str(Write(Codec, expected, PgFormat.Text)));
        Assert.Equal(hex, ToHex(Write(Codec, expected, PgFormat.Binary)));
    }

    // '0044-03-15 12:00 BC'::timestamp → ff1af9e8fb46d000, '10000-01-01 00:00'::timestamp → 0380e70b913b8000
    [Theory]
    [InlineData("0044-03-15 12:00:00 BC", "ff1af9e8fb46d000")]
    [InlineData("10000-01-01 00:00:00", "0380e70b913b8000")]
    public void Outside_DateTime_is_DataError_naming_the_value(string text, string hex)
    {
        Assert.Contains(text, Assert.Throws<DataError>(() => Read<DateTime>(Codec, text)).Message);
        Assert.Contains(text, Assert.Throws<DataError>(() => ReadHex<DateTime>(Codec, hex)).Message);
    }

    [Fact]
    public void Kinds_choose_the_parameter_type_and_are_never_converted()
    {
        var utc = new DateTime(2042, 7, 1, 12, 0, 0, DateTimeKind.Utc);
        var local = new DateTime(2042, 7, 1, 12, 0, 0, DateTimeKind.Local);
        var unspecified = new DateTime(2042, 7, 1, 12, 0, 0, DateTimeKind.Unspecified);
        var codec = TypeRegistry.Global.ForParameter(utc);
        Assert.Equal(Oids.TimestampTz, codec.ParameterOid(utc));
        Assert.Equal(Oids.Timestamp, codec.ParameterOid(local));
        Assert.Equal(Oids.Timestamp, codec.ParameterOid(unspecified));
        Assert.Equal("2042-07-01 12:00:00.000000+00", Str(WriteParameter(utc, PgFormat.Text)));
        Assert.Equal("2042-07-01 12:00:00.000000", Str(WriteParameter(local, PgFormat.Text)));
        Assert.Equal("2042-07-01 12:00:00.000000", Str(WriteParameter(unspecified, PgFormat.Text)));
        // Binary: the same microseconds whatever the kind (2042-07-01 12:00 is 0004c3c36bb67000 as timestamptz UTC).
        Assert.Equal("0004c3c36bb67000", ToHex(WriteParameter(utc, PgFormat.Binary)));
        Assert.Equal("0004c3c36bb67000", ToHex(WriteParameter(local, PgFormat.Binary)));
    }

    [Fact]
    public void Sub_microsecond_ticks_are_truncated()
    {
        var value = new DateTime(1999, 12, 31, 23, 59, 59).AddTicks(9_999_999);
        foreach (var format in Formats)
            Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 59).AddTicks(9_999_990), RoundTrip(Codec, value, format));
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var value = new DateTime(rng.NextInt64(1, DateTime.MaxValue.Ticks) / 10 * 10);
            foreach (var format in Formats)
                Assert.True(value == RoundTrip(Codec, value, format), $"seed {seed}: {value:O} ({format})");
        }
    }
}

public class TimestampTzCodecTests
{
    private static readonly TimestampTzCodec Codec = TimestampTzCodec.Instance;
    private static readonly TimeZoneInfo Rome = TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome");
    private static readonly ReadContext InRome = CtxIn(Rome);

    // Samples from PostgreSQL 15 after SET TIME ZONE 'Europe/Rome':
    //   SELECT v::text, encode(timestamptz_send(v),'hex') FROM (VALUES ('2042-07-01 12:00Z'::timestamptz), ...) t(v)
    [Theory]
    [InlineData("2042-07-01 14:00:00+02", "0004c3c36bb67000", "2042-07-01T12:00:00Z", 120)]
    [InlineData("2042-01-01 13:00:00.123456+01", "0004b58a52717240", "2042-01-01T12:00:00.123456Z", 60)]
    public void Rome_samples_read_in_the_session_zone(string text, string hex, string utc, int offsetMinutes)
    {
        var instant = DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var value in new[] { Read<DateTimeOffset>(Codec, text, InRome), ReadHex<DateTimeOffset>(Codec, hex, InRome) })
        {
            Assert.Equal(instant, value);
            Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), value.Offset);
        }
        Assert.Equal(hex, ToHex(Write(Codec, instant, PgFormat.Binary)));
        Assert.Equal(hex, ToHex(Write(Codec, instant.ToOffset(TimeSpan.FromHours(-7)), PgFormat.Binary)));
        Assert.Equal(instant, Read<DateTimeOffset>(Codec, Write(Codec, instant, PgFormat.Text), PgFormat.Text));
    }

    [Fact]
    public void After_set_time_zone_the_same_instant_reads_at_the_new_offset()
    {
        // The example: '2042-07-01 12:00Z' in Europe/Rome is 14:00 +02:00.
        var value = ReadHex<DateTimeOffset>(Codec, "0004c3c36bb67000", InRome);
        Assert.Equal(new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2)), value);
        Assert.Equal(14, value.Hour);
        Assert.Equal(12, ReadHex<DateTimeOffset>(Codec, "0004c3c36bb67000").Hour);   // UTC session
        var asDateTime = ReadHex<DateTime>(Codec, "0004c3c36bb67000", InRome);
        Assert.Equal(DateTimeKind.Utc, asDateTime.Kind);
        Assert.Equal(new DateTime(2042, 7, 1, 12, 0, 0), asDateTime);
        Assert.Equal(DateTimeKind.Utc, Read<DateTime>(Codec, "2042-07-01 14:00:00+02", InRome).Kind);
        Assert.Equal(new DateTime(2042, 7, 1, 12, 0, 0), Read<DateTime>(Codec, "2042-07-01 14:00:00+02", InRome));
    }

    [Theory]
    [InlineData("UTC", 0)]
    [InlineData("Etc/GMT-3", 180)]      // POSIX sign: GMT-3 is three hours east, +03:00
    [InlineData("Etc/GMT+5", -300)]
    [InlineData("Europe/Rome", 120)]    // summer time; the same instant in winter below
    public void Binary_reads_take_the_session_zones_offset_fixed_or_not(string zoneId, int offsetMinutes)
    {
        // Zones whose offset never changes skip the TimeZoneInfo lookup (ZoneSeconds' fixed offset): same answers.
        var context = CtxIn(TimeZoneInfo.FindSystemTimeZoneById(zoneId));
        for (var i = 0; i < 3; i++)
        {
            var summer = ReadHex<DateTimeOffset>(Codec, "0004c3c36bb67000", context);   // 2042-07-01 12:00Z
            Assert.Equal(new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero), summer);
            Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), summer.Offset);
            var winter = ReadHex<DateTimeOffset>(Codec, "0004b58a52717240", context);   // 2042-01-01 12:00:00.123456Z
            Assert.Equal(TimeSpan.FromMinutes(zoneId == "Europe/Rome" ? 60 : offsetMinutes), winter.Offset);
        }
    }

    // SET TIME ZONE 'Asia/Kolkata' / 'America/New_York' / 'UTC'; SELECT '2042-07-01 12:00Z'::timestamptz::text,
    // and '1850-01-01 12:00Z' in New York (local mean time, an offset with seconds).
    [Theory]
    [InlineData("2042-07-01 17:30:00+05:30", 330)]
    [InlineData("2042-07-01 08:00:00-04", -240)]
    [InlineData("2042-07-01 12:00:00+00", 0)]
    public void Text_offsets(string text, int offsetMinutes)
    {
        var value = Read<DateTimeOffset>(Codec, text);
        Assert.Equal(new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.FromMinutes(offsetMinutes), value.Offset);
    }

    [Fact]
    public void Offsets_with_seconds_are_truncated_keeping_the_instant()
    {
        // New York: '1850-01-01 12:00Z' prints as 1850-01-01 07:03:58-04:56:02.
        var value = Read<DateTimeOffset>(Codec, "1850-01-01 07:03:58-04:56:02");
        Assert.Equal(new DateTimeOffset(1850, 1, 1, 12, 0, 0, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.FromMinutes(-296), value.Offset);
        // Rome: '1850-01-01 00:00Z' prints as 1850-01-01 00:49:56+00:49:56, binary ffef2ee5ba114000.
        var fromText = Read<DateTimeOffset>(Codec, "1850-01-01 00:49:56+00:49:56", InRome);
        var fromBinary = ReadHex<DateTimeOffset>(Codec, "ffef2ee5ba114000", InRome);
        Assert.Equal(new DateTimeOffset(1850, 1, 1, 0, 0, 0, TimeSpan.Zero), fromText);
        Assert.Equal(fromText, fromBinary);
        Assert.Equal(TimeSpan.FromMinutes(49), fromText.Offset);
        Assert.Equal(0, fromBinary.Offset.Ticks % TimeSpan.TicksPerMinute);
    }

    // '0001-01-01 00:00Z' in Rome: 0001-01-01 00:49:56+00:49:56, binary ff1fe2ffc59c6000.
    [Fact]
    public void First_instant_is_readable()
    {
        Assert.Equal(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), Read<DateTimeOffset>(Codec, "0001-01-01 00:49:56+00:49:56", InRome));
        Assert.Equal(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero), ReadHex<DateTimeOffset>(Codec, "ff1fe2ffc59c6000", InRome));
    }

    [Fact]
    public void Clock_times_outside_DateTime_fall_back_to_utc()
    {
        // 0001-01-01 02:00Z seen from UTC-05:00 would be year 0.
        var ny = CtxIn(TimeZoneInfo.CreateCustomTimeZone("minus5", TimeSpan.FromHours(-5), "minus5", "minus5"));
        var micros = (new DateTime(1, 1, 1, 2, 0, 0).Ticks - new DateTime(2000, 1, 1).Ticks) / 10;
        var value = Read<DateTimeOffset>(Codec, BitConverterBigEndian(micros), PgFormat.Binary, ny);
        Assert.Equal(new DateTimeOffset(1, 1, 1, 2, 0, 0, TimeSpan.Zero), value);
        Assert.Equal(TimeSpan.Zero, value.Offset);
    }

    private static byte[] BitConverterBigEndian(long value)
    {
        var bytes = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    [Theory]
    [InlineData("infinity", "7fffffffffffffff", true)]
    [InlineData("-infinity", "8000000000000000", false)]
    public void Infinity_maps_to_MaxValue_and_MinValue(string text, string hex, bool positive)
    {
        var expected = positive ? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
        Assert.Equal(expected, Read<DateTimeOffset>(Codec, text, InRome));
        Assert.Equal(expected, ReadHex<DateTimeOffset>(Codec, hex, InRome));
        Assert.Equal(TimeSpan.Zero, ReadHex<DateTimeOffset>(Codec, hex, InRome).Offset);
        Assert.Equal(positive ? DateTime.MaxValue : DateTime.MinValue, ReadHex<DateTime>(Codec, hex));
        Assert.Equal(text, Str(Write(Codec, expected, PgFormat.Text)));
        Assert.Equal(hex, ToHex(Write(Codec, expected, PgFormat.Binary)));
        Assert.Equal(hex, ToHex(WriteParameter(positive ? DateTime.MaxValue : DateTime.MinValue, PgFormat.Binary)));
    }

    // '0044-03-15 12:00Z BC' in Rome: 0044-03-15 12:49:56+00:49:56 BC, binary ff1af9e8fb46d000.
    [Fact]
    public void Bc_is_DataError()
    {
        Assert.Contains("BC", Assert.Throws<DataError>(() => Read<DateTimeOffset>(Codec, "0044-03-15 12:49:56+00:49:56 BC", InRome)).Message);
        Assert.Contains("0044-03-15 12:00:00 BC", Assert.Throws<DataError>(() => ReadHex<DateTimeOffset>(Codec, "ff1af9e8fb46d000", InRome)).Message);
        Assert.Throws<DataError>(() => Read<DateTimeOffset>(Codec, "10000-01-01 00:00:00+00"));
    }

    [Fact]
    public void DateTimeOffset_parameters_go_as_timestamptz_utc()
    {
        var value = new DateTimeOffset(2042, 7, 1, 14, 0, 0, TimeSpan.FromHours(2));
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(value));
        Assert.Equal(Oids.TimestampTz, Codec.ParameterOid(value));
        Assert.Equal("2042-07-01 12:00:00.000000+00", Str(Write(Codec, value, PgFormat.Text)));
    }

    [Fact]
    public void Random_round_trips_in_rome()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var utc = new DateTime(rng.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay) / 10 * 10, DateTimeKind.Utc);
            var value = new DateTimeOffset(utc);
            foreach (var format in Formats)
            {
                var back = RoundTrip(Codec, value, format, InRome);
                Assert.True(value == back, $"seed {seed}: {value:O} came back as {back:O} ({format})");
                var backUtc = Read<DateTime>(Codec, WriteParameter(utc, format), format, InRome);
                Assert.True(utc == backUtc && backUtc.Kind == DateTimeKind.Utc, $"seed {seed}: {utc:O} came back as {backUtc:O} ({format})");
            }
        }
    }
}
