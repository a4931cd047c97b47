using System.Globalization;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

/// <summary>
/// The text forms of timestamps and floats are written digit by digit into the buffer (text COPY's hot path): they
/// must say exactly what the framework's own formatting said, for values across the whole range.
/// </summary>
public class TextFormsTests
{
    private static readonly PgCodec<double> Float8 = (PgCodec<double>)TypeRegistry.Global.ForOid(Oids.Float8)!;
    private static readonly PgCodec<float> Float4 = (PgCodec<float>)TypeRegistry.Global.ForOid(Oids.Float4)!;

    public static IEnumerable<object[]> Instants()
    {
        yield return [new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddTicks(1)];
        yield return [new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified).AddTicks(9_999_990)];   // MaxValue itself is 'infinity'
        yield return [new DateTime(999, 2, 3, 4, 5, 6, DateTimeKind.Unspecified)];
        yield return [new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc).AddTicks(10)];
        var random = new Random(17);
        for (var i = 0; i < 40; i++)
            yield return [new DateTime(random.NextInt64(DateTime.MinValue.Ticks + 1, DateTime.MaxValue.Ticks), i % 2 == 0 ? DateTimeKind.Unspecified : DateTimeKind.Utc)];
    }

    [Theory, MemberData(nameof(Instants))]
    public void A_timestamp_is_written_as_the_framework_formats_it(DateTime value)
    {
        var expected = value.ToString("yyyy'-'MM'-'dd HH':'mm':'ss'.'ffffff", CultureInfo.InvariantCulture)
            + (value.Kind == DateTimeKind.Utc ? "+00" : "");
        Assert.Equal(expected, Str(Write(TimestampCodec.Instance, value, PgFormat.Text)));
    }

    [Fact]
    public void The_ends_of_the_range_are_infinities()
    {
        Assert.Equal("infinity", Str(Write(TimestampCodec.Instance, DateTime.MaxValue, PgFormat.Text)));
        Assert.Equal("-infinity", Str(Write(TimestampCodec.Instance, DateTime.MinValue, PgFormat.Text)));
    }

    [Fact]
    public void Floats_are_written_in_their_shortest_round_trip_form()
    {
        var random = new Random(23);
        var doubles = new List<double> { 0.0, -0.0, 1.5, -2.25, 1e20, 1e-20, double.MaxValue, double.Epsilon, 0.1 + 0.2, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
        for (var i = 0; i < 200; i++) doubles.Add(BitConverter.Int64BitsToDouble(random.NextInt64()));
        doubles.AddRange(ShortDecimals());
        foreach (var d in doubles)
        {
            var expected = double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
                : d.ToString("R", CultureInfo.InvariantCulture);
            Assert.Equal(expected, Str(Write(Float8, d, PgFormat.Text)));
            if (double.IsFinite(d)) Assert.Equal(d, double.Parse(Str(Write(Float8, d, PgFormat.Text)), CultureInfo.InvariantCulture));
            var f = (float)d;
            if (float.IsFinite(f)) Assert.Equal(f.ToString("R", CultureInfo.InvariantCulture), Str(Write(Float4, f, PgFormat.Text)));
        }
    }

    /// <summary>
    /// Doubles that are short decimals (ShortDecimal's fast path) and the edges around it: counts, halves, prices,
    /// values needing more decimals than it takes, the bounds where "R" turns to an exponent, sums that aren't
    /// quite their decimal (0.1 + 0.2), and integers up to where they stop being exact in a scaled form.
    /// </summary>
    public static IEnumerable<double> ShortDecimals()
    {
        var random = new Random(29);
        for (var i = -50; i <= 50; i++) yield return i * 1.5;
        for (var i = 0; i < 300; i++) yield return random.Next(-10_000_000, 10_000_000) / 100.0;
        for (var i = 0; i < 100; i++) yield return random.Next(1, 100_000) / 10_000.0;
        for (var i = 0; i < 100; i++) yield return random.Next(1, 100_000) / 100_000.0;   // five decimals: the formatter's
        yield return 4.35; yield return 0.3; yield return 0.1 + 0.2; yield return -7; yield return 0.05; yield return -0.0001;
        yield return 1e-4; yield return 0.99e-4; yield return 1.00001e-4;
        yield return 1e15; yield return 1e15 - 1; yield return 999_999_999_999_999.9; yield return 99_999_999_999.9999;
        yield return 123456789012345; yield return -123456789012345.6; yield return 9007199254740993; yield return 4503599627370497.5;
        yield return Math.PI; yield return 1.0 / 3; yield return 2.0 / 3 * 1000;
    }
}
