using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// Types read as their text with no dedicated codec (xml, money, tsvector, geometric types, pg_lsn, reg*...):
/// registered so Description shows their name; CanReadBinary is false, so their results are asked for in text.
/// Not a parameter writer (strings go untyped and the server converts them).
/// </summary>
internal sealed class TextOnlyCodec(uint oid, string name) : PgCodec<string>
{
    public override uint Oid => oid;
    public override string PgTypeName => name;
    public override bool CanReadBinary => false;
    public override uint ParameterOid(object value) => 0;
    public override PgFormat ParameterFormat(object value) => PgFormat.Text;

    public override string Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        format == PgFormat.Text ? Encoding.UTF8.GetString(data) : throw new NotSupportedError($"{name} values can only be read in text format");

    internal override void Write(WriteBuffer buffer, string value, PgFormat format, in ReadContext context) =>
        TextCodec.Instance.Write(buffer, value, format, context);
}
