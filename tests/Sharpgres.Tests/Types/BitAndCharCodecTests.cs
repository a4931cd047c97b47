using System.Collections;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class BitStringCodecTests
{
    private static BitArray Bits(string s) => new(s.Select(c => c == '1').ToArray());

    // Samples from PostgreSQL 15: SELECT v, encode(bit_send(v),'hex') FROM (VALUES (B'1'::bit(1)), ...) t(v), and varbit_send
    [Theory]
    [InlineData("1", "0000000180")]
    [InlineData("10110", "00000005b0")]
    [InlineData("101100111", "00000009b380")]
    [InlineData("", "00000000")]
    [InlineData("111111110000000010", "00000012ff0080")]
    public void Server_samples(string text, string hex)
    {
        foreach (var codec in new[] { BitStringCodec.Bit, BitStringCodec.Varbit })
        {
            var expected = Bits(text);
            Assert.Equal(expected, Read<BitArray>(codec, text));
            Assert.Equal(expected, ReadHex<BitArray>(codec, hex));
            Assert.Equal(text, ReadHex<string>(codec, hex));
            Assert.Equal(hex, ToHex(WriteParameter(expected, PgFormat.Binary)));
            Assert.Equal(text, Str(WriteParameter(expected, PgFormat.Text)));
        }
        Assert.Equal(Oids.Varbit, TypeRegistry.Global.ForParameter(Bits(text)).ParameterOid(Bits(text)));
    }

    [Fact]
    public void Single_bit_reads_as_bool()
    {
        Assert.True(ReadHex<bool>(BitStringCodec.Bit, "0000000180"));
        Assert.False(Read<bool>(BitStringCodec.Bit, "0"));
        Assert.Throws<InvalidCastException>(() => Read<bool>(BitStringCodec.Bit, "01"));
    }

    [Fact]
    public void Bool_arrays_are_not_bit_strings() =>
        Assert.NotSame(BitStringCodec.Varbit, TypeRegistry.Global.ForType(typeof(bool[])));

    [Fact]
    public void Random_round_trips()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 500; i++)
        {
            var bits = new BitArray(Enumerable.Range(0, rng.Next(0, 200)).Select(_ => rng.Next(2) == 0).ToArray());
            foreach (var format in Formats)
            {
                var back = RoundTrip(BitStringCodec.Varbit, bits, format);
                Assert.True(bits.Length == back.Length && Enumerable.Range(0, bits.Length).All(k => bits[k] == back[k]), $"seed {seed}: {bits.Length} bits ({format})");
            }
        }
    }
}

public class CharCodecTests
{
    private static readonly CharCodec Codec = CharCodec.Instance;

    // Samples from PostgreSQL 15: SELECT v, encode(charsend(v),'hex') FROM (VALUES ('a'::"char"), (''::"char"), ('é'::"char"), ('\'::"char")) t(v)
    // 'é' keeps its first UTF-8 byte, 0xc3, printed as \303.
    [Theory]
    [InlineData("a", "61", 'a')]
    [InlineData("", "00", '\0')]
    [InlineData("\\303", "c3", '\u00c3')]
    [InlineData("\\", "5c", '\\')]
    public void Server_samples(string text, string hex, char c)
    {
        Assert.Equal(text, Read<string>(Codec, text));
        Assert.Equal(text, ReadHex<string>(Codec, hex));
        Assert.Equal(c, Read<char>(Codec, text));
        Assert.Equal(c, ReadHex<char>(Codec, hex));
        Assert.Equal((byte)c, ReadHex<byte>(Codec, hex));
        Assert.Equal(hex, ToHex(Write(Codec, text, PgFormat.Binary)));
        Assert.Equal(text, Str(Write(Codec, text, PgFormat.Text)));
        Assert.Equal("char", TypeRegistry.Global.NameOf(Oids.Char));
    }

    [Fact]
    public void Dotnet_char_parameters_go_as_untyped_text()
    {
        var codec = TypeRegistry.Global.ForParameter('é');
        Assert.Equal(0u, codec.ParameterOid('é'));
        Assert.Equal(PgFormat.Text, codec.ParameterFormat('é'));
        Assert.Equal("é", Str(WriteParameter('é', PgFormat.Text)));
        Assert.Throws<DataError>(() => WriteParameter('\0', PgFormat.Text));
        Assert.Throws<DataError>(() => WriteParameter('\ud83d', PgFormat.Text));
    }

    [Fact]
    public void Strings_are_not_sent_as_char() => Assert.Same(TextCodec.Instance, TypeRegistry.Global.ForParameter("x"));
}
