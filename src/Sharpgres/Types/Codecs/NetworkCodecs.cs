using System.Net;
using System.Net.Sockets;
using System.Text;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// inet ↔ IPAddress (the default read drops the netmask; read (IPAddress, int) to keep it), and (IPAddress, int)
/// parameters for an address with a netmask. Binary is family (2 = IPv4, 3 = IPv6), netmask bits, is_cidr,
/// address length, address bytes; text is <c>address[/bits]</c> (the bits omitted when they cover the address).
/// </summary>
internal sealed class InetCodec : PgCodec<IPAddress>, IPgReader<(IPAddress, int)>, IPgReader<IPNetwork>, IPgReader<string>
{
    public static readonly InetCodec Instance = new();

    public override uint Oid => Oids.Inet;
    public override string PgTypeName => "inet";

    public override IPAddress Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Read(data, format, "inet").Address;
    (IPAddress, int) IPgReader<(IPAddress, int)>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Read(data, format, "inet");
    IPNetwork IPgReader<IPNetwork>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.ToNetwork(NetworkWire.Read(data, format, "inet"));
    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Format(NetworkWire.Read(data, format, "inet"), cidr: false);

    internal override void Write(WriteBuffer buffer, IPAddress value, PgFormat format, in ReadContext context) =>
        NetworkWire.Write(buffer, (value, NetworkWire.MaxBits(value)), cidr: false, format);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        switch (value)
        {
            case (IPAddress address, int bits): NetworkWire.Write(buffer, (address, bits), cidr: false, format); break;
            case IPNetwork network: NetworkWire.Write(buffer, (network.BaseAddress, network.PrefixLength), cidr: false, format); break;
            default: base.WriteObject(buffer, value, format, context); break;
        }
    }
}

/// <summary>cidr ↔ System.Net.IPNetwork (also read as IPAddress, the network address, or (IPAddress, int)).</summary>
internal sealed class CidrCodec : PgCodec<IPNetwork>, IPgReader<IPAddress>, IPgReader<(IPAddress, int)>, IPgReader<string>
{
    public static readonly CidrCodec Instance = new();

    public override uint Oid => Oids.Cidr;
    public override string PgTypeName => "cidr";

    public override IPNetwork Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.ToNetwork(NetworkWire.Read(data, format, "cidr"));
    IPAddress IPgReader<IPAddress>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Read(data, format, "cidr").Address;
    (IPAddress, int) IPgReader<(IPAddress, int)>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Read(data, format, "cidr");
    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => NetworkWire.Format(NetworkWire.Read(data, format, "cidr"), cidr: true);

    internal override void Write(WriteBuffer buffer, IPNetwork value, PgFormat format, in ReadContext context) =>
        NetworkWire.Write(buffer, (value.BaseAddress, value.PrefixLength), cidr: true, format);
}

internal static class NetworkWire
{
    private const byte FamilyV4 = 2, FamilyV6 = 3;   // PGSQL_AF_INET, PGSQL_AF_INET6

    public static int MaxBits(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;

    public static (IPAddress Address, int Bits) Read(ReadOnlySpan<byte> data, PgFormat format, string type)
    {
        if (format == PgFormat.Text)
        {
            var s = Encoding.UTF8.GetString(data);
            var slash = s.IndexOf('/');
            if (!IPAddress.TryParse(slash < 0 ? s : s[..slash], out var address)) throw new DataError($"invalid {type} value: '{s}'");
            if (slash < 0) return (address, MaxBits(address));
            return int.TryParse(s.AsSpan(slash + 1), out var bits) && bits >= 0 && bits <= MaxBits(address)
                ? (address, bits) : throw new DataError($"invalid {type} value: '{s}'");
        }
        if (data.Length < 4 || data[0] is not (FamilyV4 or FamilyV6) || data.Length != 4 + data[3] || data[3] != (data[0] == FamilyV4 ? 4 : 16))
            throw new DataError($"invalid binary {type} value");
        return (new IPAddress(data[4..]), data[1]);
    }

    public static IPNetwork ToNetwork((IPAddress Address, int Bits) value)
    {
        // Depending on the runtime, IPNetwork either rejects host bits or masks them away: neither is silent here.
        IPNetwork? network = null;
        try { network = new IPNetwork(value.Address, value.Bits); }
        catch (ArgumentException) { }
        return network is { } n && n.BaseAddress.Equals(value.Address) ? n
            : throw new DataError($"'{Format(value, cidr: false)}' has bits set right of its netmask: it is not an IPNetwork (read it as (IPAddress, int))");
    }

    public static string Format((IPAddress Address, int Bits) value, bool cidr) =>
        cidr || value.Bits != MaxBits(value.Address) ? $"{Plain(value.Address)}/{value.Bits}" : Plain(value.Address);

    // PostgreSQL has no zone ids (fe80::1%eth0): they are dropped.
    private static string Plain(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()).ToString() : address.ToString();

    public static void Write(WriteBuffer buffer, (IPAddress Address, int Bits) value, bool cidr, PgFormat format)
    {
        var max = MaxBits(value.Address);
        if (value.Bits < 0 || value.Bits > max) throw new DataError($"invalid netmask /{value.Bits} for {value.Address}");
        if (format == PgFormat.Text) { buffer.WriteUtf8(Format(value, cidr)); return; }
        buffer.WriteByte(max == 32 ? FamilyV4 : FamilyV6);
        buffer.WriteByte((byte)value.Bits);
        buffer.WriteByte(cidr ? (byte)1 : (byte)0);
        buffer.WriteByte((byte)(max / 8));
        var span = buffer.GetSpan(max / 8);
        value.Address.TryWriteBytes(span, out var n);
        buffer.Advance(n);
    }
}
