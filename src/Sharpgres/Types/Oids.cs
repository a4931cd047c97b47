namespace Sharpgres.Types;

/// <summary>OIDs of built-in types (pg_type.dat); stable across PostgreSQL versions.</summary>
public static class Oids
{
    /// <summary>OID 16 of <c>bool</c>: boolean.</summary>
    public const uint Bool = 16;
    /// <summary>OID 17 of <c>bytea</c>: binary string.</summary>
    public const uint Bytea = 17;
    /// <summary>OID 18 of <c>"char"</c>: single byte, internal.</summary>
    public const uint Char = 18;
    /// <summary>OID 19 of <c>name</c>: 63-byte identifier of system catalogs.</summary>
    public const uint Name = 19;
    /// <summary>OID 20 of <c>int8</c>: bigint, 8-byte integer.</summary>
    public const uint Int8 = 20;
    /// <summary>OID 21 of <c>int2</c>: smallint, 2-byte integer.</summary>
    public const uint Int2 = 21;
    /// <summary>OID 23 of <c>int4</c>: integer, 4-byte integer.</summary>
    public const uint Int4 = 23;
    /// <summary>OID 25 of <c>text</c>: variable-length string.</summary>
    public const uint Text = 25;
    /// <summary>OID 26 of <c>oid</c>: object identifier.</summary>
    public const uint Oid = 26;
    /// <summary>OID 28 of <c>xid</c>: 32-bit transaction id.</summary>
    public const uint Xid = 28;
    /// <summary>OID 29 of <c>cid</c>: command id.</summary>
    public const uint Cid = 29;
    /// <summary>OID 114 of <c>json</c>: JSON as text.</summary>
    public const uint Json = 114;
    /// <summary>OID 142 of <c>xml</c>: XML document.</summary>
    public const uint Xml = 142;
    /// <summary>OID 600 of <c>point</c>: geometric point.</summary>
    public const uint Point = 600;
    /// <summary>OID 700 of <c>float4</c>: real, 4-byte float.</summary>
    public const uint Float4 = 700;
    /// <summary>OID 701 of <c>float8</c>: double precision, 8-byte float.</summary>
    public const uint Float8 = 701;
    /// <summary>OID 705 of <c>unknown</c>: the type of an untyped literal.</summary>
    public const uint Unknown = 705;
    /// <summary>OID 790 of <c>money</c>: currency amount.</summary>
    public const uint Money = 790;
    /// <summary>OID 829 of <c>macaddr</c>: MAC address.</summary>
    public const uint MacAddr = 829;
    /// <summary>OID 869 of <c>inet</c>: IP host address with optional netmask.</summary>
    public const uint Inet = 869;
    /// <summary>OID 650 of <c>cidr</c>: IP network.</summary>
    public const uint Cidr = 650;
    /// <summary>OID 774 of <c>macaddr8</c>: EUI-64 MAC address.</summary>
    public const uint MacAddr8 = 774;
    /// <summary>OID 1042 of <c>bpchar</c>: character(n), blank-padded.</summary>
    public const uint BpChar = 1042;
    /// <summary>OID 1043 of <c>varchar</c>: character varying(n).</summary>
    public const uint Varchar = 1043;
    /// <summary>OID 1082 of <c>date</c>: calendar date.</summary>
    public const uint Date = 1082;
    /// <summary>OID 1083 of <c>time</c>: time of day without time zone.</summary>
    public const uint Time = 1083;
    /// <summary>OID 1114 of <c>timestamp</c>: timestamp without time zone.</summary>
    public const uint Timestamp = 1114;
    /// <summary>OID 1184 of <c>timestamptz</c>: timestamp with time zone.</summary>
    public const uint TimestampTz = 1184;
    /// <summary>OID 1186 of <c>interval</c>: time span.</summary>
    public const uint Interval = 1186;
    /// <summary>OID 1266 of <c>timetz</c>: time of day with time zone.</summary>
    public const uint TimeTz = 1266;
    /// <summary>OID 1560 of <c>bit</c>: fixed-length bit string.</summary>
    public const uint Bit = 1560;
    /// <summary>OID 1562 of <c>varbit</c>: bit varying.</summary>
    public const uint Varbit = 1562;
    /// <summary>OID 1700 of <c>numeric</c>: arbitrary-precision decimal.</summary>
    public const uint Numeric = 1700;
    /// <summary>OID 2950 of <c>uuid</c>: UUID.</summary>
    public const uint Uuid = 2950;
    /// <summary>OID 3802 of <c>jsonb</c>: binary JSON.</summary>
    public const uint Jsonb = 3802;
    /// <summary>OID 4072 of <c>jsonpath</c>: SQL/JSON path.</summary>
    public const uint JsonPath = 4072;
    /// <summary>OID 2249 of <c>record</c>: pseudo-type of anonymous row values.</summary>
    public const uint Record = 2249;
    /// <summary>OID 2278 of <c>void</c>: pseudo-type of functions returning nothing.</summary>
    public const uint Void = 2278;
    /// <summary>OID 3904 of <c>int4range</c>: range of integer.</summary>
    public const uint Int4Range = 3904;
    /// <summary>OID 3906 of <c>numrange</c>: range of numeric.</summary>
    public const uint NumRange = 3906;
    /// <summary>OID 3908 of <c>tsrange</c>: range of timestamp.</summary>
    public const uint TsRange = 3908;
    /// <summary>OID 3910 of <c>tstzrange</c>: range of timestamptz.</summary>
    public const uint TsTzRange = 3910;
    /// <summary>OID 3912 of <c>daterange</c>: range of date.</summary>
    public const uint DateRange = 3912;
    /// <summary>OID 3926 of <c>int8range</c>: range of bigint.</summary>
    public const uint Int8Range = 3926;
    /// <summary>OID 24 of <c>regproc</c>: function name.</summary>
    public const uint RegProc = 24;
    /// <summary>OID 2205 of <c>regclass</c>: relation name.</summary>
    public const uint RegClass = 2205;
    /// <summary>OID 2206 of <c>regtype</c>: type name.</summary>
    public const uint RegType = 2206;
    /// <summary>OID 3220 of <c>pg_lsn</c>: WAL log sequence number.</summary>
    public const uint PgLsn = 3220;
    /// <summary>OID 3614 of <c>tsvector</c>: full-text search document.</summary>
    public const uint TsVector = 3614;
    /// <summary>OID 3615 of <c>tsquery</c>: full-text search query.</summary>
    public const uint TsQuery = 3615;
    /// <summary>OID 601 of <c>lseg</c>: geometric line segment.</summary>
    public const uint LSeg = 601;
    /// <summary>OID 602 of <c>path</c>: geometric path.</summary>
    public const uint Path = 602;
    /// <summary>OID 603 of <c>box</c>: geometric box.</summary>
    public const uint Box = 603;
    /// <summary>OID 604 of <c>polygon</c>: geometric polygon.</summary>
    public const uint Polygon = 604;
    /// <summary>OID 628 of <c>line</c>: geometric infinite line.</summary>
    public const uint Line = 628;
    /// <summary>OID 718 of <c>circle</c>: geometric circle.</summary>
    public const uint Circle = 718;
    /// <summary>OID 1790 of <c>refcursor</c>: reference to a cursor.</summary>
    public const uint RefCursor = 1790;
    /// <summary>OID 2202 of <c>regprocedure</c>: function with argument types.</summary>
    public const uint RegProcedure = 2202;
    /// <summary>OID 2203 of <c>regoper</c>: operator name.</summary>
    public const uint RegOper = 2203;
    /// <summary>OID 2204 of <c>regoperator</c>: operator with argument types.</summary>
    public const uint RegOperator = 2204;
    /// <summary>OID 3734 of <c>regconfig</c>: text search configuration.</summary>
    public const uint RegConfig = 3734;
    /// <summary>OID 3769 of <c>regdictionary</c>: text search dictionary.</summary>
    public const uint RegDictionary = 3769;
    /// <summary>OID 4089 of <c>regnamespace</c>: schema name.</summary>
    public const uint RegNamespace = 4089;
    /// <summary>OID 4096 of <c>regrole</c>: role name.</summary>
    public const uint RegRole = 4096;
    /// <summary>OID 4191 of <c>regcollation</c>: collation name.</summary>
    public const uint RegCollation = 4191;
    /// <summary>OID 27 of <c>tid</c>: tuple (row version) physical location.</summary>
    public const uint Tid = 27;
    /// <summary>OID 5069 of <c>xid8</c>: 64-bit transaction id.</summary>
    public const uint Xid8 = 5069;
    /// <summary>OID 1033 of <c>aclitem</c>: access privilege.</summary>
    public const uint AclItem = 1033;
    /// <summary>OID 22 of <c>int2vector</c>: array of int2, system catalogs.</summary>
    public const uint Int2Vector = 22;
    /// <summary>OID 30 of <c>oidvector</c>: array of oids, system catalogs.</summary>
    public const uint OidVector = 30;
    /// <summary>OID 194 of <c>pg_node_tree</c>: internal representation of a parse tree.</summary>
    public const uint PgNodeTree = 194;
    /// <summary>OID 2970 of <c>txid_snapshot</c>: transaction snapshot (txid_current_snapshot).</summary>
    public const uint TxidSnapshot = 2970;
    /// <summary>OID 5038 of <c>pg_snapshot</c>: transaction snapshot (pg_current_snapshot).</summary>
    public const uint PgSnapshot = 5038;
}
