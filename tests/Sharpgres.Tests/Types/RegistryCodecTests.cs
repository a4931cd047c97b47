using System.Collections;
using System.Net;
using System.Net.NetworkInformation;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class RegistryCodecTests
{
    public static TheoryData<object, uint, PgFormat> Parameters => new()
    {
        { true, Oids.Bool, PgFormat.Binary },
        { 1.5f, Oids.Float4, PgFormat.Binary },
        { 1.5, Oids.Float8, PgFormat.Binary },
        { 1.5m, Oids.Numeric, PgFormat.Binary },
        { PgNumeric.NaN, Oids.Numeric, PgFormat.Binary },
        { BigInteger.One, Oids.Numeric, PgFormat.Binary },
        { new byte[] { 1 }, Oids.Bytea, PgFormat.Binary },
        { new ReadOnlyMemory<byte>([1]), Oids.Bytea, PgFormat.Binary },
        { new Memory<byte>([1]), Oids.Bytea, PgFormat.Binary },
        { new ArraySegment<byte>([1]), Oids.Bytea, PgFormat.Binary },
        { Guid.Empty, Oids.Uuid, PgFormat.Binary },
        { new DateOnly(2042, 7, 1), Oids.Date, PgFormat.Binary },
        { new TimeOnly(12, 0), Oids.Time, PgFormat.Binary },
        { new DateTime(2042, 7, 1), Oids.Timestamp, PgFormat.Binary },
        { new DateTime(2042, 7, 1, 0, 0, 0, DateTimeKind.Local), Oids.Timestamp, PgFormat.Binary },
        { new DateTime(2042, 7, 1, 0, 0, 0, DateTimeKind.Utc), Oids.TimestampTz, PgFormat.Binary },
        { DateTimeOffset.UnixEpoch, Oids.TimestampTz, PgFormat.Binary },
        { TimeSpan.FromHours(1), Oids.Interval, PgFormat.Binary },
        { new PgInterval(1, 2, 3), Oids.Interval, PgFormat.Binary },
        { new Json(1), Oids.Json, PgFormat.Binary },
        { new Jsonb(1), Oids.Jsonb, PgFormat.Binary },
        { JsonNode.Parse("{}")!, Oids.Jsonb, PgFormat.Binary },
        { new JsonArray(), Oids.Jsonb, PgFormat.Binary },
        { JsonDocument.Parse("1").RootElement, Oids.Jsonb, PgFormat.Binary },
        { IPAddress.Loopback, Oids.Inet, PgFormat.Binary },
        { (IPAddress.Loopback, 8), Oids.Inet, PgFormat.Binary },
        { IPNetwork.Parse("10.0.0.0/8"), Oids.Cidr, PgFormat.Binary },
        { new PhysicalAddress([1, 2, 3, 4, 5, 6]), Oids.MacAddr, PgFormat.Binary },
        { new PhysicalAddress([1, 2, 3, 4, 5, 6, 7, 8]), Oids.MacAddr8, PgFormat.Binary },
        { new BitArray(3), Oids.Varbit, PgFormat.Binary },
        { 'x', 0u, PgFormat.Text },
        { "x", 0u, PgFormat.Text },
    };

    [Theory]
    [MemberData(nameof(Parameters))]
    public void Every_writer_type_has_a_parameter_codec(object value, uint oid, PgFormat format)
    {
        var codec = TypeRegistry.Global.ForParameter(value);
        Assert.Equal(oid, codec.ParameterOid(value));
        Assert.Equal(format, codec.ParameterFormat(value));
        // It can write the value in both formats.
        WriteObject(codec, value, PgFormat.Text);
        WriteObject(codec, value, PgFormat.Binary);
    }

    [Fact]
    public void JsonDocument_is_a_parameter()
    {
        using var doc = JsonDocument.Parse("[1]");
        Assert.Equal(Oids.Jsonb, TypeRegistry.Global.ForParameter(doc).ParameterOid(doc));
        Assert.Equal("[1]", Str(WriteParameter(doc, PgFormat.Text)));
    }

    [Fact]
    public void Types_without_a_codec_cannot_be_adapted()
    {
        var e = Assert.Throws<ProgrammingError>(() => TypeRegistry.Global.ForParameter(new Uri("http://x")));
        Assert.Contains("cannot adapt type 'Uri'", e.Message);
        Assert.Throws<ProgrammingError>(() => TypeRegistry.Global.ForParameter(new { A = 1 }));
    }

    [Theory]
    [InlineData(Oids.Xml, "xml", "<a/>")]
    [InlineData(Oids.Money, "money", "$1,000.00")]
    [InlineData(Oids.TsVector, "tsvector", "'fat':2 'rat':3")]
    [InlineData(Oids.TsQuery, "tsquery", "'fat' & 'rat'")]
    [InlineData(Oids.Point, "point", "(1,2)")]
    [InlineData(Oids.Circle, "circle", "<(1,2),3>")]
    [InlineData(Oids.PgLsn, "pg_lsn", "16/B374D848")]
    [InlineData(Oids.RegClass, "regclass", "pg_class")]
    [InlineData(Oids.RegType, "regtype", "integer")]
    [InlineData(Oids.JsonPath, "jsonpath", "$.\"a\"")]
    public void Text_only_types_read_as_strings_with_their_names(uint oid, string name, string text)
    {
        Assert.Equal(name, TypeRegistry.Global.NameOf(oid));
        var codec = TypeRegistry.Global.ForOid(oid)!;
        Assert.False(codec.CanReadBinary);
        Assert.Equal(text, ReadColumnObject(oid, Utf8(text), PgFormat.Text));
        Assert.Equal(text, ReadColumn<string>(oid, Utf8(text), PgFormat.Text));
    }

    [Fact]
    public void Unknown_oids_still_fall_back_to_text()
    {
        Assert.Equal("whatever", ReadColumnObject(987654, Utf8("whatever"), PgFormat.Text));
        Assert.Equal("unknown", TypeRegistry.Global.NameOf(987654));
    }

    [Theory]
    [InlineData(Oids.Bool, "bool")]
    [InlineData(Oids.Float4, "float4")]
    [InlineData(Oids.Float8, "float8")]
    [InlineData(Oids.Numeric, "numeric")]
    [InlineData(Oids.Bytea, "bytea")]
    [InlineData(Oids.Uuid, "uuid")]
    [InlineData(Oids.Date, "date")]
    [InlineData(Oids.Time, "time")]
    [InlineData(Oids.TimeTz, "timetz")]
    [InlineData(Oids.Timestamp, "timestamp")]
    [InlineData(Oids.TimestampTz, "timestamptz")]
    [InlineData(Oids.Interval, "interval")]
    [InlineData(Oids.Json, "json")]
    [InlineData(Oids.Jsonb, "jsonb")]
    [InlineData(Oids.Inet, "inet")]
    [InlineData(Oids.Cidr, "cidr")]
    [InlineData(Oids.MacAddr, "macaddr")]
    [InlineData(Oids.MacAddr8, "macaddr8")]
    [InlineData(Oids.Bit, "bit")]
    [InlineData(Oids.Varbit, "varbit")]
    [InlineData(Oids.Char, "char")]
    [InlineData(Oids.RefCursor, "refcursor")]
    public void Codecs_are_registered_by_oid_with_their_names(uint oid, string name)
    {
        Assert.Equal(name, TypeRegistry.Global.NameOf(oid));
        Assert.NotNull(TypeRegistry.Global.ForOid(oid));
    }

    [Fact]
    public void Object_reads_give_the_default_type_despite_reader_covariance()
    {
        var uuid = Hex("a0eebc999c0b4ef8bb6d6bb9bd380a11");
        Assert.IsType<Guid>(ReadColumn<object>(Oids.Uuid, uuid, PgFormat.Binary));
        Assert.Equal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ReadColumn<string>(Oids.Uuid, uuid, PgFormat.Binary));
        Assert.IsType<IPAddress>(ReadColumn<object>(Oids.Inet, Hex("02200004c0a80001"), PgFormat.Binary));
        Assert.IsType<BitArray>(ReadColumn<object>(Oids.Varbit, Hex("0000000180"), PgFormat.Binary));
        Assert.IsType<BitArray>(ReadColumn<ICollection>(Oids.Varbit, Hex("0000000180"), PgFormat.Binary));
    }

    [Fact]
    public void Nullable_reads_use_the_codecs_typed_readers()
    {
        var date = Hex("00003ca2");   // 2042-07-01
        Assert.Equal(new DateOnly(2042, 7, 1), ReadColumn<DateOnly?>(Oids.Date, date, PgFormat.Binary));
        Assert.Equal(new DateTime(2042, 7, 1), ReadColumn<DateTime?>(Oids.Date, date, PgFormat.Binary));
        Assert.Equal(new PgInterval(1, 0, 0), ReadColumn<PgInterval?>(Oids.Interval, Utf8("1 mon"), PgFormat.Text));
        Assert.Equal(TimeSpan.FromDays(30), ReadColumn<TimeSpan?>(Oids.Interval, Utf8("1 mon"), PgFormat.Text));
        Assert.Null(ColumnValueNull<DateOnly?>(Oids.Date));
    }

    private static T ColumnValueNull<T>(uint oid) =>
        Sharpgres.Results.ColumnValue.Read<T>(default, -1, new Sharpgres.Protocol.Backend.FieldDescription("c", 0, 0, oid, -1, -1, 1), Ctx);
}

public class TextCodecEdgeTests
{
    private static readonly TextCodec Codec = TextCodec.Instance;

    [Fact]
    public void Unicode_astral_empty_and_one_megabyte_strings_round_trip()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        var sb = new System.Text.StringBuilder();
        while (sb.Length < 1024 * 1024) sb.Append(char.ConvertFromUtf32(rng.Next(3) == 0 ? rng.Next(0x10000, 0x10FFFF) : rng.Next(1, 0xD7FF)));
        string[] values = ["", "é", "😀", "\U0001F600𝄞 mixed ascii", sb.ToString()];
        foreach (var format in Formats)
        foreach (var value in values)
            Assert.True(value == RoundTrip(Codec, value, format), $"seed {seed}: string of length {value.Length} differs ({format})");
    }

    [Fact]
    public void Nul_is_rejected() => Assert.Throws<DataError>(() => Write(Codec, "a\0b", PgFormat.Text));
}
