using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using Sharpgres.Protocol;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// COPY's binary format (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"): a header
/// (<c>PGCOPY\n\377\r\n\0</c>, Int32 flags, Int32 header extension length), then per row an Int16 field count and
/// per field an Int32 length (-1 for NULL) and the value in the type's binary form, then an Int16 -1 trailer.
/// A row is laid out exactly as a DataRow body, so rows read back decode like query results.
/// </summary>
internal static class CopyBinaryFormat
{
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    public const int HeaderSize = 19;

    public static void WriteHeader(WriteBuffer w)
    {
        w.WriteBytes(Signature);
        w.WriteInt32(0);   // flags: no OIDs
        w.WriteInt32(0);   // no header extension
    }

    public static void WriteTrailer(WriteBuffer w) => w.WriteInt16(-1);

    public static void WriteRow(WriteBuffer w, object?[] values, CopyColumnCodecs codecs, in ReadContext context)
    {
        w.WriteInt16((short)values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null or DBNull) { w.WriteInt32(-1); continue; }
            // Binary values must match the column's type exactly (an int4 is not an int8): SetTypes says which.
            var codec = codecs.For(i, value, out var asIs);
            var at = w.ReserveLength();
            codec.WriteObject(w, asIs ? value : CopyValues.Convert(value, codec), PgFormat.Binary, context);
            w.PatchLength(at);
        }
    }

    /// <summary>The length of the header at the start of the first CopyData; throws on a wrong signature.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize || !data[..Signature.Length].SequenceEqual(Signature))
            throw new InterfaceError("binary COPY data doesn't start with the PGCOPY signature");
        var extension = BinaryPrimitives.ReadInt32BigEndian(data[15..]);
        return HeaderSize + extension;
    }
}

/// <summary>What COPY needs around the codecs: type names for SetTypes, and values converted to the codec's type.</summary>
internal static class CopyValues
{
    private static readonly Dictionary<string, uint> BuiltinNames = BuildNames();

    private static Dictionary<string, uint> BuildNames()
    {
        var names = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var field in typeof(Oids).GetFields(BindingFlags.Public | BindingFlags.Static))
            if (field.GetValue(null) is uint oid) names[field.Name.ToLowerInvariant()] = oid;
        // SQL's spellings of the same types.
        foreach (var (alias, oid) in new (string, uint)[]
                 {
                     ("smallint", Oids.Int2), ("integer", Oids.Int4), ("int", Oids.Int4), ("bigint", Oids.Int8),
                     ("real", Oids.Float4), ("double precision", Oids.Float8), ("float", Oids.Float8), ("boolean", Oids.Bool),
                     ("character varying", Oids.Varchar), ("character", Oids.BpChar), ("char", Oids.BpChar), ("decimal", Oids.Numeric),
                     ("timestamp without time zone", Oids.Timestamp), ("timestamp with time zone", Oids.TimestampTz),
                     ("time without time zone", Oids.Time), ("time with time zone", Oids.TimeTz), ("bit varying", Oids.Varbit),
                     ("serial", Oids.Int4), ("bigserial", Oids.Int8), ("smallserial", Oids.Int2),
                 })
            names[alias] = oid;
        return names;
    }

    /// <summary>A type name as SQL or pg_type spells it ("bigint", "int8", "varchar(20)") → its OID.</summary>
    public static uint OidOf(string name, TypeRegistry types)
    {
        var key = name.Trim().ToLowerInvariant();
        var paren = key.IndexOf('(');
        if (paren >= 0)
        {
            var close = key.IndexOf(')', paren);
            key = (key[..paren] + (close >= 0 ? key[(close + 1)..] : "")).Trim();
        }
        key = string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (key.StartsWith("pg_catalog.", StringComparison.Ordinal)) key = key["pg_catalog.".Length..];
        if (BuiltinNames.TryGetValue(key, out var oid)) return oid;
        if (uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out oid)) return oid;
        if (types.OidOfName(key) is var known and not 0) return known;   // user types registered on the connection
        // Arrays by either spelling, as psycopg's registry: "float8[]", "double precision[]", "_float8", "mood[]".
        var element = key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2].TrimEnd() : key.StartsWith('_') ? key[1..] : null;
        if (element is not null && TryOidOf(element, types) is var elementOid and not 0 && types.ArrayOidOf(elementOid) is var array and not 0)
            return array;
        throw new ProgrammingError($"unknown type '{name}' for SetTypes: register it (conn.Types) or pass its OID (SELECT '{name}'::regtype::oid)");
    }

    private static uint TryOidOf(string name, TypeRegistry types)
    {
        try { return OidOf(name, types); }
        catch (ProgrammingError) { return 0; }
    }

    /// <summary>A value of another .NET type than the codec's (an int for a bigint column) converted when it can be.</summary>
    public static object Convert(object value, PgCodec codec)
    {
        // The json codec writes unwrapped values as jsonb (version byte first); a json column needs the Json wrapper.
        if (codec.Oid == Oids.Json && value is not Json) return new Json(value);
        var target = codec.ClrType;
        if (value.GetType() == target || target.IsInstanceOfType(value)) return value;
        if (value is IConvertible && typeof(IConvertible).IsAssignableFrom(target) && target != typeof(string))
        {
            try { return System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture); }
            catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
            {
                throw new DataError($"cannot write {value.GetType().Name} value '{value}' as {codec.PgTypeName}: {e.Message}", null, e);
            }
        }
        if (target == typeof(string)) return value.ToString() ?? "";
        return value;
    }
}
