using System.Diagnostics.CodeAnalysis;
using Sharpgres.Results;
using Sharpgres.Types.Containers;
using Sharpgres.Types.UserTypes;

namespace Sharpgres.Types;

/// <summary>
/// Registering the types a database defines (psycopg's register_enum, register_composite, register_range,
/// register_hstore): each looks the type up with <see cref="TypeInfo.Fetch"/> on this registry's connection (or
/// takes a TypeInfo fetched earlier, e.g. with FetchAsync) and registers its codec and its array's, in this
/// registry only — another connection doesn't see them.
/// </summary>
public sealed partial class TypeRegistry
{
    /// <summary>Maps a C# enum onto the PostgreSQL enum <paramref name="name"/> by label, both ways, arrays too.</summary>
    public void RegisterEnum<[DynamicallyAccessedMembers(TypeForms.Members)] TEnum>(string name) where TEnum : struct, Enum => RegisterEnum<TEnum>(Lookup(name));

    /// <summary>psycopg's <c>EnumInfo</c> + <c>register_enum</c>: maps <typeparamref name="TEnum"/> onto the enum type <paramref name="info"/> describes, by label, arrays too.</summary>
    public void RegisterEnum<[DynamicallyAccessedMembers(TypeForms.Members)] TEnum>(TypeInfo info) where TEnum : struct, Enum
    {
        Expect(info, PgTypeKind.Enum);
        TypeForms.Add(TypeForms.OfStruct<TEnum>());   // arrays of it, TEnum? reads and writes, under NativeAOT too
        Register(new EnumCodec<TEnum>(info.Oid, info.Name, info.EnumLabels));
        RegisterArrayOf(info);
    }

    /// <summary>Maps a record or class onto the composite type <paramref name="name"/> by field name, arrays too.</summary>
    public void RegisterComposite<[DynamicallyAccessedMembers(MappedMembers.Composite)] T>(string name) where T : notnull => RegisterComposite<T>(Lookup(name));

    /// <summary>psycopg's <c>CompositeInfo</c> + <c>register_composite</c>: maps <typeparamref name="T"/> onto the composite type <paramref name="info"/> describes, by field name, arrays too.</summary>
    public void RegisterComposite<[DynamicallyAccessedMembers(MappedMembers.Composite)] T>(TypeInfo info) where T : notnull
    {
        Expect(info, PgTypeKind.Composite);
        // Fields of a domain type arrive with the domain's OID: read them as the base type.
        foreach (var field in info.Fields)
            if (field.DomainBaseOid != 0 && ForOid(field.TypeOid) is null && ForOid(field.DomainBaseOid) is { } baseCodec)
                RegisterReader(field.TypeOid, NameOf(field.DomainBaseOid), baseCodec);
        TypeForms.Add(TypeForms.Of<T>());   // arrays of it, under NativeAOT too
        Register(new CompositeCodec<T>(info, this));
        RegisterArrayOf(info);
    }

    /// <summary>A user-defined range type (CREATE TYPE ... AS RANGE): read and written as PgRange of its subtype.</summary>
    public void RegisterRange(string name) => RegisterRange(Lookup(name));

    /// <summary>psycopg's <c>RangeInfo</c> + <c>register_range</c>: reads and writes the range type <paramref name="info"/> describes (and its multirange) as PgRange of its subtype.</summary>
    public void RegisterRange(TypeInfo info)
    {
        Expect(info, PgTypeKind.Range);
        Register(new RangeCodec(info.Oid, info.RangeSubtypeOid, info.Name, this, RangeFamily.Range), forParameters: false);
        RememberRange(info.RangeSubtypeOid, info.Oid);
        RegisterArrayOf(info);
        if (info.MultirangeOid != 0)
        {
            Register(new RangeCodec(info.MultirangeOid, info.RangeSubtypeOid, info.Name + "_multirange", this, RangeFamily.Multirange), forParameters: false);
            RememberMultirange(info.Oid, info.MultirangeOid);
        }
    }

    /// <summary>
    /// A domain reads as its base type. Result columns of a domain type already arrive as the base type; this is
    /// for arrays of the domain and for composites with domain fields.
    /// </summary>
    public void RegisterDomain(string name) => RegisterDomain(Lookup(name));

    /// <summary>Registers the domain <paramref name="info"/> describes to read as its base type (for its arrays and for composite fields of the domain).</summary>
    public void RegisterDomain(TypeInfo info)
    {
        Expect(info, PgTypeKind.Domain);
        if (ForOid(info.BaseTypeOid) is { } baseCodec) RegisterReader(info.Oid, info.Name, baseCodec);
        RegisterArrayOf(info);
    }

    /// <summary>hstore ↔ Dictionary&lt;string, string?&gt; (needs CREATE EXTENSION hstore in the database).</summary>
    public void RegisterHstore() => RegisterHstore(Lookup("hstore"));

    /// <summary>psycopg's <c>register_hstore(info)</c>: hstore (its OID differs per database) ↔ Dictionary&lt;string, string?&gt;, arrays too.</summary>
    public void RegisterHstore(TypeInfo info)
    {
        Register(new HstoreCodec(info.Oid, info.Name), alsoFor: [typeof(IDictionary<string, string?>), typeof(IReadOnlyDictionary<string, string?>)]);
        RegisterArrayOf(info);
    }

    private void RegisterArrayOf(TypeInfo info)
    {
        if (info.ArrayOid == 0) return;
        RememberArray(info.Oid, info.ArrayOid);
        Register(new ArrayCodec(info.ArrayOid, info.Oid, info.Name + "[]", this), forParameters: false);
    }

    private TypeInfo Lookup(string name)
    {
        var connection = Connection
            ?? throw new ProgrammingError($"this registry has no connection to look '{name}' up in: use conn.Types, or pass a TypeInfo");
        return TypeInfo.Fetch(connection, name) ?? throw new ProgrammingError($"PostgreSQL type '{name}' not found");
    }

    private static void Expect(TypeInfo info, PgTypeKind kind)
    {
        if (info.Kind != kind) throw new ProgrammingError($"'{info.Name}' is a {info.Kind.ToString().ToLowerInvariant()} type, not {kind.ToString().ToLowerInvariant()}");
    }
}
