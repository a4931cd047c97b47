using System.Net.NetworkInformation;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// macaddr (6 bytes) and macaddr8 (8 bytes) ↔ PhysicalAddress. Binary is the bytes; text is colon-separated lowercase
/// hex (08:00:2b:01:02:03). A PhysicalAddress parameter goes as macaddr or macaddr8 by its length.
/// </summary>
internal sealed class MacAddrCodec(uint oid, string name, int length) : PgCodec<PhysicalAddress>, IPgReader<string>
{
    public static readonly MacAddrCodec MacAddr = new(Oids.MacAddr, "macaddr", 6);
    public static readonly MacAddrCodec MacAddr8 = new(Oids.MacAddr8, "macaddr8", 8);

    public override uint Oid => oid;
    public override string PgTypeName => name;

    public override uint ParameterOid(object value) =>
        value is PhysicalAddress p && p.GetAddressBytes().Length == 8 ? Oids.MacAddr8 : Oids.MacAddr;

    public override PhysicalAddress Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (format == PgFormat.Binary)
            return data.Length == length ? new PhysicalAddress(data.ToArray()) : throw new DataError($"invalid binary {name} of {data.Length} bytes");
        var s = Encoding.UTF8.GetString(data);
        var hex = s.Replace(":", "").Replace("-", "").Replace(".", "");
        return hex.Length == 2 * length && PhysicalAddress.TryParse(hex, out var address) ? address : throw new DataError($"invalid {name} value: '{s}'");
    }

    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        format == PgFormat.Text ? Encoding.UTF8.GetString(data) : Format(data.ToArray());

    private static string Format(byte[] bytes) => string.Join(':', bytes.Select(b => b.ToString("x2")));

    internal override void Write(WriteBuffer buffer, PhysicalAddress value, PgFormat format, in ReadContext context)
    {
        var bytes = value.GetAddressBytes();
        if (bytes.Length is not (6 or 8)) throw new DataError($"a MAC address has 6 or 8 bytes, not {bytes.Length}");
        if (format == PgFormat.Binary) buffer.WriteBytes(bytes);
        else buffer.WriteUtf8(Format(bytes));
    }
}
