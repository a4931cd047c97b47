using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// text, varchar, bpchar, name, citext, unknown — and the fallback for any type without a codec, read as its text.
/// Strings go out untyped (OID 0) so the server infers the column's type, as psycopg does: a string into a date
/// column works.
/// </summary>
internal sealed class TextCodec : PgCodec<string>, IPgReader<char>
{
    public static readonly TextCodec Instance = new();

    public override uint Oid => Oids.Text;
    public override string PgTypeName => "text";
    public override uint ParameterOid(object value) => 0;
    public override PgFormat ParameterFormat(object value) => PgFormat.Text;

    // Both formats of text types are the UTF-8 bytes.
    public override string Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Encoding.UTF8.GetString(data);

    char IPgReader<char>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var s = Encoding.UTF8.GetString(data);
        return s.Length == 1 ? s[0] : throw new InvalidCastException($"cannot read the string '{s}' as a char");
    }

    internal override void Write(WriteBuffer buffer, string value, PgFormat format, in ReadContext context)
    {
        if (value.Contains('\0'))
            throw new DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes");
        buffer.WriteUtf8(value);
    }
}
