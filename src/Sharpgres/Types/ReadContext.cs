using System.Text.Json;

namespace Sharpgres.Types;

/// <summary>
/// What a codec may need besides the bytes: the session's TimeZone (timestamptz reads follow SET TIME ZONE at once),
/// the registry for element and field types, JSON options. Passed by reference, never allocated per value.
/// </summary>
public readonly struct ReadContext(TypeRegistry types, TimeZoneInfo timeZone, JsonSerializerOptions? json)
{
    public TypeRegistry Types { get; } = types;
    public TimeZoneInfo TimeZone { get; } = timeZone;
    public JsonSerializerOptions JsonOptions { get; } = json ?? TypeRegistry.DefaultJsonOptions;

    internal static ReadContext Default => new(TypeRegistry.Global, TimeZoneInfo.Utc, null);
}
