using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// bytea ↔ byte[] (also ReadOnlyMemory&lt;byte&gt; / Memory&lt;byte&gt; / ArraySegment&lt;byte&gt; as parameters).
/// Binary is the raw bytes. Text is hex (<c>\x0aff</c>, bytea_output=hex); the older escape format
/// (<c>abc\000\\</c>) is accepted when reading too.
/// </summary>
internal sealed class ByteaCodec : PgCodec<byte[]>, IPgReader<ReadOnlyMemory<byte>>, IPgReader<Memory<byte>>, IPgReader<ArraySegment<byte>>
{
    public static readonly ByteaCodec Instance = new();

    public override uint Oid => Oids.Bytea;
    public override string PgTypeName => "bytea";

    public override byte[] Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary) return data.ToArray();
        if (data.Length >= 2 && data[0] == '\\' && data[1] == 'x') return ReadHex(data[2..]);
        return ReadEscape(data);
    }

    ReadOnlyMemory<byte> IPgReader<ReadOnlyMemory<byte>>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Read(data, format, context);
    Memory<byte> IPgReader<Memory<byte>>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Read(data, format, context);
    ArraySegment<byte> IPgReader<ArraySegment<byte>>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Read(data, format, context);

    private static byte[] ReadHex(ReadOnlySpan<byte> hex)
    {
        // byteain allows whitespace between pairs; the server never sends any, so only the plain case is fast.
        var result = new byte[hex.Length / 2];
        var n = 0;
        for (var i = 0; i < hex.Length;)
        {
            if (hex[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') { i++; continue; }
            if (i + 1 >= hex.Length) throw new DataError("invalid bytea hex text: odd number of digits");
            result[n++] = (byte)(HexValue(hex[i]) << 4 | HexValue(hex[i + 1]));
            i += 2;
        }
        return n == result.Length ? result : result[..n];
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => throw new DataError($"invalid hexadecimal digit in bytea: '{(char)c}'"),
    };

    private static byte[] ReadEscape(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\') { result.Add(text[i]); continue; }
            if (i + 1 < text.Length && text[i + 1] == '\\') { result.Add((byte)'\\'); i++; continue; }
            if (i + 3 < text.Length && IsOctal(text[i + 1]) && IsOctal(text[i + 2]) && IsOctal(text[i + 3]))
            {
                result.Add((byte)((text[i + 1] - '0') << 6 | (text[i + 2] - '0') << 3 | (text[i + 3] - '0')));
                i += 3;
                continue;
            }
            throw new DataError("invalid bytea escape text");
        }
        return result.ToArray();
    }

    private static bool IsOctal(byte c) => c is >= (byte)'0' and <= (byte)'7';

    internal override void Write(WriteBuffer buffer, byte[] value, PgFormat format, in ReadContext context) => WriteSpan(buffer, value, format);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        switch (value)
        {
            case byte[] bytes: WriteSpan(buffer, bytes, format); break;
            case ReadOnlyMemory<byte> rom: WriteSpan(buffer, rom.Span, format); break;
            case Memory<byte> mem: WriteSpan(buffer, mem.Span, format); break;
            case ArraySegment<byte> seg: WriteSpan(buffer, seg.AsSpan(), format); break;
            default: throw new InvalidCastException($"bytea cannot write a {value.GetType().Name}");
        }
    }

    private static void WriteSpan(WriteBuffer buffer, ReadOnlySpan<byte> value, PgFormat format)
    {
        if (format == PgFormat.Binary) { buffer.WriteBytes(value); return; }
        var span = buffer.GetSpan(2 + value.Length * 2);
        span[0] = (byte)'\\';
        span[1] = (byte)'x';
        Convert.TryToHexStringLower(value, span[2..], out var written);
        buffer.Advance(2 + written);
    }
}
