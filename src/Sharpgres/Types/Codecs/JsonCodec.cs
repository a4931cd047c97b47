using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Codecs;

/// <summary>
/// json and jsonb. Both formats are the JSON text, except binary jsonb, which has a version byte (1) first.
/// Reads give a JsonElement by default; also JsonNode, JsonDocument, string (the raw JSON text),
/// Dictionary&lt;string, object?&gt; / List&lt;object?&gt; of plain .NET values, and any type System.Text.Json
/// can deserialize (with ReadContext.JsonOptions). Writes take the <see cref="Json"/> / <see cref="Jsonb"/>
/// wrappers, JsonElement, JsonDocument and JsonNode (the last three as jsonb).
/// </summary>
internal sealed class JsonCodec(uint oid, string name) : PgCodec<JsonElement>, IPgReader<string>, IPgReader<JsonNode>,
    IPgReader<JsonDocument>, IPgReader<Dictionary<string, object?>>, IPgReader<List<object?>>, IGenericPgReader
{
    public static readonly JsonCodec JsonInstance = new(Oids.Json, "json");
    public static readonly JsonCodec JsonbInstance = new(Oids.Jsonb, "jsonb");

    private bool IsJsonb => oid == Oids.Jsonb;

    public override uint Oid => oid;
    public override string PgTypeName => name;

    public override uint ParameterOid(object value) => value is Json ? Oids.Json : Oids.Jsonb;

    /// <summary>The JSON text's UTF-8 bytes, without jsonb's binary version byte.</summary>
    private ReadOnlySpan<byte> Text(ReadOnlySpan<byte> data, PgFormat format)
    {
        if (format == PgFormat.Text || !IsJsonb) return data;
        if (data.IsEmpty || data[0] != 1) throw new DataError($"unsupported binary jsonb version {(data.IsEmpty ? "(none)" : data[0].ToString())}");
        return data[1..];
    }

    public override JsonElement Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var reader = new Utf8JsonReader(Text(data, format));
        return JsonElement.ParseValue(ref reader);
    }

    string IPgReader<string>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Encoding.UTF8.GetString(Text(data, format));

    JsonNode IPgReader<JsonNode>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        JsonNode.Parse(Text(data, format))!;   // JSON null reads as a null JsonNode

    JsonDocument IPgReader<JsonDocument>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        JsonDocument.Parse(Text(data, format).ToArray());

    Dictionary<string, object?> IPgReader<Dictionary<string, object?>>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        JsonPlainValues.ToPlain(Read(data, format, context)) as Dictionary<string, object?>
        ?? throw new InvalidCastException($"the {name} value is not an object: read it as JsonElement or List<object?>");

    List<object?> IPgReader<List<object?>>.Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        JsonPlainValues.ToPlain(Read(data, format, context)) as List<object?>
        ?? throw new InvalidCastException($"the {name} value is not an array: read it as JsonElement or Dictionary<string, object?>");

    T IGenericPgReader.Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        try
        {
            return JsonValues.Deserialize<T>(Text(data, format), context.JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidCastException($"cannot read the {name} value as {typeof(T).Name}: {e.Message}", e);
        }
    }

    internal override void Write(WriteBuffer buffer, JsonElement value, PgFormat format, in ReadContext context) =>
        WriteObject(buffer, value, format, context);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var bytes = value switch
        {
            Json j => Serialize(j.Value, j.Options ?? context.JsonOptions),
            Jsonb j => Serialize(j.Value, j.Options ?? context.JsonOptions),
            JsonDocument d => Serialize(d.RootElement, context.JsonOptions),
            _ => Serialize(value, context.JsonOptions),
        };
        // The version byte goes with binary jsonb; a Json wrapper is sent as json, whose binary form is the text.
        if (format == PgFormat.Binary && ParameterOid(value) == Oids.Jsonb) buffer.WriteByte(1);
        buffer.WriteBytes(bytes);
    }

    private static byte[] Serialize(object? value, JsonSerializerOptions options) => JsonValues.Serialize(value, options);
}

/// <summary>JSON values as plain .NET ones: objects → Dictionary, arrays → List, integers → long, other numbers → double.</summary>
internal static class JsonPlainValues
{
    public static object? ToPlain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => ToDictionary(e),
        JsonValueKind.Array => e.EnumerateArray().Select(ToPlain).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? (object)l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static Dictionary<string, object?> ToDictionary(JsonElement e)
    {
        var result = new Dictionary<string, object?>();
        foreach (var p in e.EnumerateObject()) result[p.Name] = ToPlain(p.Value);   // json keeps duplicate keys: the last wins
        return result;
    }
}
