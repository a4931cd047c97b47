using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class BoolCodecTests
{
    private static readonly BoolCodec Codec = BoolCodec.Instance;

    // Samples from PostgreSQL 15: SELECT boolout(true), boolout(false), encode(boolsend(true),'hex'), encode(boolsend(false),'hex')
    [Theory]
    [InlineData(true, "t", "01")]
    [InlineData(false, "f", "00")]
    public void Server_samples(bool value, string text, string hex)
    {
        Assert.Equal(value, Read<bool>(Codec, text));
        Assert.Equal(value, ReadHex<bool>(Codec, hex));
        Assert.Equal(text, Str(Write(Codec, value, PgFormat.Text)));
        Assert.Equal(hex, ToHex(Write(Codec, value, PgFormat.Binary)));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("yes", true)]
    [InlineData("on", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("off", false)]
    [InlineData("0", false)]
    public void Text_accepts_boolin_spellings(string text, bool expected) => Assert.Equal(expected, Read<bool>(Codec, text));

    [Fact]
    public void Invalid_text_is_DataError() => Assert.Throws<DataError>(() => Read<bool>(Codec, "maybe"));

    [Fact]
    public void Round_trips_both_formats()
    {
        foreach (var format in Formats)
        foreach (var value in new[] { true, false })
            Assert.Equal(value, RoundTrip(Codec, value, format));
    }

    [Fact]
    public void Registered_for_bool_parameters()
    {
        Assert.Same(Codec, TypeRegistry.Global.ForParameter(true));
        Assert.Equal(Oids.Bool, Codec.ParameterOid(true));
        Assert.Equal("bool", TypeRegistry.Global.NameOf(Oids.Bool));
    }
}
