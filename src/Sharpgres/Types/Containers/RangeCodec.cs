using System.Buffers.Binary;
using System.Collections.Concurrent;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Reads a range or multirange type generically over its subtype's codec (from the registry at read time): untyped
/// reads give PgRange&lt;S&gt; / PgMultirange&lt;S&gt; with S the subtype codec's .NET type (string when the subtype has
/// none), typed reads any PgRange&lt;X&gt; / PgMultirange&lt;X&gt; the subtype codec can produce X for. Writing is
/// <see cref="RangeWriter{X}"/>'s job.
/// </summary>
internal sealed class RangeCodec(uint oid, uint subtypeOid, string name, TypeRegistry owner, RangeFamily family) : PgCodec, IGenericPgReader
{
    public override uint Oid => oid;
    public override string PgTypeName => name;
    public override Type ClrType => family.ClrType(TypeForms.For(owner.ForOid(subtypeOid)?.ClrType ?? typeof(string)));
    public override bool CanReadBinary => owner.ForOid(subtypeOid) is { CanReadBinary: true };

    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var bound = context.Types.ForOid(subtypeOid)?.ClrType ?? (format == PgFormat.Text ? typeof(string) : typeof(byte[]));
        return family.ReadBoxed(TypeForms.Require(bound, $"reading a {name} value"), data, format, subtypeOid, context);
    }

    public T Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (family.Typed<T>() is { } read) return read(data, format, subtypeOid, context);
        if (typeof(T) == typeof(object)) return (T)ReadObject(data, format, context);
        throw new InvalidCastException($"cannot read a {name} value as {typeof(T).Name}: read it as {family.Generic.Name.Split('`')[0]}<>");
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        (ContainerWriters.TryCreate(value.GetType(), context.Types) ?? throw new ProgrammingError($"cannot adapt type '{value.GetType().Name}' to {name}"))
            .WriteObject(buffer, value, format, context);
}

/// <summary>
/// Ranges or multiranges: the .NET type they read as and their reader per bound type, from the bound type's
/// <see cref="TypeForms"/> (no reflection: NativeAOT has the readers of the built-in and registered types).
/// </summary>
internal sealed class RangeFamily
{
    public delegate T ReadDelegate<T>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context);

    public static readonly RangeFamily Range = new(typeof(PgRange<>), multi: false);
    public static readonly RangeFamily Multirange = new(typeof(PgMultirange<>), multi: true);

    private readonly bool _multi;
    private readonly ConcurrentDictionary<Type, Delegate?> _typed = new();

    private RangeFamily(Type generic, bool multi) { Generic = generic; _multi = multi; }

    /// <summary>PgRange&lt;&gt; or PgMultirange&lt;&gt;.</summary>
    public Type Generic { get; }

    /// <summary>PgRange&lt;S&gt; / PgMultirange&lt;S&gt; for the subtype's forms (object when NativeAOT has none).</summary>
    public Type ClrType(TypeForms? bound) => bound is null ? typeof(object) : _multi ? bound.MultirangeType : bound.RangeType;

    public object ReadBoxed(TypeForms bound, ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context) =>
        _multi ? bound.ReadMultirange(data, format, subtypeOid, context) : bound.ReadRange(data, format, subtypeOid, context);

    /// <summary>The reader for T = PgRange&lt;X&gt; (or PgMultirange&lt;X&gt;); null for other types.</summary>
    public ReadDelegate<T>? Typed<T>() => (ReadDelegate<T>?)_typed.GetOrAdd(typeof(T), static (t, family) =>
    {
        if (!t.IsGenericType || t.GetGenericTypeDefinition() != family.Generic) return null;
        var bound = TypeForms.Require(t.GetGenericArguments()[0], $"reading {family.Generic.Name.Split('`')[0]}");
        return family._multi ? bound.MultirangeReader : bound.RangeReader;
    }, this);

    public static PgRange<X> ReadRange<X>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context)
    {
        var bound = ElementFields.For(subtypeOid, format);
        if (format == PgFormat.Binary) return RangeContent.ParseBinary(data).Build<X>(bound, context);
        var scanner = new TextScanner(data);
        try
        {
            var range = RangeContent.ParseText(ref scanner).Build<X>(bound, context);
            scanner.SkipSpaces();
            if (!scanner.AtEnd) throw scanner.Malformed("range");
            return range;
        }
        finally { scanner.ReturnScratch(); }
    }

    /// <summary>Binary: count, then (length, range_send bytes) per range; text: {range,range}.</summary>
    public static PgMultirange<X> ReadMultirange<X>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context)
    {
        var bound = ElementFields.For(subtypeOid, format);
        if (format == PgFormat.Binary)
        {
            if (data.Length < 4) throw new DataError("binary multirange value too short");
            var count = BinaryPrimitives.ReadInt32BigEndian(data);
            var ranges = new PgRange<X>[count];
            var position = 4;
            for (var i = 0; i < count; i++)
            {
                var length = position + 4 <= data.Length ? BinaryPrimitives.ReadInt32BigEndian(data[position..]) : -1;
                position += 4;
                if (length < 0 || position + length > data.Length) throw new DataError("binary multirange value truncated");
                ranges[i] = RangeContent.ParseBinary(data.Slice(position, length)).Build<X>(bound, context);
                position += length;
            }
            return new PgMultirange<X>(ranges);
        }
        var scanner = new TextScanner(data);
        try
        {
            var list = new List<PgRange<X>>();
            scanner.SkipSpaces();
            scanner.Expect((byte)'{', "multirange");
            scanner.SkipSpaces();
            if (scanner.Current == (byte)'}') scanner.Position++;
            else
            {
                while (true)
                {
                    list.Add(RangeContent.ParseText(ref scanner).Build<X>(bound, context));
                    scanner.SkipSpaces();
                    if (scanner.Current == (byte)'}') { scanner.Position++; break; }
                    scanner.Expect((byte)',', "multirange");
                }
            }
            scanner.SkipSpaces();
            if (!scanner.AtEnd) throw scanner.Malformed("multirange");
            return new PgMultirange<X>(list);
        }
        finally { scanner.ReturnScratch(); }
    }
}
