using System.Diagnostics.CodeAnalysis;
using Sharpgres.Protocol;

namespace Sharpgres.Types;

/// <summary>
/// Converts one PostgreSQL type family to and from .NET, in both wire formats. Buffering, lengths and NULLs are
/// handled by the callers; a codec sees one non-null value's bytes.
/// </summary>
// Public methods kept on every codec class: the ADO.NET binder asks whether a codec overrides ParameterOid /
// ParameterFormat (TypedCodec), through GetType().GetMethod.
[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)]
public abstract class PgCodec
{
    /// <summary>The PostgreSQL type this codec writes (and reads by default).</summary>
    public abstract uint Oid { get; }

    /// <summary>The PostgreSQL type name, for messages and Description.</summary>
    public abstract string PgTypeName { get; }

    /// <summary>The .NET type values are read as by default (FetchOne, Row[i]).</summary>
    public abstract Type ClrType { get; }

    /// <summary>False when the codec can only read text: results of its type are asked for in text.</summary>
    public virtual bool CanReadBinary => true;

    /// <summary>The OID sent in Parse for a parameter; 0 leaves it to the server to infer (strings, as psycopg).</summary>
    public virtual uint ParameterOid(object value) => Oid;

    /// <summary>The format a parameter goes out in when the placeholder doesn't force one (%s).</summary>
    public virtual PgFormat ParameterFormat(object value) => PgFormat.Binary;

    /// <summary>Reads a value as <see cref="ClrType"/>, boxed (the untyped path).</summary>
    public abstract object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context);

    /// <summary>Writes a boxed parameter value in <paramref name="format"/> (no length prefix).</summary>
    internal abstract void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context);
}

/// <summary>A typed read: implemented by codecs for each .NET type they can produce without boxing.</summary>
public interface IPgReader<out T>
{
    /// <summary>Decodes one non-NULL value of the column's type from <paramref name="data"/> (the value's bytes, no length prefix) in <paramref name="format"/>.</summary>
    T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context);
}

/// <summary>A codec whose natural .NET type is <typeparamref name="T"/>.</summary>
public abstract class PgCodec<T> : PgCodec, IPgReader<T> where T : notnull
{
    /// <summary>The codec's natural .NET type, <typeparamref name="T"/>: what a column of its PostgreSQL type reads as by default.</summary>
    public override Type ClrType => typeof(T);

    /// <summary>Decodes one non-NULL value from its bytes (no length prefix) in <paramref name="format"/>, without boxing.</summary>
    public abstract T Read(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context);

    /// <summary>Writes one value in the given format (no length prefix).</summary>
    internal abstract void Write(WriteBuffer buffer, T value, PgFormat format, in ReadContext context);

    /// <summary>Decodes one non-NULL value as <see cref="Read"/> does, boxed.</summary>
    public override object ReadObject(ReadOnlySpan<byte> data, PgFormat format, in ReadContext context) => Read(data, format, context);

    internal override void WriteObject(WriteBuffer buffer, object value, PgFormat format, in ReadContext context) =>
        Write(buffer, (T)value, format, context);
}
