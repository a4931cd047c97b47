using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// uuid ↔ Guid. Binary is the 16 bytes in RFC 4122 (big-endian) order, which is not .NET's mixed-endian
/// <see cref="Guid.ToByteArray()"/> layout: the big-endian Guid constructor and TryWriteBytes are used.
/// </summary>
internal sealed class UuidCodec : PgCodec<Guid>, IPgReader<string>
{
    public static readonly UuidCodec Instance = new();

    public override uint Oid => Oids.Uuid;
    public override string PgTypeName => "uuid";

    public override Guid Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary)
            return data.Length == 16 ? new Guid(data, bigEndian: true) : throw new DataError($"invalid binary uuid of {data.Length} bytes");
        var s = Encoding.UTF8.GetString(data);
        return Guid.TryParse(s, out var g) ? g : throw new DataError($"invalid uuid value: '{s}'");
    }

    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        format == PgFormat.Text ? Encoding.UTF8.GetString(data) : Read(data, format, context).ToString();

    internal override void Write(WriteBuffer buffer, Guid value, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Text) { buffer.WriteUtf8(value.ToString("D")); return; }
        value.TryWriteBytes(buffer.GetSpan(16), bigEndian: true, out _);
        buffer.Advance(16);
    }
}
