namespace Sharpgres.Types;

/// <summary>
/// A PostgreSQL multirange (int4multirange, datemultirange, ...; PostgreSQL 14+): an ordered list of
/// non-overlapping ranges. psycopg's <c>Multirange</c>. The server normalizes: overlapping or adjacent ranges
/// merge and empty ones vanish.
/// </summary>
public sealed class PgMultirange<T> : IReadOnlyList<PgRange<T>>, IEquatable<PgMultirange<T>>
{
    private readonly PgRange<T>[] _ranges;

    /// <summary>A multirange of <paramref name="ranges"/>, in the order given (the server sorts and merges them).</summary>
    public PgMultirange(IEnumerable<PgRange<T>> ranges) => _ranges = [.. ranges];

    /// <summary>A multirange of <paramref name="ranges"/>, e.g. <c>new PgMultirange&lt;int&gt;(new(1, 3), new(5, 8))</c>; the server sorts and merges them.</summary>
    public PgMultirange(params PgRange<T>[] ranges) => _ranges = [.. ranges];

    /// <summary>The number of ranges (the server returns them sorted, non-overlapping and non-adjacent).</summary>
    public int Count => _ranges.Length;
    /// <summary>The range at <paramref name="index"/>.</summary>
    public PgRange<T> this[int index] => _ranges[index];

    /// <summary>The ranges in order.</summary>
    public IEnumerator<PgRange<T>> GetEnumerator() => ((IEnumerable<PgRange<T>>)_ranges).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Equality of the ranges, one by one in order.</summary>
    public bool Equals(PgMultirange<T>? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);
    /// <summary>Equality with another multirange, as <see cref="Equals(PgMultirange{T})"/>.</summary>
    public override bool Equals(object? obj) => obj is PgMultirange<T> m && Equals(m);

    /// <summary>A hash of the ranges, consistent with <see cref="Equals(PgMultirange{T})"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in _ranges) hash.Add(r);
        return hash.ToHashCode();
    }

    /// <summary>PostgreSQL's literal: <c>{[1,3),[5,7)}</c>.</summary>
    public override string ToString() => "{" + string.Join(",", _ranges) + "}";
}
