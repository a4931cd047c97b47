using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// The one-byte "char" type (OID 18, pg_type.typtype and friends) read as string (also char or byte). Binary is the
/// byte (0 for the empty value); text is the character, or \ooo for bytes with the high bit set (PostgreSQL 15+),
/// which string reads give in both formats.
/// </summary>
internal sealed class CharCodec : PgCodec<string>, IPgReader<char>, IPgReader<byte>
{
    public static readonly CharCodec Instance = new();

    public override uint Oid => Oids.Char;
    public override string PgTypeName => "char";

    private static byte ReadByte(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Binary || data.Length <= 1) return data.IsEmpty ? (byte)0 : data[0];
        if (data.Length == 4 && data[0] == '\\') return (byte)((data[1] - '0') << 6 | (data[2] - '0') << 3 | (data[3] - '0'));
        return data[0];   // servers before 15 send the raw byte; multi-byte text isn't a "char" value
    }

    public override string Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text) return Encoding.UTF8.GetString(data);
        var b = ReadByte(data, format);
        return b == 0 ? "" : b < 0x80 ? ((char)b).ToString() : "\\" + Convert.ToString(b, 8);
    }

    char IPgReader<char>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => (char)ReadByte(data, format);
    byte IPgReader<byte>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => ReadByte(data, format);

    internal override void Write(WriteBuffer buffer, string value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text) { buffer.WriteUtf8(value); return; }
        // charin keeps the first byte, or decodes \ooo.
        var bytes = Encoding.UTF8.GetBytes(value);
        buffer.WriteByte(bytes.Length == 4 && bytes[0] == '\\' ? ReadByte(bytes, PgFormat.Text) : bytes.Length == 0 ? (byte)0 : bytes[0]);
    }
}

/// <summary>A .NET char parameter: sent as a one-character string, untyped like every string.</summary>
internal sealed class CharParameterCodec : PgCodec<char>
{
    public static readonly CharParameterCodec Instance = new();

    public override uint Oid => Oids.Text;
    public override string PgTypeName => "text";
    public override uint ParameterOid(object value) => 0;
    public override PgFormat ParameterFormat(object value) => PgFormat.Text;

    public override char Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        ((IPgReader<char>)TextCodec.Instance).Read(data, format, context);

    internal override void Write(WriteBuffer buffer, char value, PgFormat format, in ReadContext context)
    {
        if (value == '\0') throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes");
        if (char.IsSurrogate(value)) throw new DataError("a lone UTF-16 surrogate can't be sent as text: pass the character as a string");
        Span<char> one = [value];
        buffer.WriteUtf8(one);
    }
}
