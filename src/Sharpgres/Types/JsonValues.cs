using System.Buffers;
using System.Diagnostics.CodeAnalysis;
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
        if (options.TypeInfoResolver is not null) return JsonSerializer.SerializeToUtf8Bytes(value, options.GetTypeInfo(value.GetType()));
        if (ReflectionFeature.IsSupported) return SerializeByReflection(value, options);
        throw NoContract(value.GetType());
    }

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8, JsonSerializerOptions options)
    {
        if (options.TypeInfoResolver is not null) return JsonSerializer.Deserialize(utf8, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)))!;
        if (ReflectionFeature.IsSupported) return DeserializeByReflection<T>(utf8, options);
        throw NoContract(typeof(T));
    }

    [RequiresUnreferencedCode("System.Text.Json's reflection-based serializer"), RequiresDynamicCode("System.Text.Json's reflection-based serializer")]
    private static byte[] SerializeByReflection(object value, JsonSerializerOptions options) =>
        JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);

    [RequiresUnreferencedCode("System.Text.Json's reflection-based serializer"), RequiresDynamicCode("System.Text.Json's reflection-based serializer")]
    private static T DeserializeByReflection<T>(ReadOnlySpan<byte> utf8, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<T>(utf8, options)!;

    private static NotSupportedException NoContract(Type type) => ReflectionFeature.Unavailable(
        $"JSON of {type.Name} without a JsonSerializerContext",
        "set JSON options whose TypeInfoResolver is your source-generated JsonSerializerContext (new Json(value, options) to write; the connection's JSON options to read), " +
        "or use JsonElement, JsonDocument, JsonNode or string");

    private static byte[] Write<TValue>(TValue value, Action<Utf8JsonWriter, TValue, JsonSerializerOptions> write, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented }))
            write(writer, value, options);
        return buffer.WrittenSpan.ToArray();
    }
}
