namespace Sharpgres;

/// <summary>
/// A NULL parameter that keeps its PostgreSQL type: <c>cur.Execute("SELECT %s", TypedNull.Of&lt;long&gt;())</c> sends
/// an int8 NULL. A plain <c>null</c> carries no .NET type once boxed, so it goes untyped and the server infers it;
/// interpolated queries (<c>$"... {maybeInt} ..."</c> with an <c>int?</c>) do this automatically.
/// </summary>
public sealed class TypedNull
{
    private TypedNull(Type clrType) => ClrType = clrType;

    /// <summary>The .NET type whose codec names the PostgreSQL type.</summary>
    public Type ClrType { get; }

    /// <summary>A NULL sent with the PostgreSQL type of <typeparamref name="T"/>'s codec (<c>int?</c> gives int4).</summary>
    public static TypedNull Of<T>() => new(Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));

    /// <summary>A NULL sent with the PostgreSQL type of <paramref name="type"/>'s codec.</summary>
    public static TypedNull Of(Type type) => new(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>The NULL and its .NET type, e.g. <c>NULL::Int64</c>.</summary>
    public override string ToString() => $"NULL::{ClrType.Name}";
}
