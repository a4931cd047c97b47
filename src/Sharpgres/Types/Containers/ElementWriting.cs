using Sharpgres.Protocol;

namespace Sharpgres.Types.Containers;

/// <summary>
/// Writes one element, bound or field of static type <typeparamref name="E"/> with the codec chosen for it: through
/// the codec's typed Write when it is a PgCodec&lt;E&gt; (or PgCodec&lt;U&gt; for E = U?), so an int[] parameter
/// never boxes its elements; through WriteObject otherwise. The caller has handled nulls.
/// </summary>
internal static class ElementWriting<E>
{
    private delegate void WriteDelegate(PgCodec codec, WriteBuffer buffer, E value, PgFormat format, in ReadContext context);

    private static readonly WriteDelegate Writer = Create();

    public static void Write(PgCodec codec, WriteBuffer buffer, E value, PgFormat format, in ReadContext context) =>
        Writer(codec, buffer, value, format, context);

    private static WriteDelegate Create()
    {
        if (Nullable.GetUnderlyingType(typeof(E)) is null) return WriteDirect;
        // E = U?: the codec's typed U writer through U?'s forms; boxed where NativeAOT has no forms for U.
        if ((TypeForms.For(typeof(E)) as TypeForms<E>)?.NullableAccess is { } nullable) return nullable.Write;
        return WriteBoxed;
    }

    private static void WriteBoxed(PgCodec codec, WriteBuffer buffer, E value, PgFormat format, in ReadContext context) =>
        codec.WriteObject(buffer, value!, format, context);

#pragma warning disable CS8714   // E may be a nullable reference type; nulls never get here
    private static void WriteDirect(PgCodec codec, WriteBuffer buffer, E value, PgFormat format, in ReadContext context)
    {
        if (codec is PgCodec<E> typed) typed.Write(buffer, value, format, context);
        else codec.WriteObject(buffer, value!, format, context);
    }
#pragma warning restore CS8714
}
