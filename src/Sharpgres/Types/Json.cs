using System.Text.Json;

namespace Sharpgres;

/// <summary>
/// A value to send as <c>json</c>, serialized with System.Text.Json (psycopg's <c>Json</c> wrapper): any object,
/// JsonElement, JsonDocument or JsonNode. <paramref name="options"/> overrides the connection's JSON options.
/// A string is serialized as a JSON string; to send JSON text you already have, pass the string itself.
/// </summary>
public sealed class Json(object? value, JsonSerializerOptions? options = null)
{
    /// <summary>The value to serialize and send (an object, a JsonElement, JsonDocument or JsonNode).</summary>
    public object? Value { get; } = value;
    /// <summary>System.Text.Json options for this value, or null for the driver's defaults (System.Text.Json's, with non-ASCII text written as is).</summary>
    public JsonSerializerOptions? Options { get; } = options;

    /// <summary>The JSON text this value is sent as.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(Types.JsonValues.Serialize(Value, Options ?? Types.TypeRegistry.DefaultJsonOptions));
}

/// <summary>A value to send as <c>jsonb</c>; see <see cref="Json"/>.</summary>
public sealed class Jsonb(object? value, JsonSerializerOptions? options = null)
{
    /// <summary>The value to serialize and send (an object, a JsonElement, JsonDocument or JsonNode).</summary>
    public object? Value { get; } = value;
    /// <summary>System.Text.Json options for this value, or null for the driver's defaults (System.Text.Json's, with non-ASCII text written as is).</summary>
    public JsonSerializerOptions? Options { get; } = options;

    /// <summary>The JSON text this value is sent as.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(Types.JsonValues.Serialize(Value, Options ?? Types.TypeRegistry.DefaultJsonOptions));
}
