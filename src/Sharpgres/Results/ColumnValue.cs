using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>Decoding one column's bytes with the codec its OID selects: the boxed and the typed way.</summary>
internal static class ColumnValue
{
    public static object? ReadObject(ReadOnlySpan<byte> bytes, int length, FieldDescription field, in ReadContext context) =>
        ReadObject(bytes, length, field, length < 0 ? null : context.Types.ForOid(field.TypeOid), context);

    /// <summary>With the column's codec already looked up (cached per result: see ResultSet.CodecAt).</summary>
    public static object? ReadObject(ReadOnlySpan<byte> bytes, int length, FieldDescription field, PgCodec? codec, in ReadContext context)
    {
        if (length < 0) return null;
        var format = (PgFormat)field.FormatCode;
        if (codec is null || (format == PgFormat.Binary && !codec.CanReadBinary))
        {
            // No codec: text arrives as the type's text (we only ask binary for types we can read).
            return format == PgFormat.Text ? System.Text.Encoding.UTF8.GetString(bytes) : bytes.ToArray();
        }
        return codec.ReadObject(bytes, format, context);
    }

    public static T Read<T>(ReadOnlySpan<byte> bytes, int length, FieldDescription field, in ReadContext context) =>
        Read<T>(bytes, length, field, length < 0 ? null : context.Types.ForOid(field.TypeOid), context);

    /// <summary>With the column's codec already looked up (cached per result: see ResultSet.CodecAt).</summary>
    public static T Read<T>(ReadOnlySpan<byte> bytes, int length, FieldDescription field, PgCodec? codec, in ReadContext context)
    {
        if (length < 0)
        {
            if (default(T) is null) return default!;
            throw new InvalidCastException($"column '{field.Name}' is NULL: read it as a nullable type ({typeof(T).Name}?)");
        }
        var format = (PgFormat)field.FormatCode;
        if (codec is IPgReader<T> reader && ReadTraits<T>.IsOwnReader(codec)) return reader.Read(bytes, format, context);
        if (codec is IGenericPgReader generic && typeof(T) != typeof(object)) return generic.Read<T>(bytes, format, context);
        return TypedReadFallback<T>.Read(bytes, field, context, codec);
    }
}

/// <summary>
/// IPgReader is covariant, so a codec with an IPgReader&lt;string&gt; also "is" an IPgReader&lt;object&gt;: for
/// types that variance can reach (object, interfaces, unsealed classes) a codec whose own type fits T reads
/// through ReadObject instead, so Get&lt;object&gt; of a uuid stays a Guid.
/// </summary>
internal static class ReadTraits<T>
{
    private static readonly bool Invariant = typeof(T).IsValueType || typeof(T).IsSealed;

    public static bool IsOwnReader(PgCodec codec) => Invariant || !typeof(T).IsAssignableFrom(codec.ClrType);
}

/// <summary>
/// Reads for types the column's codec doesn't produce directly: Nullable&lt;T&gt; of a supported T, object, and
/// conversions of the boxed value (e.g. an int column read as string). Built once per T.
/// </summary>
internal static class TypedReadFallback<T>
{
    private static readonly Type? Underlying = Nullable.GetUnderlyingType(typeof(T));

    // Nullable<U>: the codec's own IPgReader<U>, if it has one (e.g. a date column read as DateTime?), through U?'s
    // forms (no reflection); where NativeAOT has none, the boxed conversion below.
    private static readonly NullableAccess<T>? ViaUnderlying = Underlying is null ? null : (TypeForms.For(typeof(T)) as TypeForms<T>)?.NullableAccess;

    public static T Read(ReadOnlySpan<byte> bytes, FieldDescription field, in ReadContext context, PgCodec? codec)
    {
        if (ViaUnderlying is not null && codec is not null)
        {
            if (ViaUnderlying.TryRead(codec, bytes, (PgFormat)field.FormatCode, context, out var viaUnderlying)) return viaUnderlying;
        }
        var value = ColumnValue.ReadObject(bytes, bytes.Length, field, context);
        if (value is T t) return t;
        var target = Underlying ?? typeof(T);
        if (value is not null && target.IsInstanceOfType(value)) return (T)value;
        try
        {
            if (target == typeof(string)) return (T)(object)(value?.ToString() ?? "");
            if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target))
                return (T)Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new InvalidCastException($"cannot read column '{field.Name}' ({codec?.PgTypeName ?? "oid " + field.TypeOid}) as {typeof(T).Name}: {e.Message}", e);
        }
        throw new InvalidCastException($"cannot read column '{field.Name}' ({codec?.PgTypeName ?? "oid " + field.TypeOid}) as {typeof(T).Name}");
    }
}
