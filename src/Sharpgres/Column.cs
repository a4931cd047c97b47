namespace Sharpgres;

/// <summary>
/// One entry of <c>Cursor.Description</c>: DB-API's seven fields (name, type_code, display_size, internal_size,
/// precision, scale, null_ok), as psycopg's Column.
/// </summary>
public sealed record Column(string Name, uint TypeCode, string TypeName, int? DisplaySize, int? InternalSize, int? Precision, int? Scale, bool? NullOk)
{
    internal static Column From(Protocol.Backend.FieldDescription f, Types.TypeRegistry types)
    {
        var mod = f.TypeModifier;
        int? precision = null, scale = null, display = null;
        switch (f.TypeOid)
        {
            case Types.Oids.Numeric when mod >= 4:
                // No display size for numeric, as psycopg. The scale is the typmod's low 11 bits, signed: PostgreSQL
                // 15 allows numeric(10,-1) (scale -1, stored as 0x7FF).
                precision = ((mod - 4) >> 16) & 0xFFFF;
                var packed = (mod - 4) & 0x7FF;
                scale = packed >= 0x400 ? packed - 0x800 : packed;
                break;
            case Types.Oids.Varchar or Types.Oids.BpChar when mod >= 4:
                display = mod - 4;
                break;
            case Types.Oids.Bit or Types.Oids.Varbit when mod >= 0:
                display = mod;
                break;
            case Types.Oids.Timestamp or Types.Oids.TimestampTz or Types.Oids.Time or Types.Oids.TimeTz or Types.Oids.Interval when mod >= 0:
                precision = mod & 0xFFFF;
                break;
        }
        return new Column(f.Name, f.TypeOid, types.NameOf(f.TypeOid), display, f.TypeSize < 0 ? null : f.TypeSize, precision, scale, null);
    }
}

/// <summary>How <c>Scroll</c> moves: relative to the current position or to an absolute index.</summary>
public enum ScrollMode
{
    /// <summary>psycopg's <c>mode="relative"</c>: move by the given number of rows from the current position (negative moves back).</summary>
    Relative,
    /// <summary>psycopg's <c>mode="absolute"</c>: move to the given 0-based row index.</summary>
    Absolute,
}
