namespace Sharpgres.Types;

/// <summary>OIDs of built-in types (pg_type.dat); stable across PostgreSQL versions.</summary>
public static class Oids
{
    public const uint Bool = 16, Bytea = 17, Char = 18, Name = 19, Int8 = 20, Int2 = 21, Int4 = 23, Text = 25, Oid = 26,
        Xid = 28, Cid = 29, Json = 114, Xml = 142, Point = 600, Float4 = 700, Float8 = 701, Unknown = 705,
        Money = 790, MacAddr = 829, Inet = 869, Cidr = 650, MacAddr8 = 774, BpChar = 1042, Varchar = 1043, Date = 1082,
        Time = 1083, Timestamp = 1114, TimestampTz = 1184, Interval = 1186, TimeTz = 1266, Bit = 1560, Varbit = 1562,
        Numeric = 1700, Uuid = 2950, Jsonb = 3802, JsonPath = 4072, Record = 2249, Void = 2278,
        Int4Range = 3904, NumRange = 3906, TsRange = 3908, TsTzRange = 3910, DateRange = 3912, Int8Range = 3926,
        RegProc = 24, RegClass = 2205, RegType = 2206, PgLsn = 3220, TsVector = 3614, TsQuery = 3615,
        LSeg = 601, Path = 602, Box = 603, Polygon = 604, Line = 628, Circle = 718, RefCursor = 1790,
        RegProcedure = 2202, RegOper = 2203, RegOperator = 2204, RegConfig = 3734, RegDictionary = 3769,
        RegNamespace = 4089, RegRole = 4096, RegCollation = 4191, Tid = 27, Xid8 = 5069, AclItem = 1033,
        Int2Vector = 22, OidVector = 30, PgNodeTree = 194, TxidSnapshot = 2970, PgSnapshot = 5038;
}
