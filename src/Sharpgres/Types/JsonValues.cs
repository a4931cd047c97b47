using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Sharpgres.Types;

/// <summary>
/// JSON text to and from .NET values through System.Text.Json contracts (JsonTypeInfo), never the reflection-only
/// overloads: JsonElement, JsonDocument and JsonNode are written as they are, other values through the options'
/// resolver. With options built on a JsonSerializerContext (source generation) this works under trimming and
/// NativeAOT; with the default options it uses reflection where the runtime allows it, and otherwise
/// System.Text.Json says that a TypeInfoResolver is needed.
/// </summary>
internal static class JsonValues
{
    public static byte[] Serialize(object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null: return "null"u8.ToArray();
            case JsonElement element: return Write(element, static (w, e, _) => e.WriteTo(w), options);
            case JsonDocument document: return Write(document, static (w, d, _) => d.WriteTo(w), options);
            case JsonNode node: return Write(node, static (w, n, o) => n.WriteTo(w, o), options);
        }
        // Options without a resolver (the driver's defaults, most users' options) keep System.Text.Json's reflection
        // default, as before; options built on a JsonSerializerContext go through its contracts (trimming, NativeAOT).
        if (options.TypeInfoResolver is null) return JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);
        return JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(value.GetType()));
    }

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8, JsonSerializerOptions options) =>
        options.TypeInfoResolver is null
            ? JsonSerializer.Deserialize<T>(utf8, options)!
            : JsonSerializer.Deserialize(utf8, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!;

    private static byte[] Write<TValue>(TValue value, Action<Utf8JsonWriter, TValue, JsonSerializerOptions> write, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented }))
            write(writer, value, options);
        return buffer.WrittenSpan.ToArray();
    }
}
