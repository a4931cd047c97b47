namespace Sharpgres.Types;

/// <summary>
/// A PostgreSQL multirange (int4multirange, datemultirange, ...; PostgreSQL 14+): an ordered list of
/// non-overlapping ranges. psycopg's <c>Multirange</c>. The server normalizes: overlapping or adjacent ranges
/// merge and empty ones vanish.
/// </summary>
public sealed class PgMultirange<T> : IReadOnlyList<PgRange<T>>, IEquatable<PgMultirange<T>>
{
    private readonly PgRange<T>[] _ranges;

    public PgMultirange(IEnumerable<PgRange<T>> ranges) => _ranges = [.. ranges];

    public PgMultirange(params PgRange<T>[] ranges) => _ranges = [.. ranges];

    public int Count => _ranges.Length;
    public PgRange<T> this[int index] => _ranges[index];

    public IEnumerator<PgRange<T>> GetEnumerator() => ((IEnumerable<PgRange<T>>)_ranges).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(PgMultirange<T>? other) => other is not null && _ranges.AsSpan().SequenceEqual(other._ranges);
    public override bool Equals(object? obj) => obj is PgMultirange<T> m && Equals(m);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var r in _ranges) hash.Add(r);
        return hash.ToHashCode();
    }

    /// <summary>PostgreSQL's literal: <c>{[1,3),[5,7)}</c>.</summary>
    public override string ToString() => "{" + string.Join(",", _ranges) + "}";
}
