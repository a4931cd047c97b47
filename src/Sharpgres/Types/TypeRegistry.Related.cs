using System.Collections.Concurrent;

namespace Sharpgres.Types;

/// <summary>
/// What containers need besides codecs: which array type holds an element type, which range type a subtype, which
/// multirange a range — built-in types from <see cref="ContainerOids"/>, user types (enums, composites, ranges)
/// added by their registration. Lookups walk up the chain like codecs, so a connection's types stay its own.
/// </summary>
public sealed partial class TypeRegistry
{
    private enum Relation : byte { ArrayOf, RangeOf, MultirangeOf }

    private ConcurrentDictionary<(Relation, uint), uint>? _related;
    private Connection? _connection;

    /// <summary>A child registry belonging to a connection: Register* methods query that connection's catalog.</summary>
    internal TypeRegistry CreateChild(Connection connection)
    {
        var child = CreateChild();
        child._connection = connection;
        return child;
    }

    /// <summary>The connection whose catalog user types are looked up in; null for the global registry.</summary>
    internal Connection? Connection => _connection ?? _parent?.Connection;

    /// <summary>The array type whose elements are <paramref name="elementOid"/>; 0 when not known.</summary>
    public uint ArrayOidOf(uint elementOid) => Related(Relation.ArrayOf, elementOid);

    /// <summary>The range type over <paramref name="subtypeOid"/>; 0 when not known.</summary>
    public uint RangeOidOf(uint subtypeOid) => Related(Relation.RangeOf, subtypeOid);

    /// <summary>The multirange type of the range type <paramref name="rangeOid"/>; 0 when not known.</summary>
    public uint MultirangeOidOf(uint rangeOid) => Related(Relation.MultirangeOf, rangeOid);

    internal void RememberArray(uint elementOid, uint arrayOid) => Remember(Relation.ArrayOf, elementOid, arrayOid);
    internal void RememberRange(uint subtypeOid, uint rangeOid) => Remember(Relation.RangeOf, subtypeOid, rangeOid);
    internal void RememberMultirange(uint rangeOid, uint multirangeOid) => Remember(Relation.MultirangeOf, rangeOid, multirangeOid);

    private void Remember(Relation relation, uint from, uint to)
    {
        if (from == 0 || to == 0) return;
        LazyInitializer.EnsureInitialized(ref _related)[(relation, from)] = to;
    }

    private uint Related(Relation relation, uint from)
    {
        for (var r = this; r is not null; r = r._parent)
            if (r._related is { } map && map.TryGetValue((relation, from), out var to)) return to;
        return 0;
    }
}
