using System.Buffers.Binary;
using System.Collections.Concurrent;
using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Reads a multirange type (PostgreSQL 14+) as PgMultirange&lt;X&gt;, generic over the subtype codec like
/// <see cref="RangeCodec"/>. Binary: count, then (length, range_send bytes) per range; text: {range,range}.
/// </summary>
internal sealed class MultirangeCodec(uint oid, uint subtypeOid, string name, TypeRegistry owner) : PgCodec, IGenericPgReader
{
    public override uint Oid => oid;
    public override string PgTypeName => name;
    public override Type ClrType => typeof(PgMultirange<>).MakeGenericType(owner.ForOid(subtypeOid)?.ClrType ?? typeof(string));
    public override bool CanReadBinary => owner.ForOid(subtypeOid) is { CanReadBinary: true };

    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var bound = context.Types.ForOid(subtypeOid)?.ClrType ?? (format == PgFormat.Text ? typeof(string) : typeof(byte[]));
        return MultirangeReaders.Boxed(bound)(data, format, subtypeOid, context);
    }

    public T Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (MultirangeReaders.Typed<T>.Read is { } read) return read(data, format, subtypeOid, context);
        if (typeof(T) == typeof(object)) return (T)ReadObject(data, format, context);
        throw new InvalidCastException($"cannot read a {name} value as {typeof(T).Name}: read it as PgMultirange<>");
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        (ContainerWriters.TryCreate(value.GetType(), context.Types) ?? throw new ProgrammingError($"cannot adapt type '{value.GetType().Name}' to {name}"))
            .WriteObject(buffer, value, format, context);
}

internal static class MultirangeReaders
{
    private static readonly ConcurrentDictionary<Type, RangeReaders.ReadDelegate<object>> BoxedReaders = new();

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

    public static RangeReaders.ReadDelegate<object> Boxed(Type bound) => BoxedReaders.GetOrAdd(bound, static b =>
        typeof(MultirangeReaders).GetMethod(nameof(ReadBoxed), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(b).CreateDelegate<RangeReaders.ReadDelegate<object>>());

    private static object ReadBoxed<X>(ReadOnlySpan<byte> data, PgFormat format, uint subtypeOid, in ReadContext context) =>
        ReadMultirange<X>(data, format, subtypeOid, context);

    public static class Typed<T>
    {
        public static readonly RangeReaders.ReadDelegate<T>? Read =
            typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(PgMultirange<>)
                ? typeof(MultirangeReaders).GetMethod(nameof(ReadMultirange))!.MakeGenericMethod(typeof(T).GetGenericArguments()[0])
                    .CreateDelegate<RangeReaders.ReadDelegate<T>>()
                : null;
    }
}
