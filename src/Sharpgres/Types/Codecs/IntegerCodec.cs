using System.Buffers.Binary;
using System.Buffers.Text;
using System.Numerics;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// int2 / int4 / int8 (and oid, xid, cid as unsigned): one generic codec for every integer width. Each instance
/// reads its PostgreSQL width and can hand the value to any .NET integer type without boxing.
/// </summary>
internal sealed class IntegerCodec<T>(uint oid, string name, int width) : PgCodec<T>,
    IPgReader<short>, IPgReader<int>, IPgReader<long>, IPgReader<decimal>, IPgReader<double>, IPgReader<uint>
    where T : struct, IBinaryInteger<T>
{
    public override uint Oid => oid;
    public override string PgTypeName => name;

    private long ReadInt64(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Text)
        {
            if (!Utf8Parser.TryParse(data, out long parsed, out _)) throw new DataError($"invalid {name} value: {System.Text.Encoding.UTF8.GetString(data)}");
            return parsed;
        }
        return width switch
        {
            2 => BinaryPrimitives.ReadInt16BigEndian(data),
            4 when oid is Oids.Int4 => BinaryPrimitives.ReadInt32BigEndian(data),
            4 => BinaryPrimitives.ReadUInt32BigEndian(data),   // oid, xid, cid are unsigned
            _ => BinaryPrimitives.ReadInt64BigEndian(data),
        };
    }

    public override T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => T.CreateChecked(ReadInt64(data, format));
    short IPgReader<short>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => checked((short)ReadInt64(data, format));
    int IPgReader<int>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => checked((int)ReadInt64(data, format));
    long IPgReader<long>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadInt64(data, format);
    uint IPgReader<uint>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => checked((uint)ReadInt64(data, format));
    decimal IPgReader<decimal>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadInt64(data, format);
    double IPgReader<double>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadInt64(data, format);

    internal override void Write(WriteBuffer buffer, T value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var span = buffer.GetSpan(20);
            Utf8Formatter.TryFormat(long.CreateChecked(value), span, out var n);
            buffer.Advance(n);
            return;
        }
        switch (width)
        {
            case 2: buffer.WriteInt16(short.CreateChecked(value)); break;
            case 4 when oid is Oids.Int4: buffer.WriteInt32(int.CreateChecked(value)); break;
            case 4: buffer.WriteUInt32(uint.CreateChecked(value)); break;
            default: buffer.WriteInt64(long.CreateChecked(value)); break;
        }
    }
}
