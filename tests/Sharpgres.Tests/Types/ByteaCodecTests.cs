using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class ByteaCodecTests
{
    private static readonly ByteaCodec Codec = ByteaCodec.Instance;

    // Samples from PostgreSQL 15: SELECT v::text, encode(byteasend(v),'hex') FROM (VALUES ('\x'::bytea), ...) t(v)
    [Theory]
    [InlineData("\\x", "")]
    [InlineData("\\x00ff10", "00ff10")]
    [InlineData("\\x00ff10415c27", "00ff10415c27")]
    public void Server_samples(string text, string hex)
    {
        Assert.Equal(Hex(hex), Read<byte[]>(Codec, text));
        Assert.Equal(Hex(hex), ReadHex<byte[]>(Codec, hex));
        Assert.Equal(text, Str(Write(Codec, Hex(hex), PgFormat.Text)));
        Assert.Equal(hex, ToHex(Write(Codec, Hex(hex), PgFormat.Binary)));
    }

    // SET bytea_output=escape; SELECT '\x00ff10415c27e282ac'::bytea::text  →  \000\377\020A\\'\342\202\254
    [Fact]
    public void Escape_format_is_read_too()
    {
        Assert.Equal(Hex("00ff10415c27e282ac"), Read<byte[]>(Codec, "\\000\\377\\020A\\\\'\\342\\202\\254"));
        Assert.Equal(Hex("616263"), Read<byte[]>(Codec, "abc"));
        Assert.Empty(Read<byte[]>(Codec, ""));
        Assert.Throws<DataError>(() => Read<byte[]>(Codec, "\\9"));
    }

    [Fact]
    public void Hex_accepts_uppercase_and_rejects_garbage()
    {
        Assert.Equal(Hex("abcdef"), Read<byte[]>(Codec, "\\xABCDEF"));
        Assert.Throws<DataError>(() => Read<byte[]>(Codec, "\\xzz"));
        Assert.Throws<DataError>(() => Read<byte[]>(Codec, "\\xabc"));
    }

    [Fact]
    public void Memory_types_are_written_and_read()
    {
        var bytes = Hex("0102030405");
        foreach (var format in Formats)
        {
            var expected = Write(Codec, bytes[1..4], format);
            Assert.Equal(expected, WriteParameter(new ReadOnlyMemory<byte>(bytes, 1, 3), format));
            Assert.Equal(expected, WriteParameter(new Memory<byte>(bytes, 1, 3), format));
            Assert.Equal(expected, WriteParameter(new ArraySegment<byte>(bytes, 1, 3), format));
            Assert.Equal(bytes[1..4], Read<ReadOnlyMemory<byte>>(Codec, expected, format).ToArray());
            Assert.Equal(bytes[1..4], Read<Memory<byte>>(Codec, expected, format).ToArray());
            Assert.Equal(bytes[1..4], Read<ArraySegment<byte>>(Codec, expected, format).ToArray());
        }
    }

    [Fact]
    public void Empty_and_one_megabyte_round_trip()
    {
        var seed = NewSeed();
        var big = new byte[1024 * 1024];
        new Random(seed).NextBytes(big);
        foreach (var format in Formats)
        {
            Assert.Empty(RoundTrip(Codec, [], format));
            Assert.True(big.AsSpan().SequenceEqual(RoundTrip(Codec, big, format)), $"seed {seed}: 1 MB bytea differs ({format})");
        }
        Assert.Equal(2 + 2 * big.Length, Write(Codec, big, PgFormat.Text).Length);
    }

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var value = new byte[rng.Next(0, 300)];
            rng.NextBytes(value);
            foreach (var format in Formats)
                Assert.True(value.AsSpan().SequenceEqual(RoundTrip(Codec, value, format)), $"seed {seed}: {ToHex(value)} ({format})");
        }
    }
}
