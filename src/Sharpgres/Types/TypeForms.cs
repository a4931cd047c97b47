using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Net;
using System.Net.NetworkInformation;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Protocol;
using Sharpgres.Results;
using Sharpgres.Types.Containers;
using Sharpgres.Types.UserTypes;

namespace Sharpgres.Types;

/// <summary>
/// The driver's generic code for one .NET type E — the array targets and writers over E, PgRange&lt;E&gt; readers
/// and writers, a boxed typed read of a column or composite field as E — made by plain generic code instead of
/// MakeGenericType / MakeGenericMethod. NativeAOT compiles exactly the generic instantiations it can see, so the
/// built-in types (the table below) and the types given to RegisterEnum / RegisterComposite have theirs ahead of time;
/// any other type gets its forms by reflection where the runtime can generate code (JIT, untrimmed) and none in trimmed or
/// NativeAOT apps,
/// where the callers raise a NotSupportedException that says what to do instead.
/// </summary>
internal abstract class TypeForms
{
    /// <summary>What trimming keeps of every type with forms: ADO.NET's GetFieldType and DataTable columns promise them.</summary>
    public const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties;

    private static readonly ConcurrentDictionary<Type, TypeForms> Known = new();

    static TypeForms()
    {
        foreach (var forms in (ReadOnlySpan<TypeForms>)[
                     OfStruct<short>(), OfStruct<int>(), OfStruct<long>(), OfStruct<uint>(), OfStruct<byte>(),
                     OfStruct<float>(), OfStruct<double>(), OfStruct<decimal>(), OfStruct<PgNumeric>(), OfStruct<BigInteger>(),
                     OfStruct<bool>(), OfStruct<char>(), OfStruct<Guid>(),
                     OfStruct<DateOnly>(), OfStruct<TimeOnly>(), OfStruct<DateTime>(), OfStruct<DateTimeOffset>(), OfStruct<TimeSpan>(), OfStruct<PgInterval>(),
                     OfStruct<JsonElement>(), OfStruct<IPNetwork>(),
                     Of<string>(), Of<byte[]>(), Of<object>(), Of<IPAddress>(), Of<PhysicalAddress>(), Of<BitArray>(), Of<JsonNode>(),
                     Of<Dictionary<string, string?>>(),
                     // The built-in range types' .NET types, so arrays of ranges read untyped.
                     OfStruct<PgRange<int>>(), OfStruct<PgRange<long>>(), OfStruct<PgRange<decimal>>(), OfStruct<PgRange<DateOnly>>(),
                     OfStruct<PgRange<DateTime>>(), OfStruct<PgRange<DateTimeOffset>>(),
                     Of<PgMultirange<int>>(), Of<PgMultirange<long>>(), Of<PgMultirange<decimal>>(), Of<PgMultirange<DateOnly>>(),
                     Of<PgMultirange<DateTime>>(), Of<PgMultirange<DateTimeOffset>>()])
            Add(forms);
    }

    /// <summary>The forms of a reference type, or of a value type without its nullable twin (e.g. a composite of unknown kind).</summary>
    public static TypeForms Of<[DynamicallyAccessedMembers(TypeForms.Members)] E>() => new TypeForms<E>(null, null);

    /// <summary>The forms of a value type and of its Nullable&lt;E&gt; (E?[] arrays, E? reads and writes).</summary>
    public static TypeForms OfStruct<[DynamicallyAccessedMembers(TypeForms.Members)] E>() where E : struct => new TypeForms<E>(null, new TypeForms<E?>(new NullableOf<E>(), null));

    /// <summary>Makes the forms known (RegisterEnum / RegisterComposite call it with the user's type).</summary>
    public static void Add(TypeForms forms)
    {
        Known.TryAdd(forms.Type, forms);
        if (forms.Nullable is { } nullable) Known.TryAdd(nullable.Type, nullable);
    }

    /// <summary>The forms of <paramref name="type"/>; null under NativeAOT for a type neither built in nor registered.</summary>
    public static TypeForms? For(Type type)
    {
        if (Known.TryGetValue(type, out var forms)) return forms;
        if (!RuntimeFeature.IsDynamicCodeSupported || !ReflectionFeature.IsSupported) return null;
        forms = Make(type);
        Add(forms);
        return Known[type];
    }

    /// <summary>Every type with forms so far (for finding the element type of a custom collection class).</summary>
    public static ICollection<TypeForms> All => Known.Values;

    /// <summary>The forms of <paramref name="type"/>, or a NotSupportedException naming <paramref name="what"/> needed it.</summary>
    public static TypeForms Require(Type type, string what) => For(type) ?? throw NotCompiled(type, what);

    public static NotSupportedException NotCompiled(Type type, string what) => new(
        $"{what} of {type.Name} needs generic code that NativeAOT did not compile: use a built-in .NET type, or register {type.Name} " +
        "(conn.Types.RegisterEnum / RegisterComposite) before using it");

    [RequiresDynamicCode("instantiates TypeForms<E> for a type known only at run time")]
    [RequiresUnreferencedCode("instantiates TypeForms<E> for a type known only at run time")]
    private static TypeForms Make(Type type)
    {
        if (System.Nullable.GetUnderlyingType(type) is { } underlying) return For(underlying)!.Nullable!;
        var forms = type.IsValueType
            ? typeof(TypeForms).GetMethod(nameof(OfStruct))!.MakeGenericMethod(type)
            : typeof(TypeForms).GetMethod(nameof(Of))!.MakeGenericMethod(type);
        return (TypeForms)forms.Invoke(null, null)!;
    }

    /// <summary>
    /// The mappers' read of a column (RowAccess) or composite field (CompositeAccess) as <paramref name="type"/> where
    /// NativeAOT can't instantiate the typed Get&lt;type&gt;: the type's forms read it boxed, the expression (which
    /// NativeAOT interprets) unboxes it.
    /// </summary>
    public static Expression BoxedRead(ParameterExpression access, Type type, int ordinal, string what)
    {
        var read = access.Type == typeof(RowAccess) ? typeof(TypeForms).GetMethod(nameof(ReadColumn))! : typeof(TypeForms).GetMethod(nameof(ReadField))!;
        return Expression.Convert(Expression.Call(Expression.Constant(Require(type, what)), read, access, Expression.Constant(ordinal)), type);
    }

    /// <summary>E.</summary>
    [DynamicallyAccessedMembers(Members)]
    public abstract Type Type { get; }

    /// <summary>The forms of E? when E is a non-nullable value type.</summary>
    public abstract TypeForms? Nullable { get; }

    /// <summary>E[], PgRange&lt;E&gt;, PgMultirange&lt;E&gt;: the .NET types of containers of E.</summary>
    public abstract Type ArrayType { get; }
    public abstract Type RangeType { get; }
    public abstract Type MultirangeType { get; }

    /// <summary>True when <paramref name="type"/> is (or implements) IEnumerable&lt;E&gt;.</summary>
    public abstract bool IsEnumerableOf(Type type);

    /// <summary>
    /// The ArrayTarget&lt;<paramref name="collection"/>&gt; when the collection is E[], E[][], List&lt;E&gt;, an
    /// interface List&lt;E&gt; implements (IList, IEnumerable, IReadOnlyList ...), E[,] or E[,,]; null otherwise.
    /// </summary>
    public abstract object? ArrayTarget(Type collection);

    /// <summary>An array value read as E[] (E[,], E[,,] for more dimensions): the untyped read of an array of E.</summary>
    public abstract object BuildArray(ref ArrayContent content, in ReadContext context);

    public abstract PgCodec ArrayWriter(Type clrType, int depth, TypeRegistry registry);
    public abstract PgCodec RangeWriter(TypeRegistry registry);
    public abstract PgCodec MultirangeWriter(TypeRegistry registry);

    /// <summary>RangeFamily.ReadDelegate&lt;PgRange&lt;E&gt;&gt; and its multirange twin.</summary>
    public abstract Delegate RangeReader { get; }
    public abstract Delegate MultirangeReader { get; }
    public abstract object ReadRange(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context);
    public abstract object ReadMultirange(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context);

    /// <summary>A column read as E (RowAccess.Get&lt;E&gt;), boxed: the row mapper's path where code can't be generated.</summary>
    public abstract object? ReadColumn(RowAccess access, int ordinal);

    /// <summary>A composite field read as E (CompositeAccess.Get&lt;E&gt;), boxed.</summary>
    public abstract object? ReadField(CompositeAccess access, int ordinal);
}

internal sealed class TypeForms<[DynamicallyAccessedMembers(TypeForms.Members)] E>(NullableAccess<E>? nullableAccess, TypeForms? nullable) : TypeForms
{
    [DynamicallyAccessedMembers(Members)]
    public override Type Type => typeof(E);
    public override TypeForms? Nullable => nullable;

    /// <summary>For E = U?: reads and writes through the codec's own U (null for other E).</summary>
    public NullableAccess<E>? NullableAccess => nullableAccess;

    public override Type ArrayType => typeof(E[]);
    public override Type RangeType => typeof(PgRange<E>);
    public override Type MultirangeType => typeof(PgMultirange<E>);

    public override bool IsEnumerableOf(Type type) => typeof(IEnumerable<E>).IsAssignableFrom(type);

    public override object? ArrayTarget(Type collection)
    {
        if (collection == typeof(E[])) return new VectorTarget<E>();
        if (collection == typeof(List<E>)) return new ListTarget<E>();
        if (collection == typeof(IList<E>)) return new ListAsTarget<E, IList<E>>();
        if (collection == typeof(IEnumerable<E>)) return new ListAsTarget<E, IEnumerable<E>>();
        if (collection == typeof(IReadOnlyList<E>)) return new ListAsTarget<E, IReadOnlyList<E>>();
        if (collection == typeof(ICollection<E>)) return new ListAsTarget<E, ICollection<E>>();
        if (collection == typeof(IReadOnlyCollection<E>)) return new ListAsTarget<E, IReadOnlyCollection<E>>();
        if (collection == typeof(E[][])) return new VectorTarget<E[]>();
        if (collection == typeof(List<List<E>>)) return new ListTarget<List<E>>();
        if (collection == typeof(E[,])) return new MultiDimTarget<E, E[,]>();
        if (collection == typeof(E[,,])) return new MultiDimTarget<E, E[,,]>();
        return null;
    }

    public override object BuildArray(ref ArrayContent content, in ReadContext context) => content.Rank switch
    {
        <= 1 => ArrayTarget<E[]>.Instance!.Build(ref content, 0, context),
        2 => ArrayTarget<E[,]>.Instance!.Build(ref content, 0, context),
        3 => ArrayTarget<E[,,]>.Instance!.Build(ref content, 0, context),
        _ => RuntimeFeature.IsDynamicCodeSupported ? BuildHighRank(ref content, context)
            : throw new NotSupportedException($"an array of {content.Rank} dimensions needs code NativeAOT did not compile: read it as {typeof(E).Name}[,,] or fewer dimensions")
    };

    [RequiresDynamicCode("makes the array type of a rank known only at run time")]
    private static object BuildHighRank(ref ArrayContent content, in ReadContext context)
    {
        var target = (IBoxedArrayTarget)Activator.CreateInstance(
            typeof(MultiDimTarget<,>).MakeGenericType(typeof(E), typeof(E).MakeArrayType(content.Rank)))!;
        return target.BuildBoxed(ref content, context);
    }

    public override PgCodec ArrayWriter(Type clrType, int depth, TypeRegistry registry) => new ArrayWriter<E>(clrType, depth, registry);
    public override PgCodec RangeWriter(TypeRegistry registry) => new RangeWriter<E>(registry);
    public override PgCodec MultirangeWriter(TypeRegistry registry) => new MultirangeWriter<E>(registry);

    public override Delegate RangeReader => (RangeFamily.ReadDelegate<PgRange<E>>)RangeFamily.ReadRange<E>;
    public override Delegate MultirangeReader => (RangeFamily.ReadDelegate<PgMultirange<E>>)RangeFamily.ReadMultirange<E>;

    public override object ReadRange(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context) =>
        RangeFamily.ReadRange<E>(data, format, subtypeOid, context);

    public override object ReadMultirange(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context) =>
        RangeFamily.ReadMultirange<E>(data, format, subtypeOid, context);

    public override object? ReadColumn(RowAccess access, int ordinal) => access.Get<E>(ordinal);
    public override object? ReadField(CompositeAccess access, int ordinal) => access.Get<E>(ordinal);
}

/// <summary>
/// Reads and writes of U? through a codec's own typed U (a date column read as DateTime? by the codec's
/// IPgReader&lt;DateTime&gt;; an int?[] parameter written by PgCodec&lt;int&gt;), without reflection.
/// </summary>
internal abstract class NullableAccess<T>
{
    /// <summary>Reads the value when the codec has a typed reader for the underlying type; false otherwise.</summary>
    public abstract bool TryRead(PgCodec codec, ReadOnlySpan<byte> data, PgFormat format, in ReadContext context, out T value);

    /// <summary>Writes a non-null value with the codec's typed Write when it has one, else boxed.</summary>
    public abstract void Write(PgCodec codec, WriteBuffer buffer, T value, PgFormat format, in ReadContext context);
}

internal sealed class NullableOf<U> : NullableAccess<U?> where U : struct
{
    public override bool TryRead(PgCodec codec, ReadOnlySpan<byte> data, PgFormat format, in ReadContext context, out U? value)
    {
        if (codec is IPgReader<U> reader) { value = reader.Read(data, format, context); return true; }
        value = null;
        return false;
    }

    public override void Write(PgCodec codec, WriteBuffer buffer, U? value, PgFormat format, in ReadContext context)
    {
        if (codec is PgCodec<U> typed) typed.Write(buffer, value!.Value, format, context);
        else codec.WriteObject(buffer, value!.Value, format, context);
    }
}
