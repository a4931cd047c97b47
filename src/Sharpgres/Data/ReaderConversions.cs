using System.Numerics;
using Sharpgres.Protocol.Backend;
using Sharpgres.Results;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET's reading rules on top of the codecs (what GetX / GetFieldValue&lt;T&gt; accept), as Npgsql applies them and
/// the ADO.NET specification suite checks: a column reads as its own type and the ones its codec lists; numbers read as
/// any .NET number type (checked: a value that doesn't fit is <see cref="OverflowException"/>; a float or double is not
/// read as an integer); text reads as string and char only; anything else is <see cref="InvalidCastException"/>. The
/// psycopg face (<c>Row.Get&lt;T&gt;</c>) keeps its more lenient conversions (an int read as string, ...).
/// </summary>
internal static class ReaderConversions<T>
{
    private enum Kind { Other, Text, Integer, Real, Bool }

    private static readonly Type? Underlying = Nullable.GetUnderlyingType(typeof(T));
    private static readonly Kind Target = KindOf(Underlying ?? typeof(T));

    private static Kind KindOf(Type t)
    {
        if (t == typeof(string) || t == typeof(char)) return Kind.Text;
        if (t == typeof(bool)) return Kind.Bool;
        if (t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) || t == typeof(ushort) || t == typeof(int) || t == typeof(uint)
            || t == typeof(long) || t == typeof(ulong) || t == typeof(BigInteger)) return Kind.Integer;
        if (t == typeof(float) || t == typeof(double) || t == typeof(decimal)) return Kind.Real;
        return Kind.Other;
    }

    /// <summary>
    /// True when <see cref="Read"/> of a non-NULL value of this codec always ends in the codec's own typed reader
    /// (<paramref name="reader"/>): its first branch, and ColumnValue.Read's own-reader case within it.
    /// </summary>
    public static bool IsDirect(PgCodec? codec, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPgReader<T>? reader)
    {
        reader = codec is not null && TakesCodecReader(codec) && codec is IPgReader<T> own && ReadTraits<T>.IsOwnReader(codec) ? own : null;
        return reader is not null;
    }

    /// <summary>
    /// The codec's own readers are the common (and allocation-free) case: taken straight, except text readers of
    /// non-text types (a uuid or inet read as string), which ADO.NET refuses.
    /// </summary>
    private static bool TakesCodecReader(PgCodec codec) =>
        Target == Kind.Text ? codec.ClrType == typeof(string) : Underlying is null && codec is IPgReader<T>;

    public static T Read(ReadOnlySpan<byte> data, int length, FieldDescription field, PgCodec? codec, in ReadContext context)
    {
        if (codec is null || TakesCodecReader(codec)) return ColumnValue.Read<T>(data, length, field, codec, context);
        if (!Allowed(codec))
            throw new InvalidCastException($"column '{field.Name}' ({codec.PgTypeName}) can't be read as {typeof(T).Name}");
        try
        {
            return ColumnValue.Read<T>(data, length, field, codec, context);
        }
        catch (InvalidCastException e) when (e.InnerException is OverflowException overflow)
        {
            // The boxed conversion's checked narrowing (an int2 of -32768 read as byte): ADO.NET says Overflow.
            throw new OverflowException($"column '{field.Name}' ({codec.PgTypeName}): {overflow.Message}", e);
        }
    }

    private static bool Allowed(PgCodec codec)
    {
        var source = KindOf(codec.ClrType);
        return Target switch
        {
            Kind.Text => source == Kind.Text || codec is IGenericPgReader,   // text types, and json/jsonb as their text
            Kind.Integer => source == Kind.Integer || codec.ClrType == typeof(decimal),
            Kind.Real => source is Kind.Integer or Kind.Real,
            Kind.Bool => source == Kind.Bool || codec is IPgReader<bool>,
            // Other types: the codec's own readers (a date as DateTime), json's deserializer, or a base type of the
            // column's type; for T? the same through the boxed value, never a string or number converted.
            _ => Underlying is null
                ? codec is IPgReader<T> || codec is IGenericPgReader || typeof(T).IsAssignableFrom(codec.ClrType)
                : source == Kind.Other,
        };
    }
}
