using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// numeric ↔ decimal (default), <see cref="PgNumeric"/> (lossless), BigInteger, double. Binary is
/// ndigits, weight, sign, dscale (int16 each) then ndigits base-10000 digits, the first worth 10000^weight.
/// </summary>
internal sealed class NumericCodec : PgCodec<decimal>, IPgReader<PgNumeric>, IPgReader<BigInteger>, IPgReader<double>,
    IPgReader<float>, IPgReader<long>, IPgReader<int>
{
    public static readonly NumericCodec Instance = new();

    private const ushort Positive = 0x0000, Negative = 0x4000, NaN = 0xC000, PositiveInfinity = 0xD000, NegativeInfinity = 0xF000;

    public override uint Oid => Oids.Numeric;
    public override string PgTypeName => "numeric";

    public override decimal Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (decimal)ReadNumeric(data, format);
    PgNumeric IPgReader<PgNumeric>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadNumeric(data, format);
    BigInteger IPgReader<BigInteger>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (BigInteger)ReadNumeric(data, format);
    double IPgReader<double>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (double)ReadNumeric(data, format);
    float IPgReader<float>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (float)(double)ReadNumeric(data, format);
    long IPgReader<long>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ToInteger<long>(ReadNumeric(data, format));
    int IPgReader<int>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ToInteger<int>(ReadNumeric(data, format));

    private static T ToInteger<T>(PgNumeric value) where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var integer = (BigInteger)value;
        if (integer < BigInteger.CreateTruncating(T.MinValue) || integer > BigInteger.CreateTruncating(T.MaxValue))
            throw new DataError($"numeric value {value} is out of the range of {typeof(T).Name}");
        return T.CreateTruncating(integer);
    }

    internal static PgNumeric ReadNumeric(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Text)
        {
            var s = Encoding.UTF8.GetString(data);
            return PgNumeric.TryParse(s, out var parsed) ? parsed : throw new DataError($"invalid numeric value: '{s}'");
        }
        if (data.Length < 8) throw new DataError("invalid binary numeric: too short");
        int ndigits = BinaryPrimitives.ReadInt16BigEndian(data);
        int weight = BinaryPrimitives.ReadInt16BigEndian(data[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        int dscale = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        switch (sign)
        {
            case NaN: return PgNumeric.NaN;
            case PositiveInfinity: return PgNumeric.PositiveInfinity;
            case NegativeInfinity: return PgNumeric.NegativeInfinity;
            case not (Positive or Negative): throw new DataError($"invalid binary numeric sign 0x{sign:X4}");
        }
        if (data.Length != 8 + 2 * ndigits) throw new DataError("invalid binary numeric: length doesn't match ndigits");
        var value = BigInteger.Zero;
        var chunk = 0L;                    // four base-10000 digits at a time keeps BigInteger work down
        var inChunk = 0;
        for (var i = 0; i < ndigits; i++)
        {
            chunk = chunk * 10000 + BinaryPrimitives.ReadInt16BigEndian(data[(8 + 2 * i)..]);
            if (++inChunk == 4) { value = value * 10000_0000_0000_0000L + chunk; chunk = 0; inChunk = 0; }
        }
        if (inChunk > 0) value = value * BigInteger.Pow(10000, inChunk) + chunk;
        // The last digit is worth 10000^(weight - ndigits + 1); the result has dscale decimal places.
        var shift = 4 * (weight - ndigits + 1) + dscale;
        value = shift >= 0 ? value * BigInteger.Pow(10, shift) : BigInteger.Divide(value, BigInteger.Pow(10, -shift));
        return new PgNumeric(sign == Negative ? -value : value, dscale);
    }

    internal override void Write(WriteBuffer buffer, decimal value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var span = buffer.GetSpan(32);
            value.TryFormat(span, out var n, default, CultureInfo.InvariantCulture);
            buffer.Advance(n);
            return;
        }
        WriteNumeric(buffer, new PgNumeric(value));
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var numeric = value switch
        {
            decimal d => new PgNumeric(d),
            PgNumeric n => n,
            BigInteger b => new PgNumeric(b, 0),
            _ => throw new InvalidCastException($"numeric cannot write a {value.GetType().Name}"),
        };
        if (format == PgFormat.Text) buffer.WriteUtf8(numeric.ToString());
        else WriteNumeric(buffer, numeric);
    }

    internal static void WriteNumeric(WriteBuffer buffer, PgNumeric value)
    {
        if (!value.IsFinite)
        {
            buffer.WriteInt32(0);    // ndigits, weight
            buffer.WriteInt16(unchecked((short)(value.IsNaN ? NaN : value.IsPositiveInfinity ? PositiveInfinity : NegativeInfinity)));
            buffer.WriteInt16(0);
            return;
        }
        if (value.Scale > 0x3FFF) throw new DataError($"numeric scale {value.Scale} exceeds PostgreSQL's limit of 16383");
        var digits = BigInteger.Abs(value.UnscaledValue).ToString(CultureInfo.InvariantCulture);
        if (digits == "0")
        {
            buffer.WriteInt32(0);
            buffer.WriteInt16(0);
            buffer.WriteInt16((short)value.Scale);
            return;
        }
        // Align the digits on the decimal point in groups of four: pad the integer part left, the fraction right.
        var scale = value.Scale;
        if (digits.Length <= scale) digits = new string('0', scale - digits.Length + 1) + digits;
        var integerLength = digits.Length - scale;
        var padLeft = (4 - integerLength % 4) % 4;
        var padRight = (4 - scale % 4) % 4;
        var all = new string('0', padLeft) + digits + new string('0', padRight);
        var groups = all.Length / 4;
        var weight = (integerLength + padLeft) / 4 - 1;
        var first = 0;
        while (first < groups && all.AsSpan(first * 4, 4).SequenceEqual("0000")) first++;
        var last = groups - 1;
        while (last > first && all.AsSpan(last * 4, 4).SequenceEqual("0000")) last--;
        var ndigits = last - first + 1;
        weight -= first;
        if (ndigits > short.MaxValue || weight is > short.MaxValue or < short.MinValue)
            throw new DataError($"numeric value with {digits.Length} digits is out of PostgreSQL's range");
        buffer.WriteInt16((short)ndigits);
        buffer.WriteInt16((short)weight);
        buffer.WriteInt16(unchecked((short)(value.Sign < 0 ? Negative : Positive)));
        buffer.WriteInt16((short)scale);
        for (var g = first; g <= last; g++)
            buffer.WriteInt16(short.Parse(all.AsSpan(g * 4, 4), CultureInfo.InvariantCulture));
    }
}
