using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class UuidCodecTests
{
    private static readonly UuidCodec Codec = UuidCodec.Instance;

    // Samples from PostgreSQL 15: SELECT v::text, encode(uuid_send(v),'hex') FROM (VALUES ('a0eebc99-...'::uuid), ...) t(v)
    [Theory]
    [InlineData("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc999c0b4ef8bb6d6bb9bd380a11")]
    [InlineData("00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000")]
    [InlineData("ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffffffffffffffffffffffffffff")]
    public void Server_samples_are_in_rfc_byte_order(string text, string hex)
    {
        var guid = Guid.Parse(text);
        Assert.Equal(guid, Read<Guid>(Codec, text));
        Assert.Equal(guid, ReadHex<Guid>(Codec, hex));
        Assert.Equal(hex, ToHex(Write(Codec, guid, PgFormat.Binary)));
        Assert.Equal(text, Str(Write(Codec, guid, PgFormat.Text)));
        Assert.Equal(text, ReadHex<string>(Codec, hex));
    }

    [Fact]
    public void Binary_is_not_dotnets_mixed_endian_layout()
    {
        var guid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("00112233445566778899aabbccddeeff", ToHex(Write(Codec, guid, PgFormat.Binary)));
        Assert.NotEqual(guid.ToByteArray(), Write(Codec, guid, PgFormat.Binary));
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        var bytes = new byte[16];
        for (var i = 0; i < 1000; i++)
        {
            rng.NextBytes(bytes);
            var guid = new Guid(bytes);
            foreach (var format in Formats)
                Assert.True(guid == RoundTrip(Codec, guid, format), $"seed {seed}: {guid} ({format})");
        }
    }

    [Fact]
    public void Invalid_values_are_DataError()
    {
        Assert.Throws<DataError>(() => Read<Guid>(Codec, "not-a-uuid"));
        Assert.Throws<DataError>(() => ReadHex<Guid>(Codec, "0011"));
    }
}
