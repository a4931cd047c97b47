using System.Collections;
using System.Net;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sharpgres.Types.Codecs;

namespace Sharpgres.Types;

/// <summary>The codecs of the types work: scalars beyond integers and text (see docs/types.md).</summary>
internal static partial class BuiltinCodecs
{
    static partial void RegisterMoreImpl(TypeRegistry r)
    {
        r.Register(BoolCodec.Instance);
        // float4 / float8 are registered by the core table (BuiltinCodecs.cs) with FloatCodec<T>.
        r.Register(NumericCodec.Instance, alsoFor: [typeof(PgNumeric), typeof(BigInteger)]);

        r.Register(ByteaCodec.Instance, alsoFor: [typeof(ReadOnlyMemory<byte>), typeof(Memory<byte>), typeof(ArraySegment<byte>)]);
        r.Register(UuidCodec.Instance);

        r.Register(DateCodec.Instance);
        r.Register(TimeCodec.Instance);
        r.Register(TimeTzCodec.Instance, forParameters: false);
        r.Register(TimestampCodec.Instance);                       // DateTime: Utc → timestamptz, others → timestamp
        r.Register(TimestampTzCodec.Instance);                     // DateTimeOffset
        r.Register(IntervalCodec.Instance, alsoFor: [typeof(PgInterval)]);

        r.Register(JsonCodec.JsonInstance, forParameters: false);
        r.Register(JsonCodec.JsonbInstance, forParameters: false,
            alsoFor: [typeof(Json), typeof(Jsonb), typeof(JsonElement), typeof(JsonDocument), typeof(JsonNode)]);

        r.Register(InetCodec.Instance, alsoFor: [typeof((IPAddress, int))]);
        r.Register(CidrCodec.Instance);
        r.Register(MacAddrCodec.MacAddr);
        r.Register(MacAddrCodec.MacAddr8, forParameters: false);
        r.Register(BitStringCodec.Bit, forParameters: false);
        r.Register(BitStringCodec.Varbit, alsoFor: [typeof(BitArray)]);
        r.Register(CharCodec.Instance, forParameters: false);
        r.RegisterWriter(typeof(char), CharParameterCodec.Instance);
        r.RegisterReader(Oids.RefCursor, "refcursor", TextCodec.Instance);   // binary refcursor is its text too

        foreach (var (oid, name) in TextOnlyTypes) r.Register(new TextOnlyCodec(oid, name), forParameters: false);
    }

    /// <summary>Read as strings in text format (psycopg returns str for these too).</summary>
    private static readonly (uint, string)[] TextOnlyTypes =
    [
        (Oids.Xml, "xml"), (Oids.Money, "money"), (Oids.TsVector, "tsvector"), (Oids.TsQuery, "tsquery"),
        (Oids.Point, "point"), (Oids.LSeg, "lseg"), (Oids.Path, "path"), (Oids.Box, "box"), (Oids.Polygon, "polygon"),
        (Oids.Line, "line"), (Oids.Circle, "circle"), (Oids.PgLsn, "pg_lsn"), (Oids.JsonPath, "jsonpath"),
        (Oids.RegProc, "regproc"), (Oids.RegProcedure, "regprocedure"), (Oids.RegOper, "regoper"), (Oids.RegOperator, "regoperator"),
        (Oids.RegClass, "regclass"), (Oids.RegType, "regtype"), (Oids.RegConfig, "regconfig"), (Oids.RegDictionary, "regdictionary"),
        (Oids.RegNamespace, "regnamespace"), (Oids.RegRole, "regrole"), (Oids.RegCollation, "regcollation"),
        (Oids.Tid, "tid"), (Oids.Xid8, "xid8"), (Oids.AclItem, "aclitem"), (Oids.Int2Vector, "int2vector"),
        (Oids.OidVector, "oidvector"), (Oids.PgNodeTree, "pg_node_tree"), (Oids.TxidSnapshot, "txid_snapshot"),
        (Oids.PgSnapshot, "pg_snapshot"),
    ];
}
