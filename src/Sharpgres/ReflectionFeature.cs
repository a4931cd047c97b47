using System.Diagnostics.CodeAnalysis;

namespace Sharpgres;

/// <summary>
/// Whether the driver may reflect over the application's own types where no generic or registered form exists:
/// anonymous-object / POCO named arguments, JSON of POCOs without a JsonSerializerContext, [PgName] on enums that
/// were not registered, tuples of more than 7 items, arrays and ranges of types neither built in nor registered.
/// It follows System.Text.Json's switch: on by default, off when the app is published trimmed or NativeAOT (the SDK
/// turns it off there, and the trimmer then removes the reflection paths), where those features raise an exception
/// naming the trimming-safe form instead.
/// </summary>
internal static class ReflectionFeature
{
    private const string Switch = "System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault";

    [FeatureSwitchDefinition(Switch)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    public static bool IsSupported { get; } = !AppContext.TryGetSwitch(Switch, out var on) || on;

    /// <summary>The exception for a reflection convenience used in a trimmed / NativeAOT app.</summary>
    public static NotSupportedException Unavailable(string what, string instead) =>
        new($"{what} needs reflection over your types, which is off in trimmed and NativeAOT apps: {instead}");
}
