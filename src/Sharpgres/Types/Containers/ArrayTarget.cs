using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Builds a .NET collection of type <typeparamref name="T"/> from an array value: E[] (nested E[][] for several
/// dimensions), E[,] / E[,,] (as many dimensions as the value), List&lt;E&gt; and the list interfaces. Elements are
/// read with their codec's typed reader, so an int4[] read as int[] never boxes. Null when T is not a collection.
/// </summary>
internal abstract class ArrayTarget<T>
{
    public static readonly ArrayTarget<T>? Instance = ArrayTargets.Create(typeof(T)) as ArrayTarget<T>;

    /// <summary>Builds the sub-array at <paramref name="depth"/> (0: the whole value).</summary>
    public abstract T Build(ref ArrayContent content, int depth, in ReadContext context);

    protected static int LengthAt(ref ArrayContent content, int depth) => content.Rank == 0 ? 0 : content.Lengths[depth];

    protected static bool IsLeaf(ref ArrayContent content, int depth) => content.Rank == 0 || depth >= content.Rank - 1;

    protected static ArrayTarget<E> Inner<E>(ref ArrayContent content) => ArrayTarget<E>.Instance
        ?? throw new InvalidCastException($"the array has {content.Rank} dimensions: read it as {typeof(E).Name}[{new string(',', content.Rank - 1)}] or as nested arrays/lists");
}

internal static class ArrayTargets
{
    private static readonly Type[] ListInterfaces =
        [typeof(IList<>), typeof(ICollection<>), typeof(IEnumerable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>)];

    public static object? Create(Type t)
    {
        if (t.IsSZArray) return Activator.CreateInstance(typeof(VectorTarget<>).MakeGenericType(t.GetElementType()!));
        if (t.IsArray) return Activator.CreateInstance(typeof(MultiDimTarget<,>).MakeGenericType(t.GetElementType()!, t));
        if (!t.IsGenericType) return null;
        var definition = t.GetGenericTypeDefinition();
        var element = t.GetGenericArguments()[0];
        if (definition == typeof(List<>)) return Activator.CreateInstance(typeof(ListTarget<>).MakeGenericType(element));
        if (ListInterfaces.Contains(definition))
            return Activator.CreateInstance(typeof(ListAsTarget<,>).MakeGenericType(element, t));
        return null;
    }

    private delegate object BoxedBuild(ref ArrayContent content, in ReadContext context);

    private static readonly ConcurrentDictionary<Type, BoxedBuild> Boxed = new();

    /// <summary>The default .NET value of an array: E[] (E?[] when a value-type element is NULL somewhere), E[,] for 2-D...</summary>
    public static object BuildDefault(ref ArrayContent content, PgCodec? elementCodec, PgFormat format, in ReadContext context)
    {
        var element = elementCodec?.ClrType ?? (format == PgFormat.Text ? typeof(string) : typeof(byte[]));
        if (content.HasNulls && element.IsValueType && Nullable.GetUnderlyingType(element) is null)
            element = typeof(Nullable<>).MakeGenericType(element);
        var type = content.Rank <= 1 ? element.MakeArrayType() : element.MakeArrayType(content.Rank);
        var build = Boxed.GetOrAdd(type, static t => typeof(ArrayTargets).GetMethod(nameof(BuildBoxed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(t).CreateDelegate<BoxedBuild>());
        return build(ref content, context);
    }

    private static object BuildBoxed<T>(ref ArrayContent content, in ReadContext context) =>
        ArrayTarget<T>.Instance!.Build(ref content, 0, context)!;
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
        if (content.Rank == 0) array = Array.CreateInstance(typeof(E), new int[Rank]);
        else
        {
            if (content.Rank - depth != Rank)
                throw new InvalidCastException($"cannot read a {content.Rank - depth}-dimensional array as {typeof(E).Name}[{new string(',', Rank - 1)}]");
            array = Array.CreateInstance(typeof(E), content.Lengths[depth..]);
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
