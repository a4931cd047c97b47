using System.Text.Json;

namespace Sharpgres.Types;

/// <summary>
/// What a codec may need besides the bytes: the session's TimeZone (timestamptz reads follow SET TIME ZONE at once),
/// the registry for element and field types, JSON options. Passed by reference, never allocated per value.
/// </summary>
public readonly struct ReadContext(TypeRegistry types, TimeZoneInfo timeZone, JsonSerializerOptions? json)
{
    /// <summary>The connection's type registry: codecs of array elements, composite fields and registered user types.</summary>
    public TypeRegistry Types { get; } = types;
    /// <summary>The session's TimeZone setting (follows SET TIME ZONE), in which timestamptz values are read.</summary>
    public TimeZoneInfo TimeZone { get; } = timeZone;
    /// <summary>The System.Text.Json options json and jsonb values are read and written with.</summary>
    public JsonSerializerOptions JsonOptions { get; } = json ?? types.JsonOptions ?? TypeRegistry.DefaultJsonOptions;

    internal static ReadContext Default => new(TypeRegistry.Global, TimeZoneInfo.Utc, null);
}
