using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Reads any PostgreSQL array, generic over its element codec: the element type comes from the binary header (or,
/// in text, from this array type), and its codec from the registry at read time — so arrays of types registered
/// later (enums, composites, the scalar codecs) need nothing more. Untyped reads give E[] of the element codec's
/// .NET type (E?[] when a value-type element is NULL, E[,] for two dimensions); typed reads build whatever
/// <see cref="ArrayTarget{T}"/> supports. Writing is <see cref="ArrayWriter{E}"/>'s job (chosen by .NET type).
/// </summary>
internal sealed class ArrayCodec(uint oid, uint elementOid, string name, TypeRegistry owner) : PgCodec, IGenericPgReader
{
    private readonly byte _delimiter = ContainerOids.DelimiterOf(elementOid);

    public override uint Oid => oid;
    public override string PgTypeName => name;
    public override Type ClrType => typeof(Array);
    public uint ElementOid => elementOid;

    /// <summary>Binary only when the element codec reads binary (arrays of text-only types come as text).</summary>
    public override bool CanReadBinary => owner.ForOid(elementOid) is { CanReadBinary: true };

    private ArrayContent Parse(ReadOnlySpan<byte> data, PgFormat format) =>
        format == PgFormat.Binary ? ArrayContent.ParseBinary(data) : ArrayContent.ParseText(data, elementOid, _delimiter);

    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        var content = Parse(data, format);
        try
        {
            return ArrayTargets.BuildDefault(ref content, context.Types.ForOid(content.ElementOid), format, context);
        }
        finally { content.Dispose(); }
    }

    public T Read<T>(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context)
    {
        if (ArrayTarget<T>.Instance is not { } target)
        {
            if (UntypedArrayRequest.Is(typeof(T))) return (T)ReadObject(data, format, context);
            throw new InvalidCastException($"cannot read a {name} value as {typeof(T).Name}: read it as an array or a List<>");
        }
        var content = Parse(data, format);
        try
        {
            return target.Build(ref content, 0, context);
        }
        finally { content.Dispose(); }
    }

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context)
    {
        var writer = ContainerWriters.TryCreate(value.GetType(), context.Types)
            ?? throw new ProgrammingError($"cannot adapt type '{value.GetType().Name}' to {name}");
        writer.WriteObject(buffer, value, format, context);
    }
}
