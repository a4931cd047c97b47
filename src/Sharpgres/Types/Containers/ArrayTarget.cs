using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Builds a .NET collection of type <typeparamref name="T"/> from an array value: E[] (nested E[][] for several
/// dimensions), E[,] / E[,,] (as many dimensions as the value), List&lt;E&gt; and the list interfaces. Elements are
/// read with their codec's typed reader, so an int4[] read as int[] never boxes. Null when T is not a collection.
/// </summary>
internal abstract class ArrayTarget<T> : IBoxedArrayTarget
{
    public static readonly ArrayTarget<T>? Instance = ArrayTargets.Create(typeof(T)) as ArrayTarget<T>;

    /// <summary>Builds the sub-array at <paramref name="depth"/> (0: the whole value).</summary>
    public abstract T Build(ref ArrayContent content, int depth, in ReadContext context);

    public object BuildBoxed(ref ArrayContent content, in ReadContext context) => Build(ref content, 0, context)!;

    protected static int LengthAt(ref ArrayContent content, int depth) => content.Rank == 0 ? 0 : content.Lengths[depth];

    protected static bool IsLeaf(ref ArrayContent content, int depth) => content.Rank == 0 || depth >= content.Rank - 1;

    protected static ArrayTarget<E> Inner<E>(ref ArrayContent content) => ArrayTarget<E>.Instance
        ?? throw new InvalidCastException($"the array has {content.Rank} dimensions: read it as {typeof(E).Name}[{new string(',', content.Rank - 1)}] or as nested arrays/lists");
}

/// <summary>An array target whose .NET type is known only at run time.</summary>
internal interface IBoxedArrayTarget
{
    object BuildBoxed(ref ArrayContent content, in ReadContext context);
}

internal static class ArrayTargets
{
    private static readonly Type[] ListInterfaces =
        [typeof(IList<>), typeof(ICollection<>), typeof(IEnumerable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>)];

    /// <summary>The ArrayTarget&lt;t&gt; from the element type's <see cref="TypeForms"/>; null when t is no collection (or, under NativeAOT, of an element type without forms).</summary>
    public static object? Create(Type t)
    {
        if (ElementOf(t) is not { } element) return null;
        if (TypeForms.For(element)?.ArrayTarget(t) is { } target) return target;
        // E[][] and List<List<E>> are made by E's forms (NativeAOT has no forms for E[] itself).
        if (ElementOf(element) is { } inner && TypeForms.For(inner)?.ArrayTarget(t) is { } nested) return nested;
        if (t.IsArray && !t.IsSZArray && RuntimeFeature.IsDynamicCodeSupported) return MakeMultiDim(element, t);
        return null;
    }

    /// <summary>E for E[], E[,] ..., List&lt;E&gt; and the list interfaces; null for other types.</summary>
    public static Type? ElementOf(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        if (!t.IsGenericType) return null;
        var definition = t.GetGenericTypeDefinition();
        return definition == typeof(List<>) || ListInterfaces.Contains(definition) ? t.GetGenericArguments()[0] : null;
    }

    [RequiresDynamicCode("instantiates MultiDimTarget for an array rank known only at run time")]
    private static object? MakeMultiDim(Type element, Type t) =>
        Activator.CreateInstance(typeof(MultiDimTarget<,>).MakeGenericType(element, t));

    /// <summary>The default .NET value of an array: E[] (E?[] when a value-type element is NULL somewhere), E[,] for 2-D...</summary>
    public static object BuildDefault(ref ArrayContent content, PgCodec? elementCodec, PgFormat format, in ReadContext context)
    {
        var element = elementCodec?.ClrType ?? (format == PgFormat.Text ? typeof(string) : typeof(byte[]));
        var forms = TypeForms.Require(element, "reading an array");
        if (content.HasNulls && forms.Nullable is { } nullable) forms = nullable;
        return forms.BuildArray(ref content, context);
    }
}

/// <summary>E[]: one dimension, or the outer level of nested arrays/lists for more.</summary>
internal sealed class VectorTarget<E> : ArrayTarget<E[]>
{
    public override E[] Build(ref ArrayContent content, int depth, in ReadContext context)
    {
        var n = LengthAt(ref content, depth);
        if (n == 0) return [];
        var result = new E[n];
        if (IsLeaf(ref content, depth))
            for (var i = 0; i < n; i++) result[i] = content.ReadNext<E>(context);
        else
        {
            var inner = Inner<E>(ref content);
            for (var i = 0; i < n; i++) result[i] = inner.Build(ref content, depth + 1, context);
        }
        return result;
    }
}

/// <summary>List&lt;E&gt;, filled like <see cref="VectorTarget{E}"/>.</summary>
internal sealed class ListTarget<E> : ArrayTarget<List<E>>
{
    public override List<E> Build(ref ArrayContent content, int depth, in ReadContext context)
    {
        var n = LengthAt(ref content, depth);
        var result = new List<E>(n);
        if (n == 0) return result;
        if (IsLeaf(ref content, depth))
            for (var i = 0; i < n; i++) result.Add(content.ReadNext<E>(context));
        else
        {
            var inner = Inner<E>(ref content);
            for (var i = 0; i < n; i++) result.Add(inner.Build(ref content, depth + 1, context));
        }
        return result;
    }
}

/// <summary>IList&lt;E&gt;, IEnumerable&lt;E&gt;, IReadOnlyList&lt;E&gt;...: a List&lt;E&gt;.</summary>
internal sealed class ListAsTarget<E, T> : ArrayTarget<T>
{
    private static readonly ListTarget<E> List = new();

    public override T Build(ref ArrayContent content, int depth, in ReadContext context) =>
        (T)(object)List.Build(ref content, depth, context);
}

/// <summary>E[,], E[,,]...: a rectangular .NET array with as many dimensions as the PostgreSQL value.</summary>
internal sealed class MultiDimTarget<E, T> : ArrayTarget<T>
{
    private static readonly int Rank = typeof(T).GetArrayRank();

    public override T Build(ref ArrayContent content, int depth, in ReadContext context)
    {
        Array array;
        // CreateInstanceFromArrayType, not CreateInstance(typeof(E), ...): the array type is T itself, so NativeAOT has its code.
        if (content.Rank == 0) array = Array.CreateInstanceFromArrayType(typeof(T), new int[Rank]);
        else
        {
            if (content.Rank - depth != Rank)
                throw new InvalidCastException($"cannot read a {content.Rank - depth}-dimensional array as {typeof(E).Name}[{new string(',', Rank - 1)}]");
            array = Array.CreateInstanceFromArrayType(typeof(T), content.Lengths[depth..]);
            // A rectangular array's elements are contiguous in row-major order: PostgreSQL's order.
            var span = MemoryMarshal.CreateSpan(ref Unsafe.As<byte, E>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
            for (var i = 0; i < span.Length; i++) span[i] = content.ReadNext<E>(context);
        }
        return (T)(object)array;
    }
}

/// <summary>Non-generic requests (object, Array, IEnumerable, IList) get the default type.</summary>
internal static class UntypedArrayRequest
{
    public static bool Is(Type t) => t == typeof(object) || t == typeof(Array) || t == typeof(IEnumerable) || t == typeof(IList) || t == typeof(ICollection);
}
