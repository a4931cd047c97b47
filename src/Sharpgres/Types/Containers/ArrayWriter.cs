using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Sends a .NET collection as a PostgreSQL array: E[], List&lt;E&gt;, any IEnumerable&lt;E&gt;, E[,] / E[,,], and
/// nested collections (E[][], List&lt;List&lt;E&gt;&gt;, object[] of arrays) as multi-dimensional arrays, which must
/// be rectangular. The element codec is the one the registry picks for E (for object elements, for each value:
/// they must all agree, else DataError). The array type is the element type's array (int[] → int4[]); string
/// elements, untyped on their own, make a text[]. When no array type is known the array goes as an untyped text
/// literal the server types from context. Binary unless the element codec prefers text.
/// </summary>
internal sealed class ArrayWriter<E>(Type clrType, int depth, TypeRegistry registry) : PgCodec, IArrayWriter
{
    private static readonly Type ElementType = Nullable.GetUnderlyingType(typeof(E)) ?? typeof(E);
    private static readonly bool OneCodec = typeof(E).IsValueType || typeof(E).IsSealed;
    private static readonly bool NeverNull = typeof(E).IsValueType && Nullable.GetUnderlyingType(typeof(E)) is null;

    [ThreadStatic] private static (object Value, TypeRegistry Types, Plan Plan)? _last;

    public override uint Oid => registry.ForType(ElementType) is { } c ? registry.ArrayOidOf(c.Oid) : 0;
    public override string PgTypeName => "array";
    public override Type ClrType => clrType;
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) =>
        throw new NotSupportedException("array writers don't read");

    public override uint ParameterOid(object value) => PlanFor(value, registry).ArrayOid;
    public override PgFormat ParameterFormat(object value) => PlanFor(value, registry).Format;

    /// <summary>What a value needs to be written: its elements (flattened), dimensions, element codec and types.</summary>
    private sealed class Plan
    {
        public E[]? Flat;
        public int Count;
        public int[] Dims = [];
        public PgCodec? Codec;
        public uint ElementOid;
        public uint ArrayOid;
        public PgFormat Format;
        public bool HasNulls;
    }

    private Plan PlanFor(object value, TypeRegistry types)
    {
        if (_last is { } last && ReferenceEquals(last.Value, value) && ReferenceEquals(last.Types, types)) return last.Plan;
        var plan = new Plan();
        Flatten(value, plan, types);
        Analyze(Elements(value, plan), plan, types);
        _last = (value, types, plan);
        return plan;
    }

    private static ReadOnlySpan<E> Elements(object value, Plan plan) => plan.Flat is { } flat
        ? flat.AsSpan(0, plan.Count)
        : value switch
        {
            E[] vector => vector,
            List<E> list => CollectionsMarshal.AsSpan(list),
            Array rectangular => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, E>(ref MemoryMarshal.GetArrayDataReference(rectangular)), rectangular.Length),
            _ => throw new InvalidOperationException("unexpected collection"),
        };

    private void Flatten(object value, Plan plan, TypeRegistry types)
    {
        var dynamic = typeof(E) == typeof(object);
        switch (value)
        {
            case E[] vector when depth == 1 && !(dynamic && ContainsNested(vector, types)):
                plan.Count = vector.Length;
                plan.Dims = [vector.Length];
                return;
            case List<E> list when depth == 1 && !(dynamic && ContainsNested(list, types)):
                plan.Count = list.Count;
                plan.Dims = [list.Count];
                return;
            case Array { Rank: > 1 } rectangular:
                plan.Count = rectangular.Length;
                plan.Dims = new int[rectangular.Rank];
                for (var d = 0; d < plan.Dims.Length; d++) plan.Dims[d] = rectangular.GetLength(d);
                return;
        }
        var dims = new List<int>();
        var flat = new List<E>();
        Collect((IEnumerable)value, 0, dynamic ? -1 : depth - 1, dims, flat, types);
        plan.Flat = flat.ToArray();
        plan.Count = flat.Count;
        plan.Dims = [.. dims];
    }

    /// <summary>Appends a (sub-)collection's elements, checking that sub-arrays have matching lengths.</summary>
    private static void Collect(IEnumerable collection, int level, int leafLevel, List<int> dims, List<E> flat, TypeRegistry types)
    {
        if (level >= 6) throw new DataError("arrays can have at most 6 dimensions");
        var leaf = leafLevel >= 0 ? level == leafLevel : !ContainsNested(collection, types);
        int count;
        if (leaf)
        {
            var before = flat.Count;
            if (collection is IEnumerable<E> typed) flat.AddRange(typed);
            else foreach (var item in collection) flat.Add((E)item!);
            count = flat.Count - before;
            if (dims.Count > level + 1) throw Ragged();
        }
        else
        {
            var items = collection.Cast<object?>().ToList();
            count = items.Count;
            SetDim(dims, level, count);
            foreach (var item in items)
            {
                if (item is not IEnumerable inner || (leafLevel < 0 && !IsNested(item, types)))
                    throw new DataError("cannot adapt an array mixing sub-arrays and single values");
                Collect(inner, level + 1, leafLevel, dims, flat, types);
            }
            return;
        }
        SetDim(dims, level, count);
    }

    private static void SetDim(List<int> dims, int level, int count)
    {
        if (dims.Count == level) dims.Add(count);
        else if (dims[level] != count) throw Ragged();
    }

    private static DataError Ragged() => new("multidimensional arrays must have sub-arrays with matching dimensions");

    private static bool ContainsNested(IEnumerable items, TypeRegistry types)
    {
        foreach (var item in items)
            if (item is not null) return IsNested(item, types);
        return false;
    }

    /// <summary>A value inside an object[] that is itself a sub-array rather than an element.</summary>
    private static bool IsNested(object item, TypeRegistry types) =>
        item is IEnumerable and not string && !ContainerWriters.HasCodec(item.GetType(), types) && ContainerWriters.CollectionElement(item.GetType()) is not null;

    private static void Analyze(ReadOnlySpan<E> elements, Plan plan, TypeRegistry types)
    {
        object? sample = null;
        uint parameterOid = 0;
        if (OneCodec)
        {
            foreach (var e in elements)
            {
                if (e is null) plan.HasNulls = true;
                else sample ??= e;
                if (NeverNull || (sample is not null && plan.HasNulls)) break;
            }
            plan.Codec = ElementCodecs.ForType(ElementType, sample, types);
            parameterOid = sample is null ? plan.Codec.Oid : plan.Codec.ParameterOid(sample);
        }
        else
        {
            Type? lastType = null;
            PgCodec? lastCodec = null;
            foreach (var e in elements)
            {
                if (e is null) { plan.HasNulls = true; continue; }
                var type = e.GetType();
                var codec = type == lastType ? lastCodec! : types.ForParameter(e);
                (lastType, lastCodec) = (type, codec);
                var oid = codec.ParameterOid(e);
                if (plan.Codec is null) { plan.Codec = codec; parameterOid = oid; sample = e; }
                else if (!ReferenceEquals(codec, plan.Codec) || oid != parameterOid)
                    throw new DataError($"cannot adapt an array of mixed types: {sample!.GetType().Name} and {type.Name} elements");
            }
        }
        var codecOid = plan.Codec?.Oid ?? 0;
        plan.ElementOid = parameterOid != 0 ? parameterOid : codecOid;
        plan.ArrayOid = plan.ElementOid == 0 ? 0 : types.ArrayOidOf(plan.ElementOid);
        plan.Format = plan.ArrayOid == 0 ? PgFormat.Text
            : parameterOid == 0 || sample is null ? PgFormat.Binary
            : plan.Codec!.ParameterFormat(sample);
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var plan = PlanFor(value, context.Types);
        _last = null;   // writing is the last step: don't keep a (maybe large) array alive
        var elements = Elements(value, plan);
        if (format == PgFormat.Binary) WriteBinary(buffer, elements, plan, context);
        else WriteText(buffer, elements, plan, context);
    }

    /// <summary>array_recv's input: ndim, has-null flag, element OID, (length, lower bound 1) per dimension, elements.</summary>
    private static void WriteBinary(WriteBuffer buffer, ReadOnlySpan<E> elements, Plan plan, in ReadContext context)
    {
        if (plan.ElementOid == 0 || plan.Codec is null)
            throw new ProgrammingError("cannot send this array in binary: its element type is unknown (use %s or %t)");
        var ndim = plan.Count == 0 ? 0 : plan.Dims.Length;
        buffer.WriteInt32(ndim);
        buffer.WriteInt32(plan.HasNulls ? 1 : 0);
        buffer.WriteUInt32(plan.ElementOid);
        for (var d = 0; d < ndim; d++)
        {
            buffer.WriteInt32(plan.Dims[d]);
            buffer.WriteInt32(1);
        }
        foreach (var e in elements)
        {
            if (e is null) { buffer.WriteInt32(-1); continue; }
            var at = buffer.ReserveLength();
            ElementWriting<E>.Write(plan.Codec, buffer, e, PgFormat.Binary, context);
            buffer.PatchLength(at);
        }
    }

    /// <summary>array_in's syntax: {{1,2},{3,4}}, elements quoted when array_out would quote them, NULL for null.</summary>
    private static void WriteText(WriteBuffer buffer, ReadOnlySpan<E> elements, Plan plan, in ReadContext context)
    {
        if (plan.Count == 0) { buffer.WriteUtf8("{}"); return; }
        var delimiter = ContainerOids.DelimiterOf(plan.ElementOid);
        var syntax = TextSyntax.ArrayFor(delimiter);
        var index = 0;
        WriteLevel(buffer, elements, plan, 0, ref index, delimiter, syntax, context);
    }

    private static void WriteLevel(WriteBuffer buffer, ReadOnlySpan<E> elements, Plan plan, int level, ref int index, byte delimiter, TextSyntax syntax, in ReadContext context)
    {
        buffer.WriteByte((byte)'{');
        for (var i = 0; i < plan.Dims[level]; i++)
        {
            if (i > 0) buffer.WriteByte(delimiter);
            if (level < plan.Dims.Length - 1) { WriteLevel(buffer, elements, plan, level + 1, ref index, delimiter, syntax, context); continue; }
            var e = elements[index++];
            if (e is null) { buffer.WriteUtf8("NULL"); continue; }
            var start = buffer.Position;
            ElementWriting<E>.Write(plan.Codec!, buffer, e, PgFormat.Text, context);
            syntax.QuoteWritten(buffer, start);
        }
        buffer.WriteByte((byte)'}');
    }
}
