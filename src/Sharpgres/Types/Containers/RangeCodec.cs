using System.Collections.Concurrent;
using System.Reflection;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Reads a range type generically over its subtype's codec (from the registry at read time): untyped reads give
/// PgRange&lt;S&gt; with S the subtype codec's .NET type (PgRange&lt;string&gt; when the subtype has none), typed reads
/// any PgRange&lt;X&gt; the subtype codec can produce X for. Writing is <see cref="RangeWriter{X}"/>'s job.
/// </summary>
internal sealed class RangeCodec(uint oid, uint subtypeOid, string name, TypeRegistry owner) : PgCodec, IGenericPgReader
{
    public override uint Oid => oid;
    public override string PgTypeName => name;
    public override Type ClrType => typeof(PgRange<>).MakeGenericType(owner.ForOid(subtypeOid)?.ClrType ?? typeof(string));
    public uint SubtypeOid => subtypeOid;
    public override bool CanReadBinary => owner.ForOid(subtypeOid) is { CanReadBinary: true };

    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var bound = context.Types.ForOid(subtypeOid)?.ClrType ?? (format == PgFormat.Text ? typeof(string) : typeof(byte[]));
        return RangeReaders.Boxed(bound)(data, format, subtypeOid, context);
    }

    public T Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (RangeReaders.Typed<T>.Read is { } read) return read(data, format, subtypeOid, context);
        if (typeof(T) == typeof(object)) return (T)ReadObject(data, format, context);
        throw new InvalidCastException($"cannot read a {name} value as {typeof(T).Name}: read it as PgRange<>");
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        (ContainerWriters.TryCreate(value.GetType(), context.Types) ?? throw new ProgrammingError($"cannot adapt type '{value.GetType().Name}' to {name}"))
            .WriteObject(buffer, value, format, context);
}

/// <summary>Range reads per bound type, built once per type (reflection only on first use).</summary>
internal static class RangeReaders
{
    public delegate T ReadDelegate<T>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context);

    private static readonly ConcurrentDictionary<Type, ReadDelegate<object>> BoxedReaders = new();

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

    public static ReadDelegate<object> Boxed(Type bound) => BoxedReaders.GetOrAdd(bound, static b =>
        Method(nameof(ReadBoxed), b).CreateDelegate<ReadDelegate<object>>());

    private static object ReadBoxed<X>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context) =>
        ReadRange<X>(data, format, subtypeOid, context);

    internal static MethodInfo Method(string name, Type argument) =>
        typeof(RangeReaders).GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(argument);

    /// <summary>The reader for T = PgRange&lt;X&gt;; null for other types.</summary>
    public static class Typed<T>
    {
        public static readonly ReadDelegate<T>? Read =
            typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(PgRange<>)
                ? Method(nameof(ReadRange), typeof(T).GetGenericArguments()[0]).CreateDelegate<ReadDelegate<T>>()
                : null;
    }
}
