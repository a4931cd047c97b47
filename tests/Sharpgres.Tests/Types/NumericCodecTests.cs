using System.Numerics;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class NumericCodecTests
{
    private static readonly NumericCodec Codec = NumericCodec.Instance;

    // Samples from PostgreSQL 15:
    //   SELECT v::text, encode(numeric_send(v),'hex') FROM (VALUES ('0'::numeric), ('0.000'), ...) t(v)
    public static TheoryData<string, string> ServerSamples => new()
    {
        { "0", "0000000000000000" },
        { "0.000", "0000000000000003" },
        { "1", "00010000000000000001" },
        { "-1", "00010000400000000001" },
        { "1.5", "000200000000000100011388" },
        { "1.50", "000200000000000200011388" },
        { "123456789.123456789", "0006000200000009000109291a8504d2162e2328" },
        { "-0.001", "0001ffff40000003000a" },
        { "10000", "00010001000000000001" },
        { "79228162514264337593543950335", "00080007000000000007240c0659059210f1172f112b014f" },
        { "10000000000000000000000000000000000000000", "0001000a000000000001" },
        { "0.0000000000000000000000000000001", "0001fff80000001f000a" },
        { "12345678901234567890.12345678901234567890", "000a00040000001404d2162e23340d801ed204d2162e23340d801ed2" },
    };

    [Theory]
    [MemberData(nameof(ServerSamples))]
    public void Server_samples_read_and_write_exactly(string text, string hex)
    {
        var fromText = Read<PgNumeric>(Codec, text);
        var fromBinary = ReadHex<PgNumeric>(Codec, hex);
        Assert.Equal(text, fromText.ToString());
        Assert.Equal(text, fromBinary.ToString());
        Assert.Equal(fromText.Scale, fromBinary.Scale);
        Assert.Equal(hex, ToHex(WriteObject(Codec, fromText, PgFormat.Binary)));
        Assert.Equal(text, Str(WriteObject(Codec, fromText, PgFormat.Text)));
    }

    // NaN and infinities: numeric_send gives 00000000c0000000, 00000000d0000020, 00000000f0000020.
    [Theory]
    [InlineData("NaN", "00000000c0000000")]
    [InlineData("Infinity", "00000000d0000020")]
    [InlineData("-Infinity", "00000000f0000020")]
    public void Special_values(string text, string hex)
    {
        var n = ReadHex<PgNumeric>(Codec, hex);
        Assert.Equal(text, n.ToString());
        Assert.Equal(n, Read<PgNumeric>(Codec, text));
        Assert.Equal(n, Read<PgNumeric>(Codec, WriteObject(Codec, n, PgFormat.Binary), PgFormat.Binary));
        Assert.Equal(text, Str(WriteObject(Codec, n, PgFormat.Text)));
        var e = Assert.Throws<DataError>(() => ReadHex<decimal>(Codec, hex));
        Assert.Contains(text, e.Message);
        Assert.Throws<DataError>(() => Read<decimal>(Codec, text));
        Assert.Throws<DataError>(() => ReadHex<BigInteger>(Codec, hex));
    }

    [Fact]
    public void Specials_as_double()
    {
        Assert.True(double.IsNaN(Read<double>(Codec, "NaN")));
        Assert.Equal(double.PositiveInfinity, ReadHex<double>(Codec, "00000000d0000020"));
        Assert.Equal(double.NegativeInfinity, Read<double>(Codec, "-Infinity"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.50")]
    [InlineData("-0.001")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("-79228162514264337593543950335")]
    [InlineData("0.0000000000000000000000000001")]
    [InlineData("7.9228162514264337593543950335")]
    public void Decimal_reads_keep_value_and_scale(string text)
    {
        var d = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var fromText = Read<decimal>(Codec, text);
        var fromBinary = Read<decimal>(Codec, WriteObject(Codec, PgNumeric.Parse(text), PgFormat.Binary), PgFormat.Binary);
        Assert.Equal(d, fromText);
        Assert.Equal(text, fromText.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(text, fromBinary.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Beyond_decimal_range_is_DataError_naming_the_value()
    {
        var e = Assert.Throws<DataError>(() => ReadHex<decimal>(Codec, "0001000a000000000001"));
        Assert.Contains("10000000000000000000000000000000000000000", e.Message);
        Assert.Throws<DataError>(() => Read<decimal>(Codec, "79228162514264337593543950336"));
    }

    [Fact]
    public void Beyond_decimal_precision_rounds_half_away_from_zero()
    {
        Assert.Equal(1.2345678901234567890123456789m, Read<decimal>(Codec, "1.23456789012345678901234567890123"));
        Assert.Equal(0.0000000000000000000000000001m, Read<decimal>(Codec, "0.00000000000000000000000000005"));
        Assert.Equal(-0.0000000000000000000000000001m, Read<decimal>(Codec, "-0.00000000000000000000000000005"));
        Assert.Equal(0m, Read<decimal>(Codec, "0.00000000000000000000000000004"));
        // 30 significant digits: the last is dropped (rounded) to fit 96 bits.
        Assert.Equal(12345678901234567890123456789m, Read<decimal>(Codec, "12345678901234567890123456789.4"));
    }

    [Fact]
    public void PgNumeric_and_BigInteger_hold_what_decimal_cannot()
    {
        var big = "123456789012345678901234567890123456789012345678901234567890.000000000000000000000000000000000000000001";
        var n = Read<PgNumeric>(Codec, big);
        Assert.Equal(big, n.ToString());
        Assert.Equal(big, ReadNumericViaBinary(n).ToString());
        var integer = BigInteger.Parse("-98765432109876543210987654321098765432109876543210");
        Assert.Equal(integer, Read<BigInteger>(Codec, integer.ToString()));
        Assert.Equal(integer, Read<BigInteger>(Codec, WriteObject(Codec, integer, PgFormat.Binary), PgFormat.Binary));
        Assert.Equal(new BigInteger(12), Read<BigInteger>(Codec, "12.000"));
        Assert.Throws<DataError>(() => Read<BigInteger>(Codec, "12.5"));
    }

    private static PgNumeric ReadNumericViaBinary(PgNumeric n) => Read<PgNumeric>(Codec, WriteObject(Codec, n, PgFormat.Binary), PgFormat.Binary);

    [Fact]
    public void Integer_reads_check_range()
    {
        Assert.Equal(42L, Read<long>(Codec, "42"));
        Assert.Equal(-7, Read<int>(Codec, "-7.000"));
        Assert.Throws<DataError>(() => Read<int>(Codec, "3000000000"));
        Assert.Throws<DataError>(() => Read<long>(Codec, "1.5"));
    }

    [Fact]
    public void Decimal_edges_round_trip_both_formats()
    {
        decimal[] values = [0m, 0.000m, 1m, -1m, decimal.MaxValue, decimal.MinValue, 0.0000000000000000000000000001m,
            -0.0000000000000000000000000001m, 1.50m, 10000m, 9999.9999m, 0.0001m, 12345.6789m, 1e-10m];
        foreach (var format in Formats)
        foreach (var value in values)
        {
            var back = RoundTrip(Codec, value, format);
            Assert.Equal(value, back);
            Assert.Equal(value.Scale, back.Scale);
        }
    }

    [Fact]
    public void Random_decimals_round_trip()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 3000; i++)
        {
            var value = new decimal(rng.Next(), rng.Next(), rng.Next(), rng.Next(2) == 0, (byte)rng.Next(29));
            foreach (var format in Formats)
            {
                var back = RoundTrip(Codec, value, format);
                Assert.True(value == back && value.Scale == back.Scale, $"seed {seed}: {value} came back as {back} ({format})");
            }
        }
    }

    [Fact]
    public void Random_big_numerics_round_trip()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var digits = new char[rng.Next(1, 200)];
            for (var k = 0; k < digits.Length; k++) digits[k] = (char)('0' + rng.Next(10));
            var unscaled = BigInteger.Parse(new string(digits)) * (rng.Next(2) == 0 ? 1 : -1);
            var value = new PgNumeric(unscaled, rng.Next(0, 120));
            foreach (var format in Formats)
            {
                var back = Read<PgNumeric>(Codec, WriteObject(Codec, value, format), format);
                Assert.True(value.ToString() == back.ToString(), $"seed {seed}: {value} came back as {back} ({format})");
            }
        }
    }

    [Fact]
    public void Parameters()
    {
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(1.5m));
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(PgNumeric.NaN));
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(BigInteger.One));
        Assert.Equal("NaN", Str(WriteParameter(PgNumeric.NaN, PgFormat.Text)));
        Assert.Equal("00000000c0000000", ToHex(WriteParameter(PgNumeric.NaN, PgFormat.Binary)));
    }
}

public class PgNumericTests
{
    [Theory]
    [InlineData("1e3", "1000")]
    [InlineData("1.5e-3", "0.0015")]
    [InlineData("+12.30", "12.30")]
    [InlineData("-.5", "-0.5")]
    [InlineData("inf", "Infinity")]
    [InlineData("-INFINITY", "-Infinity")]
    [InlineData("nan", "NaN")]
    public void Parse_accepts_postgres_input(string input, string expected) => Assert.Equal(expected, PgNumeric.Parse(input).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    [InlineData("1e")]
    public void Parse_rejects_garbage(string input) => Assert.False(PgNumeric.TryParse(input, out _));

    [Fact]
    public void Equality_is_by_value_and_nan_equals_nan()
    {
        Assert.Equal(PgNumeric.Parse("1.5"), PgNumeric.Parse("1.500"));
        Assert.Equal(PgNumeric.Parse("1.5").GetHashCode(), PgNumeric.Parse("1.500").GetHashCode());
        Assert.Equal(PgNumeric.Zero.GetHashCode(), PgNumeric.Parse("0.000").GetHashCode());
        Assert.Equal(PgNumeric.NaN, PgNumeric.Parse("NaN"));
        Assert.NotEqual(PgNumeric.PositiveInfinity, PgNumeric.NegativeInfinity);
        Assert.True(PgNumeric.NegativeInfinity < PgNumeric.Parse("-1e100"));
        Assert.True(PgNumeric.Parse("1e100") < PgNumeric.PositiveInfinity);
        Assert.True(PgNumeric.PositiveInfinity < PgNumeric.NaN);
        Assert.True(PgNumeric.Parse("-2") < PgNumeric.Parse("-1.99"));
    }

    [Fact]
    public void Conversions()
    {
        PgNumeric fromDecimal = -12.340m;
        Assert.Equal("-12.340", fromDecimal.ToString());
        Assert.Equal(3, fromDecimal.Scale);
        Assert.Equal(-12.34, (double)fromDecimal);
        Assert.Equal(-12.340m, (decimal)fromDecimal);
        Assert.False(fromDecimal.IsInteger);
        PgNumeric fromLong = long.MinValue;
        Assert.Equal(new BigInteger(long.MinValue), (BigInteger)fromLong);
        Assert.Equal(-1, fromLong.Sign);
        Assert.Equal(0, PgNumeric.NaN.Sign);
    }
}
