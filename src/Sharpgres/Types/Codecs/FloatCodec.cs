using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>float4 / float8: one generic codec; NaN and ±Infinity both ways (text 'NaN', 'Infinity', '-Infinity').</summary>
internal sealed class FloatCodec<T>(uint oid, string name) : PgCodec<T>, IPgReader<double>, IPgReader<decimal>
    where T : struct, IBinaryFloatingPointIeee754<T>
{
    public override uint Oid => oid;
    public override string PgTypeName => name;

    private double ReadDouble(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Binary)
            return oid == Oids.Float4 ? BinaryPrimitives.ReadSingleBigEndian(data) : BinaryPrimitives.ReadDoubleBigEndian(data);
        var text = Encoding.ASCII.GetString(data);
        return text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    public override T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => T.CreateSaturating(ReadDouble(data, format));
    double IPgReader<double>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadDouble(data, format);
    decimal IPgReader<decimal>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (decimal)ReadDouble(data, format);

    internal override void Write(WriteBuffer buffer, T value, PgFormat format, in ReadContext context)
    {
        var d = double.CreateSaturating(value);
        if (format == PgFormat.Text)
        {
            buffer.WriteUtf8(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity"
                : oid == Oids.Float4 ? ((float)d).ToString("R", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture));
            return;
        }
        if (oid == Oids.Float4) BinaryPrimitives.WriteSingleBigEndian(buffer.GetSpan(4), (float)d);
        else BinaryPrimitives.WriteDoubleBigEndian(buffer.GetSpan(8), d);
        buffer.Advance(oid == Oids.Float4 ? 4 : 8);
    }
}
