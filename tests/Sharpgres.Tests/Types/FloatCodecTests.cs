using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class FloatCodecTests
{
    private static readonly PgCodec<double> Float8 = (PgCodec<double>)TypeRegistry.Global.ForOid(Oids.Float8)!;
    private static readonly PgCodec<float> Float4 = (PgCodec<float>)TypeRegistry.Global.ForOid(Oids.Float4)!;

    // Samples from PostgreSQL 15 with extra_float_digits=3:
    //   SELECT v::text, encode(float8send(v),'hex') FROM (VALUES (1.1::float8), ('NaN'), ...) t(v)
    [Theory]
    [InlineData(1.1, "1.1", "3ff199999999999a")]
    [InlineData(double.NaN, "NaN", "7ff8000000000000")]
    [InlineData(double.PositiveInfinity, "Infinity", "7ff0000000000000")]
    [InlineData(double.NegativeInfinity, "-Infinity", "fff0000000000000")]
    [InlineData(-0.0, "-0", "8000000000000000")]
    [InlineData(1e308, "1e+308", "7fe1ccf385ebc8a0")]
    [InlineData(5e-324, "5e-324", "0000000000000001")]
    [InlineData(0.1, "0.1", "3fb999999999999a")]
    [InlineData(123456789.123, "123456789.123", "419d6f34547df3b6")]
    public void Float8_server_samples(double value, string text, string hex)
    {
        Assert.Equal(value, Read<double>(Float8, text));
        Assert.Equal(value, ReadHex<double>(Float8, hex));
        Assert.Equal(hex, ToHex(Write(Float8, value, PgFormat.Binary)));
        // Our text is .NET's shortest round-trip form; the server reads it back to the same double.
        Assert.Equal(value, Read<double>(Float8, Write(Float8, value, PgFormat.Text), PgFormat.Text));
        Assert.True(value.Equals(RoundTrip(Float8, value, PgFormat.Binary)));  // -0.0 and NaN included
    }

    // SELECT v::text, encode(float4send(v),'hex') FROM (VALUES (1.1::float4), ...) t(v)
    [Theory]
    [InlineData(1.1f, "1.1", "3f8ccccd")]
    [InlineData(float.NaN, "NaN", "7fc00000")]
    [InlineData(float.PositiveInfinity, "Infinity", "7f800000")]
    [InlineData(float.NegativeInfinity, "-Infinity", "ff800000")]
    [InlineData(float.MaxValue, "3.4028235e+38", "7f7fffff")]
    [InlineData(1e-45f, "1e-45", "00000001")]
    public void Float4_server_samples(float value, string text, string hex)
    {
        Assert.Equal(value, Read<float>(Float4, text));
        Assert.Equal(value, ReadHex<float>(Float4, hex));
        Assert.Equal(hex, ToHex(Write(Float4, value, PgFormat.Binary)));
        Assert.Equal(value, RoundTrip(Float4, value, PgFormat.Text));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NegativeInfinity, "-Infinity")]
    public void Special_values_written_as_postgres_spells_them(double value, string text)
    {
        Assert.Equal(text, Str(Write(Float8, value, PgFormat.Text)));
        Assert.Equal(text, Str(Write(Float4, (float)value, PgFormat.Text)));
    }

    [Theory]
    [InlineData("1e-5", 1e-5)]
    [InlineData("-0", -0.0)]
    [InlineData("123456789.123", 123456789.123)]
    [InlineData("1.7976931348623157e+308", double.MaxValue)]
    [InlineData("4.9406564584124654e-324", double.Epsilon)]
    public void Text_is_parsed_from_its_bytes(string text, double value)
    {
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(Read<double>(Float8, text)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5x")]
    public void Text_that_is_no_number_is_a_data_error_naming_it(string text)
    {
        Assert.Contains($"'{text}'", Assert.Throws<DataError>(() => Read<double>(Float8, text)).Message);
        Assert.Contains($"'{text}'", Assert.Throws<DataError>(() => Read<float>(Float4, text)).Message);
    }

    [Fact]
    public void Float4_read_as_double_is_the_same_in_both_formats()
    {
        var fromText = Read<double>(Float4, "1.1");
        var fromBinary = ReadHex<double>(Float4, "3f8ccccd");
        Assert.Equal(fromBinary, fromText);
        Assert.Equal((double)1.1f, fromText);
    }

    [Fact]
    public void Decimal_read_rejects_nan()
    {
        Assert.Equal(1.1m, Read<decimal>(Float8, "1.1"));
        var e = Assert.Throws<DataError>(() => Read<decimal>(Float8, "NaN"));
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var d = BitConverter.Int64BitsToDouble(rng.NextInt64());
            var f = BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31));
            foreach (var format in Formats)
            {
                var d2 = RoundTrip(Float8, d, format);
                Assert.True(d.Equals(d2), $"seed {seed}: float8 {d:R} came back as {d2:R} ({format})");
                var f2 = RoundTrip(Float4, f, format);
                Assert.True(f.Equals(f2), $"seed {seed}: float4 {f:R} came back as {f2:R} ({format})");
            }
        }
    }

    [Fact]
    public void Parameters_map_to_float4_and_float8()
    {
        Assert.Equal(Oids.Float8, TypeRegistry.Global.ForParameter(1.5).ParameterOid(1.5));
        Assert.Equal(Oids.Float4, TypeRegistry.Global.ForParameter(1.5f).ParameterOid(1.5f));
    }
}

public class FloatNegativeZeroTests
{
    [Fact]
    public void Negative_zero_keeps_its_sign_both_ways()
    {
        var codec = (PgCodec<double>)TypeRegistry.Global.ForOid(Oids.Float8)!;
        foreach (var format in Formats)
            Assert.True(double.IsNegative(RoundTrip(codec, -0.0, format)), format.ToString());
        Assert.Equal("-0", Str(Write(codec, -0.0, PgFormat.Text)));
    }
}
