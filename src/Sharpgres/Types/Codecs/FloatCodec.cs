using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// float4 / float8 ↔ float / double. Binary is the IEEE 754 bits big-endian; text is what the server prints with
/// extra_float_digits=3 (shortest exact), with NaN, Infinity and -Infinity spelled as PostgreSQL does.
/// </summary>
internal sealed class FloatCodec<T>(uint oid, string name) : PgCodec<T>, IPgReader<float>, IPgReader<double>, IPgReader<decimal>
    where T : struct, IBinaryFloatingPointIeee754<T>
{
    public override uint Oid => oid;
    public override string PgTypeName => name;
    private static bool IsSingle => typeof(T) == typeof(float);

    private double ReadDouble(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Binary)
        {
            return (oid, data.Length) switch
            {
                (Oids.Float4, 4) => BinaryPrimitives.ReadSingleBigEndian(data),
                (Oids.Float8, 8) => BinaryPrimitives.ReadDoubleBigEndian(data),
                _ => throw new DataError($"invalid binary {name} of {data.Length} bytes"),
            };
        }
        // Parsed from the UTF-8 bytes themselves: no string per value (a text result or COPY of floats).
        if (data.SequenceEqual("NaN"u8)) return double.NaN;
        if (data.SequenceEqual("Infinity"u8)) return double.PositiveInfinity;
        if (data.SequenceEqual("-Infinity"u8)) return double.NegativeInfinity;
        // float4 text is parsed as float so a float4 read as double is the same in both formats.
        if (oid == Oids.Float4)
            return float.TryParse(data, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw Invalid(data);
        return double.TryParse(data, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw Invalid(data);
    }

    private DataError Invalid(ReadOnlySpan<byte> data) => new($"invalid {name} value: '{Encoding.UTF8.GetString(data)}'");

    public override T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => T.CreateTruncating(ReadDouble(data, format));
    float IPgReader<float>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (float)ReadDouble(data, format);
    double IPgReader<double>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadDouble(data, format);

    decimal IPgReader<decimal>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var d = ReadDouble(data, format);
        if (!double.IsFinite(d) || Math.Abs(d) > (double)decimal.MaxValue)
            throw new DataError($"{name} value {Format(d)} cannot be read as decimal");
        return IsSingle ? (decimal)(float)d : (decimal)d;
    }

    internal static string Format(double d) =>
        double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
        : IsSingle ? ((float)d).ToString("R", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    internal override void Write(WriteBuffer buffer, T value, PgFormat format, in ReadContext context)
    {
        var d = double.CreateTruncating(value);
        if (format == PgFormat.Text)
        {
            if (!double.IsFinite(d)) { buffer.WriteUtf8(Format(d)); return; }
            // The shortest round-trip form ("R"), formatted straight into the buffer: no string per value.
            var span = buffer.GetSpan(32);
            if (!IsSingle && ShortDecimal.TryWrite(d, span, out var shortLength)) { buffer.Advance(shortLength); return; }
            var written = IsSingle ? ((float)d).TryFormat(span, out var n, default, CultureInfo.InvariantCulture)
                : d.TryFormat(span, out n, default, CultureInfo.InvariantCulture);
            if (!written) throw new InvalidOperationException("a float8 formatted to more than 32 bytes");
            buffer.Advance(n);
            return;
        }
        // NaN goes out as the server's own NaN bits (.NET's double.NaN has the sign bit set).
        if (IsSingle) buffer.WriteInt32(double.IsNaN(d) ? 0x7FC00000 : BitConverter.SingleToInt32Bits((float)d));
        else buffer.WriteInt64(double.IsNaN(d) ? 0x7FF8000000000000 : BitConverter.DoubleToInt64Bits(d));
    }
}
