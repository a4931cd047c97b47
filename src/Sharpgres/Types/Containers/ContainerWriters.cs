using System.Collections;
using Sharpgres.Types.UserTypes;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Parameter codecs made on demand for .NET types without a registered codec (TypeRegistry.ForParameter's last
/// resort): collections → arrays, PgRange&lt;T&gt; / PgMultirange&lt;T&gt; → ranges, string dictionaries → hstore,
/// C# enums not registered with RegisterEnum → their label as untyped text.
/// </summary>
internal static class ContainerWriters
{
    public static PgCodec? TryCreate(Type type, TypeRegistry registry)
    {
        if (type.IsEnum) return new UnregisteredEnumWriter(type);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition)
        {
            if (definition == typeof(PgRange<>))
                return TypeForms.Require(type.GetGenericArguments()[0], "a PgRange parameter").RangeWriter(registry);
            if (definition == typeof(PgMultirange<>))
                return TypeForms.Require(type.GetGenericArguments()[0], "a PgMultirange parameter").MultirangeWriter(registry);
        }
        if (HstoreParameterWriter.Handles(type)) return new HstoreParameterWriter(type, registry);
        if (CollectionElement(type) is not { } element) return null;

        // Descend through nested collections (E[][] , List<List<E>>) to the element type that has a codec.
        var leaf = element;
        var depth = 1;
        while (true)
        {
            var underlying = Nullable.GetUnderlyingType(leaf) ?? leaf;
            if (leaf == typeof(object) || HasCodec(underlying, registry)) break;
            if (CollectionElement(leaf) is { } inner && (!leaf.IsArray || leaf.IsSZArray)) { leaf = inner; depth++; continue; }
            if (TryCreate(underlying, registry) is not null) break;
            return null;
        }
        return TypeForms.Require(leaf, "an array parameter").ArrayWriter(type, depth, registry);
    }

    /// <summary>
    /// The element type of a collection type (arrays, IEnumerable&lt;E&gt;); null for strings, dictionaries and
    /// collections of several element types. Found by asking each known element type's forms whether the type is an
    /// IEnumerable of it (no walk over the type's interfaces, which trimming may not keep).
    /// </summary>
    public static Type? CollectionElement(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        // List<E>, HashSet<E>, IEnumerable<E> ...: the type argument, checked.
        if (type.IsGenericType && type.GetGenericArguments() is [var argument] && TypeForms.For(argument) is { } forms && forms.IsEnumerableOf(type))
            return argument;
        // A collection class of its own: IEnumerable<object> matches every reference-type element by variance, so a
        // more specific match wins; two specific ones are ambiguous.
        Type? element = null;
        foreach (var candidate in TypeForms.All)
        {
            if (!candidate.IsEnumerableOf(type)) continue;
            if (element is null || element == typeof(object)) element = candidate.Type;
            else if (candidate.Type != typeof(object) && candidate.Type != element) return null;
        }
        return element;
    }

    /// <summary>
    /// A codec is registered for the type or one of its base classes — not counting array writers made earlier
    /// (cached by the registry), so a nested collection stays a sub-array.
    /// </summary>
    public static bool HasCodec(Type type, TypeRegistry registry)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            if (registry.ForType(t) is { } codec) return codec is not IArrayWriter;
        return false;
    }
}

/// <summary>Marks the writers that turn collections into arrays.</summary>
internal interface IArrayWriter;

/// <summary>Finding the codec of an element, bound or field from its static type.</summary>
internal static class ElementCodecs
{
    /// <summary>
    /// The codec for values of <paramref name="type"/>: registered for the type, else picked for a sample value,
    /// else made on demand. Throws ProgrammingError ("cannot adapt") when there is none.
    /// </summary>
    public static PgCodec ForType(Type type, object? sample, TypeRegistry types)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (types.ForType(underlying) is { } codec) return codec;
        if (sample is not null) return types.ForParameter(sample);
        return ContainerWriters.TryCreate(underlying, types)
            ?? throw new ProgrammingError($"cannot adapt type '{underlying.Name}': register a codec for it with conn.Types.Register(...)");
    }
}
