using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Types;
using Sharpgres.Types.Codecs;
using static Sharpgres.Tests.Types.Kit;

namespace Sharpgres.Tests.Types;

public class JsonCodecTests
{
    private static readonly JsonCodec JsonbCodec = JsonCodec.JsonbInstance;
    private static readonly JsonCodec JsonCodecInstance = JsonCodec.JsonInstance;

    // Samples from PostgreSQL 15:
    //   SELECT encode(jsonb_send(v),'hex'), v::text FROM (VALUES ('{"b": [1, 2.5, null, true], "a": "é😀"}'::jsonb)) t(v)
    //   SELECT encode(json_send('{"b":1}'::json),'hex')
    private const string JsonbText = "{\"a\": \"é😀\", \"b\": [1, 2.5, null, true]}";
    private const string JsonbHex = "017b2261223a2022c3a9f09f9880222c202262223a205b312c20322e352c206e756c6c2c20747275655d7d";

    [Fact]
    public void Jsonb_binary_has_a_version_byte()
    {
        Assert.Equal(JsonbText, ReadHex<string>(JsonbCodec, JsonbHex));
        Assert.Equal(JsonbText, Read<string>(JsonbCodec, JsonbText));
        var element = ReadHex<JsonElement>(JsonbCodec, JsonbHex);
        Assert.Equal("é😀", element.GetProperty("a").GetString());
        Assert.Equal(2.5, element.GetProperty("b")[1].GetDouble());
        Assert.Throws<DataError>(() => ReadHex<JsonElement>(JsonbCodec, "02" + JsonbHex[2..]));
    }

    [Fact]
    public void Json_binary_is_the_text() => Assert.Equal("{\"b\":1}", ReadHex<string>(JsonCodecInstance, "7b2262223a317d"));

    [Fact]
    public void Typed_reads()
    {
        foreach (var format in Formats)
        {
            var data = format == PgFormat.Binary ? Hex(JsonbHex) : Utf8(JsonbText);
            Assert.Equal("é😀", Read<JsonNode>(JsonbCodec, data, format)["a"]!.GetValue<string>());
            using (var doc = Read<JsonDocument>(JsonbCodec, data, format))
                Assert.Equal(4, doc.RootElement.GetProperty("b").GetArrayLength());
            var dict = Read<Dictionary<string, object?>>(JsonbCodec, data, format);
            Assert.Equal("é😀", dict["a"]);
            var list = Assert.IsType<List<object?>>(dict["b"]);
            Assert.Equal([1L, 2.5, null, true], list);
        }
    }

    private sealed record Poco(string A, int[] B);

    [Fact]
    public void Any_type_through_the_column_dispatch()
    {
        var data = Utf8("{\"A\": \"x\", \"B\": [1, 2]}");
        foreach (var oid in new[] { Oids.Json, Oids.Jsonb })
        {
            var poco = ReadColumn<Poco>(oid, data, PgFormat.Text);
            Assert.Equal("x", poco.A);
            Assert.Equal([1, 2], poco.B);
            Assert.IsType<JsonElement>(ReadColumnObject(oid, data, PgFormat.Text));
            Assert.IsType<JsonElement>(ReadColumn<object>(oid, data, PgFormat.Text));
            Assert.Equal("{\"A\": \"x\", \"B\": [1, 2]}", ReadColumn<string>(oid, data, PgFormat.Text));
            Assert.IsType<JsonObject>(ReadColumn<JsonNode>(oid, data, PgFormat.Text));
            Assert.IsType<JsonObject>(ReadColumn<JsonObject>(oid, data, PgFormat.Text));
            Assert.Equal(JsonValueKind.Object, ReadColumn<JsonElement?>(oid, data, PgFormat.Text)!.Value.ValueKind);
        }
        Assert.Equal(42, ReadColumn<int>(Oids.Jsonb, Hex("013432"), PgFormat.Binary));
        Assert.Equal(new[] { 1, 2 }, ReadColumn<int[]>(Oids.Jsonb, Hex("015b312c325d"), PgFormat.Binary));
    }

    [Fact]
    public void Json_options_come_from_the_context()
    {
        var camel = new ReadContext(TypeRegistry.Global, TimeZoneInfo.Utc, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var poco = ReadColumn<Poco>(Oids.Jsonb, Utf8("{\"a\": \"x\", \"b\": [3]}"), PgFormat.Text, camel);
        Assert.Equal("x", poco.A);
        Assert.Equal("{\"A\":\"y\",\"B\":[]}", Str(WriteParameter(new Jsonb(new Poco("y", [])), PgFormat.Text)));
        Assert.Equal("{\"a\":\"y\",\"b\":[]}", Str(WriteObject(JsonbCodec, new Jsonb(new Poco("y", [])), PgFormat.Text, camel)));
        var wrapperOptions = new Json(new Poco("z", []), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal("{\"a\":\"z\",\"b\":[]}", Str(WriteParameter(wrapperOptions, PgFormat.Text)));
    }

    [Fact]
    public void Writers_and_their_types()
    {
        var registry = TypeRegistry.Global;
        var node = JsonNode.Parse("{\"k\":[1,\"two\"]}")!;
        using var doc = JsonDocument.Parse("{\"k\":[1,\"two\"]}");
        object[] values = [new Json(new { k = new object[] { 1, "two" } }), new Jsonb(new { k = new object[] { 1, "two" } }),
            node, node.AsObject(), doc, doc.RootElement, new JsonArray(1, 2)];
        foreach (var value in values)
        {
            var codec = registry.ForParameter(value);
            var oid = codec.ParameterOid(value);
            Assert.Equal(value is Json ? Oids.Json : Oids.Jsonb, oid);
            var text = Str(WriteObject(codec, value, PgFormat.Text));
            var binary = WriteObject(codec, value, PgFormat.Binary);
            if (oid == Oids.Jsonb) Assert.Equal(1, binary[0]);
            Assert.Equal(text, Str(oid == Oids.Jsonb ? binary[1..] : binary));
            if (value is not JsonArray) Assert.Equal("{\"k\":[1,\"two\"]}", text);
        }
    }

    [Fact]
    public void Json_wrapper_serializes_strings_as_json_strings()
    {
        Assert.Equal("\"abc\"", Str(WriteParameter(new Json("abc"), PgFormat.Text)));
        Assert.Equal("null", Str(WriteParameter(new Jsonb(null), PgFormat.Text)));
        Assert.Equal("\"abc\"", new Json("abc").ToString());
    }

    [Fact]
    public void Unicode_and_one_megabyte_round_trip()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        var chars = new char[1024 * 1024];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)rng.Next(0x20, 0xD7FF);
        var big = new string(chars) + "😀\U0001F600𝄞";
        foreach (var format in Formats)
        {
            var bytes = WriteParameter(new Jsonb(new { s = big }), format);
            var back = ReadColumn<Dictionary<string, object?>>(Oids.Jsonb, bytes, format);
            Assert.True(big == (string?)back["s"], $"seed {seed}: 1 MB JSON string differs ({format})");
        }
    }

    [Fact]
    public void Random_documents_round_trip()
    {
        var seed = NewSeed();
        var rng = new Random(seed);
        for (var i = 0; i < 300; i++)
        {
            var value = RandomJson(rng, 3)!;
            foreach (var format in Formats)
            {
                var bytes = WriteParameter(value, format);
                var back = ReadColumn<JsonNode?>(Oids.Jsonb, bytes, format);
                Assert.True(JsonNode.DeepEquals(value, back), $"seed {seed}: {value.ToJsonString()} came back as {back?.ToJsonString()} ({format})");
            }
        }
    }

    private static JsonNode? RandomJson(Random rng, int depth) => (depth == 0 ? rng.Next(4) : rng.Next(6)) switch
    {
        0 => JsonValue.Create(rng.NextInt64(long.MinValue, long.MaxValue)),
        1 => JsonValue.Create(rng.NextDouble() * 1e6),
        2 => JsonValue.Create(new string(Enumerable.Range(0, rng.Next(10)).Select(_ => (char)rng.Next(0x20, 0x3000)).ToArray()))!,
        3 => JsonValue.Create(rng.Next(2) == 0),
        4 => new JsonArray(Enumerable.Range(0, rng.Next(4)).Select(_ => RandomJson(rng, depth - 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, rng.Next(4)).Select(k => KeyValuePair.Create("k" + k, RandomJson(rng, depth - 1)))),
    };
}
