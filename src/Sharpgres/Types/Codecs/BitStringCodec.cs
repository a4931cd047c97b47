using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// bit(n) / varbit ↔ BitArray, index 0 being the leftmost bit. Binary is int32 bit count then the bits packed
/// most-significant first; text is '0'/'1' characters. Also read as string ("0101") and, for one bit, as bool.
/// BitArray parameters go as varbit (bool[] is kept for boolean arrays).
/// </summary>
internal sealed class BitStringCodec(uint oid, string name) : PgCodec<BitArray>, IPgReader<string>, IPgReader<bool>
{
    public static readonly BitStringCodec Bit = new(Oids.Bit, "bit");
    public static readonly BitStringCodec Varbit = new(Oids.Varbit, "varbit");

    public override uint Oid => oid;
    public override string PgTypeName => name;

    public override BitArray Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var bits = new BitArray(data.Length);
            for (var i = 0; i < data.Length; i++)
                bits[i] = data[i] switch { (byte)'1' => true, (byte)'0' => false, _ => throw new DataError($"invalid {name} value: '{Encoding.UTF8.GetString(data)}'") };
            return bits;
        }
        var count = data.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(data) : -1;
        if (count < 0 || data.Length != 4 + (count + 7) / 8) throw new DataError($"invalid binary {name} value");
        var result = new BitArray(count);
        for (var i = 0; i < count; i++) result[i] = (data[4 + i / 8] & (0x80 >> (i % 8))) != 0;
        return result;
    }

    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text) return Encoding.UTF8.GetString(data);
        var bits = Read(data, format, context);
        var sb = new StringBuilder(bits.Length);
        for (var i = 0; i < bits.Length; i++) sb.Append(bits[i] ? '1' : '0');
        return sb.ToString();
    }

    bool IPgReader<bool>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var bits = Read(data, format, context);
        return bits.Length == 1 ? bits[0] : throw new InvalidCastException($"only a single bit can be read as bool, not {bits.Length}");
    }

    internal override void Write(WriteBuffer buffer, BitArray value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text)
        {
            var text = buffer.GetSpan(value.Length);
            for (var i = 0; i < value.Length; i++) text[i] = value[i] ? (byte)'1' : (byte)'0';
            buffer.Advance(value.Length);
            return;
        }
        buffer.WriteInt32(value.Length);
        var bytes = buffer.GetSpan((value.Length + 7) / 8);
        bytes.Clear();
        for (var i = 0; i < value.Length; i++)
            if (value[i]) bytes[i / 8] |= (byte)(0x80 >> (i % 8));
        buffer.Advance((value.Length + 7) / 8);
    }
}
