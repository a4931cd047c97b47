using System.Net;
using System.Net.NetworkInformation;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class NetworkCodecTests
{
    // Samples from PostgreSQL 15: SELECT v, encode(inet_send(v),'hex') FROM (VALUES ('192.168.0.1'::inet), ...) t(v)
    // (the output function omits /32 and /128; ::text would add them)
    [Theory]
    [InlineData("192.168.0.1", "02200004c0a80001", "192.168.0.1", 32)]
    [InlineData("192.168.0.1/24", "02180004c0a80001", "192.168.0.1", 24)]
    [InlineData("::1", "0380001000000000000000000000000000000001", "::1", 128)]
    [InlineData("2001:db8::1/64", "0340001020010db8000000000000000000000001", "2001:db8::1", 64)]
    [InlineData("::ffff:1.2.3.4", "0380001000000000000000000000ffff01020304", "::ffff:1.2.3.4", 128)]
    [InlineData("0.0.0.0/0", "0200000400000000", "0.0.0.0", 0)]
    public void Inet_server_samples(string text, string hex, string address, int bits)
    {
        var codec = InetCodec.Instance;
        var expected = (IPAddress.Parse(address), bits);
        Assert.Equal(expected, Read<(IPAddress, int)>(codec, text));
        Assert.Equal(expected, ReadHex<(IPAddress, int)>(codec, hex));
        Assert.Equal(IPAddress.Parse(address), ReadHex<IPAddress>(codec, hex));
        Assert.Equal(text, ReadHex<string>(codec, hex));
        Assert.Equal(hex, ToHex(WriteParameter(expected, PgFormat.Binary)));
        Assert.Equal(text, Str(WriteParameter(expected, PgFormat.Text)));
        if (bits == (address.Contains(':') ? 128 : 32))
        {
            Assert.Equal(hex, ToHex(WriteParameter(IPAddress.Parse(address), PgFormat.Binary)));
            Assert.Equal(text, Str(WriteParameter(IPAddress.Parse(address), PgFormat.Text)));
        }
    }

    // SELECT v, encode(cidr_send(v),'hex') FROM (VALUES ('192.168.0.0/24'::cidr), ...) t(v)
    [Theory]
    [InlineData("192.168.0.0/24", "02180104c0a80000")]
    [InlineData("10.0.0.1/32", "022001040a000001")]
    [InlineData("2001:db8::/32", "0320011020010db8000000000000000000000000")]
    [InlineData("::/0", "0300011000000000000000000000000000000000")]
    public void Cidr_server_samples(string text, string hex)
    {
        var codec = CidrCodec.Instance;
        var expected = IPNetwork.Parse(text);
        Assert.Equal(expected, Read<IPNetwork>(codec, text));
        Assert.Equal(expected, ReadHex<IPNetwork>(codec, hex));
        Assert.Equal(text, ReadHex<string>(codec, hex));
        Assert.Same(codec, TypeRegistry.Global.ForParameter(expected));
        Assert.Equal(hex, ToHex(WriteParameter(expected, PgFormat.Binary)));
        Assert.Equal(text, Str(WriteParameter(expected, PgFormat.Text)));
    }

    [Fact]
    public void Inet_with_host_bits_is_not_an_IPNetwork()
    {
        Assert.Equal(IPNetwork.Parse("10.1.0.0/16"), Read<IPNetwork>(InetCodec.Instance, "10.1.0.0/16"));
        Assert.Throws<DataError>(() => Read<IPNetwork>(InetCodec.Instance, "192.168.0.1/24"));
    }

    [Fact]
    public void Zone_ids_are_dropped()
    {
        var scoped = IPAddress.Parse("fe80::1%2");
        Assert.Equal("fe80::1", Str(WriteParameter(scoped, PgFormat.Text)));
        Assert.Equal(IPAddress.Parse("fe80::1"), Read<IPAddress>(InetCodec.Instance, WriteParameter(scoped, PgFormat.Binary), PgFormat.Binary));
    }

    [Fact]
    public void Invalid_values()
    {
        Assert.Throws<DataError>(() => Read<IPAddress>(InetCodec.Instance, "300.1.1.1"));
        Assert.Throws<DataError>(() => Read<IPAddress>(InetCodec.Instance, "10.0.0.1/33"));
        Assert.Throws<DataError>(() => ReadHex<IPAddress>(InetCodec.Instance, "0220000510"));
        Assert.Throws<DataError>(() => WriteParameter((IPAddress.Loopback, 40), PgFormat.Binary));
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 1000; i++)
        {
            var bytes = new byte[rng.Next(2) == 0 ? 4 : 16];
            rng.NextBytes(bytes);
            var address = new IPAddress(bytes);
            var bits = rng.Next(bytes.Length * 8 + 1);
            foreach (var format in Formats)
            {
                var back = Read<(IPAddress, int)>(InetCodec.Instance, WriteParameter((address, bits), format), format);
                Assert.True(back.Item1.Equals(address) && back.Item2 == bits, $"seed {seed}: {address}/{bits} came back as {back} ({format})");
                var network = new IPNetwork(Mask(bytes, bits), bits);
                var backNetwork = Read<IPNetwork>(CidrCodec.Instance, WriteParameter(network, format), format);
                Assert.True(network == backNetwork, $"seed {seed}: {network} came back as {backNetwork} ({format})");
            }
        }
    }

    private static IPAddress Mask(byte[] bytes, int bits)
    {
        var masked = (byte[])bytes.Clone();
        for (var b = 0; b < masked.Length * 8; b++)
            if (b >= bits) masked[b / 8] &= (byte)~(0x80 >> (b % 8));
        return new IPAddress(masked);
    }
}

public class MacAddrCodecTests
{
    // Samples from PostgreSQL 15: SELECT v, encode(macaddr_send(v),'hex') / macaddr8_send
    [Theory]
    [InlineData("08:00:2b:01:02:03", "08002b010203")]
    [InlineData("08:00:2b:01:02:ff", "08002b0102ff")]
    public void Macaddr_server_samples(string text, string hex)
    {
        var codec = MacAddrCodec.MacAddr;
        var expected = new PhysicalAddress(Hex(hex));
        Assert.Equal(expected, Read<PhysicalAddress>(codec, text));
        Assert.Equal(expected, ReadHex<PhysicalAddress>(codec, hex));
        Assert.Equal(text, ReadHex<string>(codec, hex));
        Assert.Equal(Oids.MacAddr, TypeRegistry.Global.ForParameter(expected).ParameterOid(expected));
        Assert.Equal(hex, ToHex(WriteParameter(expected, PgFormat.Binary)));
        Assert.Equal(text, Str(WriteParameter(expected, PgFormat.Text)));
    }

    [Theory]
    [InlineData("08:00:2b:01:02:03:04:05", "08002b0102030405")]
    [InlineData("08:00:2b:ff:fe:01:02:03", "08002bfffe010203")]
    public void Macaddr8_server_samples(string text, string hex)
    {
        var codec = MacAddrCodec.MacAddr8;
        var expected = new PhysicalAddress(Hex(hex));
        Assert.Equal(expected, Read<PhysicalAddress>(codec, text));
        Assert.Equal(expected, ReadHex<PhysicalAddress>(codec, hex));
        Assert.Equal(Oids.MacAddr8, TypeRegistry.Global.ForParameter(expected).ParameterOid(expected));
        Assert.Equal(hex, ToHex(WriteParameter(expected, PgFormat.Binary)));
        Assert.Equal(text, Str(WriteParameter(expected, PgFormat.Text)));
    }

    [Fact]
    public void Other_lengths_are_DataError()
    {
        Assert.Throws<DataError>(() => WriteParameter(new PhysicalAddress([1, 2, 3]), PgFormat.Binary));
        Assert.Throws<DataError>(() => Read<PhysicalAddress>(MacAddrCodec.MacAddr, "08:00:2b"));
    }
}
