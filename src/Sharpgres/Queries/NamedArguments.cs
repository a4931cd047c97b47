using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Sharpgres.Queries;

/// <summary>
/// Turns the object passed for %(name)s placeholders into a name → value map: a dictionary as is, an anonymous
/// object or POCO through its public properties (getters cached per type).
/// </summary>
internal static class NamedArguments
{
    private static readonly ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> Getters = new();

    public static IReadOnlyDictionary<string, object?> From(object source)
    {
        switch (source)
        {
            case IReadOnlyDictionary<string, object?> ro: return ro;
            case IDictionary<string, object?> d: return new Dictionary<string, object?>(d);
            case System.Collections.IDictionary legacy:
                var map = new Dictionary<string, object?>();
                foreach (System.Collections.DictionaryEntry e in legacy) map[e.Key.ToString()!] = e.Value;
                return map;
        }
        if (!ReflectionFeature.IsSupported)
            throw ReflectionFeature.Unavailable($"named arguments from the properties of {source.GetType().Name}",
                "pass them as a Dictionary<string, object?> (new() { [\"id\"] = 1 })");
        var getters = Getters.GetOrAdd(source.GetType(), PropertyGetters);
        var result = new Dictionary<string, object?>(getters.Length, StringComparer.Ordinal);
        foreach (var (name, get) in getters) result[name] = get(source);
        return result;
    }

    // An anonymous object's getters are called only through reflection, so trimming would remove them.
    [RequiresUnreferencedCode("reads the public properties of the arguments object")]
    private static (string Name, Func<object, object?> Get)[] PropertyGetters(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
        .Select(p => (p.Name, (Func<object, object?>)p.GetValue))
        .ToArray();
}
