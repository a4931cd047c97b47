using System.Globalization;
using System.Text;

namespace Sharpgres.Types;

/// <summary>
/// A PostgreSQL range value (int4range, int8range, numrange, daterange, tsrange, tstzrange, or a user range):
/// two bounds, each inclusive or exclusive or infinite (unbounded), or empty. psycopg's <c>Range</c>.
/// Discrete ranges come back canonical from the server: <c>[1,5]</c> of int4range reads as <c>[1,6)</c>.
/// </summary>
public readonly struct PgRange<T> : IEquatable<PgRange<T>>
{
    private readonly Flags _flags;

    [Flags]
    private enum Flags : byte
    {
        Empty = 1, LowerInclusive = 2, UpperInclusive = 4, LowerInfinite = 8, UpperInfinite = 16,
    }

    /// <summary>A bounded range; by default [lower, upper), PostgreSQL's canonical form.</summary>
    public PgRange(T lower, T upper, bool lowerInclusive = true, bool upperInclusive = false)
        : this(lower, lowerInclusive, false, upper, upperInclusive, false) { }

    /// <summary>Any range: an infinite bound's value and inclusivity are ignored (PostgreSQL stores neither).</summary>
    public PgRange(T lower, bool lowerInclusive, bool lowerInfinite, T upper, bool upperInclusive, bool upperInfinite)
    {
        Lower = lowerInfinite ? default! : lower;
        Upper = upperInfinite ? default! : upper;
        _flags = (lowerInfinite ? Flags.LowerInfinite : lowerInclusive ? Flags.LowerInclusive : 0)
               | (upperInfinite ? Flags.UpperInfinite : upperInclusive ? Flags.UpperInclusive : 0);
    }

    private PgRange(Flags flags)
    {
        Lower = default!;
        Upper = default!;
        _flags = flags;
    }

    /// <summary>The empty range ('empty').</summary>
    public static PgRange<T> Empty => new(Flags.Empty);

    /// <summary>The range with no bounds: (,).</summary>
    public static PgRange<T> Unbounded => new(Flags.LowerInfinite | Flags.UpperInfinite);

    /// <summary>[lower,) — or (lower,) when not inclusive.</summary>
    public static PgRange<T> From(T lower, bool inclusive = true) => new(lower, inclusive, false, default!, false, true);

    /// <summary>(,upper) — or (,upper] when inclusive.</summary>
    public static PgRange<T> To(T upper, bool inclusive = false) => new(default!, false, true, upper, inclusive, false);

    /// <summary>The lower bound; default when <see cref="LowerInfinite"/> or <see cref="IsEmpty"/>.</summary>
    public T Lower { get; }

    /// <summary>The upper bound; default when <see cref="UpperInfinite"/> or <see cref="IsEmpty"/>.</summary>
    public T Upper { get; }

    /// <summary>Whether this is the range 'empty' (which contains no value and has no bounds).</summary>
    public bool IsEmpty => (_flags & Flags.Empty) != 0;
    /// <summary>Whether the lower bound is included: '[' rather than '('.</summary>
    public bool LowerInclusive => (_flags & Flags.LowerInclusive) != 0;
    /// <summary>Whether the upper bound is included: ']' rather than ')'.</summary>
    public bool UpperInclusive => (_flags & Flags.UpperInclusive) != 0;
    /// <summary>Whether the range has no lower bound (unbounded below: <c>(,5)</c>).</summary>
    public bool LowerInfinite => (_flags & Flags.LowerInfinite) != 0;
    /// <summary>Whether the range has no upper bound (unbounded above: <c>[1,)</c>).</summary>
    public bool UpperInfinite => (_flags & Flags.UpperInfinite) != 0;

    /// <summary>range_send's flags byte (the same bits as ours).</summary>
    internal byte WireFlags => (byte)_flags;

    internal static PgRange<T> FromWire(byte flags, T lower, T upper) =>
        (flags & (byte)Flags.Empty) != 0 ? Empty
        : new PgRange<T>(lower, (flags & (byte)Flags.LowerInclusive) != 0, (flags & (byte)Flags.LowerInfinite) != 0,
                         upper, (flags & (byte)Flags.UpperInclusive) != 0, (flags & (byte)Flags.UpperInfinite) != 0);

    /// <summary>Equality of bounds and flags as written (the server canonicalizes discrete ranges, e.g. int4range [1,3] to [1,4)).</summary>
    public bool Equals(PgRange<T> other) =>
        _flags == other._flags
        && EqualityComparer<T>.Default.Equals(Lower, other.Lower)
        && EqualityComparer<T>.Default.Equals(Upper, other.Upper);

    /// <summary>Equality with another range of the same type, as <see cref="Equals(PgRange{T})"/>.</summary>
    public override bool Equals(object? obj) => obj is PgRange<T> r && Equals(r);
    /// <summary>A hash of the bounds and flags, consistent with <see cref="Equals(PgRange{T})"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(_flags, Lower, Upper);
    /// <summary>Range equality, as <see cref="Equals(PgRange{T})"/>.</summary>
    public static bool operator ==(PgRange<T> a, PgRange<T> b) => a.Equals(b);
    /// <summary>Range inequality, the negation of <see cref="Equals(PgRange{T})"/>.</summary>
    public static bool operator !=(PgRange<T> a, PgRange<T> b) => !a.Equals(b);

    /// <summary>PostgreSQL's literal: <c>[1,5)</c>, <c>(,3]</c>, <c>empty</c> (bounds in invariant culture, dates ISO).</summary>
    public override string ToString()
    {
        if (IsEmpty) return "empty";
        var sb = new StringBuilder();
        sb.Append(LowerInclusive ? '[' : '(');
        if (!LowerInfinite) AppendBound(sb, Lower);
        sb.Append(',');
        if (!UpperInfinite) AppendBound(sb, Upper);
        sb.Append(UpperInclusive ? ']' : ')');
        return sb.ToString();
    }

    private static void AppendBound(StringBuilder sb, T value)
    {
        var text = value switch
        {
            DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
            DateTimeOffset d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFzzz", CultureInfo.InvariantCulture).Replace(".+", "+").Replace(".-", "-"),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value?.ToString() ?? "",
        };
        if (text.Length == 0 || text.AsSpan().IndexOfAny("\"\\()[], \t\n\r") >= 0)
            sb.Append('"').Append(text.Replace("\\", "\\\\").Replace("\"", "\"\"")).Append('"');   // range_out doubles both
        else sb.Append(text);
    }
}
