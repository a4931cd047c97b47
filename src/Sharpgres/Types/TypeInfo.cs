using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Sharpgres.Types;

/// <summary>pg_type.typtype: what kind of type a <see cref="TypeInfo"/> describes.</summary>
public enum PgTypeKind
{
    /// <summary>typtype 'b': a base type (int4, text, a type written in C ...).</summary>
    Base,
    /// <summary>typtype 'c': a composite type (CREATE TYPE ... AS (...), or a table's row type).</summary>
    Composite,
    /// <summary>typtype 'd': a domain (CREATE DOMAIN) over a base type, with constraints.</summary>
    Domain,
    /// <summary>typtype 'e': an enum (CREATE TYPE ... AS ENUM).</summary>
    Enum,
    /// <summary>typtype 'p': a pseudo-type (record, void, anyelement ...).</summary>
    Pseudo,
    /// <summary>typtype 'r': a range type (int4range, tstzrange, CREATE TYPE ... AS RANGE).</summary>
    Range,
    /// <summary>typtype 'm': a multirange type (PostgreSQL 14+), the set of non-overlapping ranges of a range type.</summary>
    Multirange,
}

/// <summary>One attribute of a composite type, in order; <paramref name="DomainBaseOid"/> is its domain's base type (else 0).</summary>
public sealed record PgField(string Name, uint TypeOid, uint DomainBaseOid = 0);

/// <summary>
/// A type as the catalog describes it (psycopg's <c>TypeInfo</c>): OIDs, kind, and what registering it needs —
/// a composite's fields, an enum's labels, a range's subtype, a domain's base type. Fetched with
/// <see cref="Fetch"/> through the connection (once per connection and name: cached) and used by
/// <c>conn.Types.RegisterEnum / RegisterComposite / RegisterRange / RegisterDomain / RegisterHstore</c>.
/// </summary>
public sealed class TypeInfo
{
    private static readonly ConditionalWeakTable<Connection, ConcurrentDictionary<string, TypeInfo>> Cache = new();

    internal TypeInfo(string name, string schema, uint oid, uint arrayOid, PgTypeKind kind, uint baseTypeOid, uint rangeSubtypeOid,
        uint multirangeOid, uint rangeOid, IReadOnlyList<PgField> fields, IReadOnlyList<string> enumLabels)
    {
        Name = name;
        Schema = schema;
        Oid = oid;
        ArrayOid = arrayOid;
        Kind = kind;
        BaseTypeOid = baseTypeOid;
        RangeSubtypeOid = rangeSubtypeOid;
        MultirangeOid = multirangeOid;
        RangeOid = rangeOid;
        Fields = fields;
        EnumLabels = enumLabels;
    }

    /// <summary>pg_type.typname (without schema).</summary>
    public string Name { get; }
    /// <summary>pg_namespace.nspname: the schema the type belongs to (pg_catalog for built-in types).</summary>
    public string Schema { get; }
    /// <summary>pg_type.oid: the type's OID, as in RowDescription and parameter types.</summary>
    public uint Oid { get; }
    /// <summary>The type's array type; 0 when it has none.</summary>
    public uint ArrayOid { get; }
    /// <summary>pg_type.typtype: base, composite, domain, enum, pseudo, range or multirange.</summary>
    public PgTypeKind Kind { get; }
    /// <summary>A domain's base type; 0 for other kinds.</summary>
    public uint BaseTypeOid { get; }
    /// <summary>A range's subtype (the multirange's range's subtype for a multirange); 0 for other kinds.</summary>
    public uint RangeSubtypeOid { get; }
    /// <summary>A range's multirange type (PostgreSQL 14+); 0 otherwise.</summary>
    public uint MultirangeOid { get; }
    /// <summary>A multirange's range type; 0 otherwise.</summary>
    public uint RangeOid { get; }
    /// <summary>A composite's attributes in order (dropped columns left out); empty for other kinds.</summary>
    public IReadOnlyList<PgField> Fields { get; }
    /// <summary>An enum's labels in sort order; empty for other kinds.</summary>
    public IReadOnlyList<string> EnumLabels { get; }

    /// <summary>The type's schema-qualified name, OID and kind.</summary>
    public override string ToString() => $"<TypeInfo {Schema}.{Name} oid={Oid} kind={Kind}>";

    /// <summary>
    /// Looks a type up by name as the server resolves it (search_path, schema-qualified names, aliases such as
    /// "integer"); null when there is no such type. Cached per connection. When the connection was idle outside
    /// autocommit, the transaction the lookup opened is rolled back, so registering a type starts no transaction.
    /// </summary>
    public static TypeInfo? Fetch(Connection connection, string name) =>
        FetchAsync(connection, name, false, default).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Fetch"/>: looks the type up in pg_type by name as the server resolves it; null when there is none. Cached per connection.</summary>
    public static Task<TypeInfo?> FetchAsync(Connection connection, string name, CancellationToken cancellationToken = default) =>
        FetchAsync(connection, name, true, cancellationToken).AsTask();

    /// <summary>Forgets the cached lookups of a connection (after DROP TYPE / CREATE TYPE).</summary>
    public static void ClearCache(Connection connection) => Cache.Remove(connection);

    private static async ValueTask<TypeInfo?> FetchAsync(Connection connection, string name, bool async, CancellationToken ct)
    {
        var cache = Cache.GetOrCreateValue(connection);
        if (cache.TryGetValue(name, out var cached)) return cached;
        var wasIdle = !connection.Autocommit && connection.TransactionStatus == TransactionStatus.Idle;
        try
        {
            using var cursor = connection.Cursor();
            var query = Query(connection.Info.ServerVersion);
            if (async) await cursor.ExecuteAsync(query, [name], ct).ConfigureAwait(false);
            else cursor.Execute(query, name);
            var row = cursor.FetchOne();
            if (row is null) return null;
            var info = FromRow(row);
            cache[name] = info;
            return info;
        }
        finally
        {
            if (wasIdle && connection.TransactionStatus != TransactionStatus.Idle && !connection.Closed)
            {
                if (async) await connection.RollbackAsync(ct).ConfigureAwait(false);
                else connection.Rollback();
            }
        }
    }

    private static string Query(int serverVersion)
    {
        var multirange = serverVersion >= 140000
            ? "COALESCE(r.rngmultitypid, 0::oid), COALESCE((SELECT m.rngtypid FROM pg_range m WHERE m.rngmultitypid = t.oid), 0::oid),"
              + " COALESCE(r.rngsubtype, (SELECT m.rngsubtype FROM pg_range m WHERE m.rngmultitypid = t.oid), 0::oid)"
            : "0::oid, 0::oid, COALESCE(r.rngsubtype, 0::oid)";
        return $"""
            SELECT t.oid, t.typname::text, n.nspname::text, t.typarray, t.typtype::text, t.typbasetype, {multirange},
                ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                ARRAY(SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
                ARRAY(SELECT f.typbasetype FROM pg_attribute a JOIN pg_type f ON f.oid = a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
            FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_range r ON r.rngtypid = t.oid
            WHERE t.oid = to_regtype(%s)
            """;
    }

    private static TypeInfo FromRow(Row row)
    {
        var kind = row.Get<string>(4) switch
        {
            "c" => PgTypeKind.Composite,
            "d" => PgTypeKind.Domain,
            "e" => PgTypeKind.Enum,
            "p" => PgTypeKind.Pseudo,
            "r" => PgTypeKind.Range,
            "m" => PgTypeKind.Multirange,
            _ => PgTypeKind.Base,
        };
        var names = row.Get<string[]>(9);
        var types = row.Get<uint[]>(10);
        var domainBases = row.Get<uint[]>(12);
        var fields = names.Select((n, i) => new PgField(n, types[i], domainBases[i])).ToArray();
        return new TypeInfo(row.Get<string>(1), row.Get<string>(2), row.Get<uint>(0), row.Get<uint>(3), kind, row.Get<uint>(5),
            row.Get<uint>(8), row.Get<uint>(6), row.Get<uint>(7), fields, row.Get<string[]>(11));
    }
}
