using Sharpgres.Types.Codecs;

namespace Sharpgres.Types;

/// <summary>The built-in codec table: what every connection knows without asking the catalog.</summary>
internal static partial class BuiltinCodecs
{
    public static TypeRegistry CreateGlobal()
    {
        var r = TypeRegistry.CreateRoot();
        r.Register(new IntegerCodec<short>(Oids.Int2, "int2", 2));
        r.Register(new IntegerCodec<int>(Oids.Int4, "int4", 4));
        r.Register(new IntegerCodec<long>(Oids.Int8, "int8", 8));
        r.Register(new IntegerCodec<uint>(Oids.Oid, "oid", 4));
        r.RegisterReader(Oids.Xid, "xid", new IntegerCodec<uint>(Oids.Xid, "xid", 4));
        r.RegisterReader(Oids.Cid, "cid", new IntegerCodec<uint>(Oids.Cid, "cid", 4));
        r.Register(TextCodec.Instance);
        r.Register(new FloatCodec<float>(Oids.Float4, "float4"));
        r.Register(new FloatCodec<double>(Oids.Float8, "float8"));
        foreach (var (oid, name) in new[] { (Oids.Varchar, "varchar"), (Oids.BpChar, "bpchar"), (Oids.Name, "name"), (Oids.Unknown, "unknown") })
            r.RegisterReader(oid, name, TextCodec.Instance);
        RegisterMore(r);
        RegisterContainers(r);
        return r;
    }

    /// <summary>Codecs added by the types work (issue 4) register here.</summary>
    static partial void RegisterMoreImpl(TypeRegistry r);
    private static void RegisterMore(TypeRegistry r) => RegisterMoreImpl(r);

    /// <summary>Codecs made on demand for a .NET type (arrays, enums, ranges of known element types).</summary>
    public static PgCodec? TryCreateFor(Type type, TypeRegistry registry) => CreateContainerWriter(type, registry);
}
