using System.Diagnostics.CodeAnalysis;
using System.Collections;
using System.Data;
using System.Net;
using System.Numerics;
using System.Text.Json;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>ADO.NET's <see cref="DbType"/> ↔ PostgreSQL type names, as Npgsql maps them (its documented table).</summary>
internal static class DbTypes
{
    /// <summary>The PostgreSQL type an explicit DbType sends; null for DbType.Object and the string types (untyped).</summary>
    public static string? ToTypeName(DbType dbType) => dbType switch
    {
        DbType.Boolean => "boolean",
        DbType.Byte or DbType.SByte or DbType.Int16 => "smallint",
        DbType.UInt16 or DbType.Int32 => "integer",
        DbType.UInt32 or DbType.Int64 => "bigint",
        DbType.UInt64 or DbType.Decimal or DbType.VarNumeric => "numeric",
        DbType.Currency => "money",
        DbType.Single => "real",
        DbType.Double => "double precision",
        DbType.Date => "date",
        DbType.Time => "time without time zone",
        DbType.DateTime => "timestamp with time zone",
        DbType.DateTime2 => "timestamp without time zone",
        DbType.DateTimeOffset => "timestamp with time zone",
        DbType.Guid => "uuid",
        DbType.Binary => "bytea",
        DbType.Xml => "xml",
        DbType.String or DbType.StringFixedLength or DbType.AnsiString or DbType.AnsiStringFixedLength => "text",
        _ => null,
    };

    /// <summary>The DbType a PostgreSQL type name reads as (GetColumnSchema, DataTypeName → DbType).</summary>
    public static DbType FromTypeName(string name) => Canonical(name) switch
    {
        "bool" => DbType.Boolean,
        "int2" => DbType.Int16,
        "int4" => DbType.Int32,
        "int8" => DbType.Int64,
        "numeric" => DbType.Decimal,
        "money" => DbType.Currency,
        "float4" => DbType.Single,
        "float8" => DbType.Double,
        "date" => DbType.Date,
        "time" => DbType.Time,
        "timestamptz" => DbType.DateTime,
        "timestamp" => DbType.DateTime2,
        "uuid" => DbType.Guid,
        "bytea" => DbType.Binary,
        "xml" => DbType.Xml,
        "text" or "varchar" or "bpchar" or "name" or "citext" or "json" or "jsonb" => DbType.String,
        _ => DbType.Object,
    };

    /// <summary>The DbType a parameter value's .NET type stands for.</summary>
    public static DbType FromClrType(Type? type)
    {
        if (type is null) return DbType.Object;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return DbType.Object;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => DbType.Boolean,
            TypeCode.Byte => DbType.Byte,
            TypeCode.SByte => DbType.SByte,
            TypeCode.Int16 => DbType.Int16,
            TypeCode.UInt16 => DbType.UInt16,
            TypeCode.Int32 => DbType.Int32,
            TypeCode.UInt32 => DbType.UInt32,
            TypeCode.Int64 => DbType.Int64,
            TypeCode.UInt64 => DbType.UInt64,
            TypeCode.Single => DbType.Single,
            TypeCode.Double => DbType.Double,
            TypeCode.Decimal => DbType.Decimal,
            TypeCode.String or TypeCode.Char => DbType.String,
            TypeCode.DateTime => DbType.DateTime2,
            _ when type == typeof(Guid) => DbType.Guid,
            _ when type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>) => DbType.Binary,
            _ when type == typeof(DateTimeOffset) => DbType.DateTimeOffset,
            _ when type == typeof(DateOnly) => DbType.Date,
            _ when type == typeof(TimeOnly) || type == typeof(TimeSpan) => DbType.Time,
            _ when type == typeof(BigInteger) => DbType.VarNumeric,
            _ => DbType.Object,
        };
    }

    /// <summary>SQL-standard spellings → pg_type names.</summary>
    public static string Canonical(string name)
    {
        var n = name.Trim().ToLowerInvariant();
        return n switch
        {
            "boolean" => "bool",
            "smallint" => "int2",
            "integer" or "int" => "int4",
            "bigint" => "int8",
            "real" => "float4",
            "double precision" or "float" => "float8",
            "decimal" => "numeric",
            "character varying" => "varchar",
            "character" or "char" => "bpchar",
            "time without time zone" => "time",
            "time with time zone" => "timetz",
            "timestamp without time zone" => "timestamp",
            "timestamp with time zone" => "timestamptz",
            "bit varying" => "varbit",
            _ => StripModifier(n),
        };
    }

    // varchar(20), numeric(10,2): the modifier doesn't change the type.
    private static string StripModifier(string n)
    {
        var paren = n.IndexOf('(');
        if (paren < 0) return n;
        var close = n.IndexOf(')', paren);
        return close < 0 ? n : Canonical(n[..paren] + n[(close + 1)..]);
    }

    /// <summary>Built-in type names → OIDs, from the table of built-in array types (element and array names).</summary>
    private static readonly Dictionary<string, uint> BuiltinOids = BuildOids();

    private static Dictionary<string, uint> BuildOids()
    {
        var map = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (element, array, name) in ContainerOids.Arrays)
        {
            map.TryAdd(name, element);
            map.TryAdd(name + "[]", array);
        }
        map["char"] = Oids.Char;
        map["\"char\""] = Oids.Char;
        map["unknown"] = Oids.Unknown;
        return map;
    }

    /// <summary>The OID of a built-in type name (<c>int4</c>, <c>integer[]</c>, <c>timestamptz</c>); 0 when not built in.</summary>
    public static uint BuiltinOid(string name)
    {
        var trimmed = name.Trim();
        var isArray = trimmed.EndsWith("[]", StringComparison.Ordinal);
        var baseName = Canonical(isArray ? trimmed[..^2] : trimmed);
        return BuiltinOids.GetValueOrDefault(isArray ? baseName + "[]" : baseName);
    }

    /// <summary>The default .NET type of a column of this OID (the codec's), as Row and GetValue return it.</summary>
    public static Type FieldType(PgCodec? codec) => codec?.ClrType ?? typeof(string);

    /// <summary>
    /// <see cref="FieldType"/> as DbDataReader.GetFieldType and DataTable columns declare it, with the type's public
    /// fields and properties kept by trimming: through the type's <see cref="TypeForms"/> (built-in and registered
    /// types; any type where code can be generated). object for a codec type a trimmed app has no forms for.
    /// </summary>
    [return: DynamicallyAccessedMembers(TypeForms.Members)]
    public static Type DeclaredFieldType(PgCodec? codec)
    {
        var type = FieldType(codec);
        if (type == typeof(Array)) return typeof(Array);
        return TypeForms.For(type)?.Type ?? typeof(object);
    }

    internal static bool IsTextLike(Type t) => t == typeof(string) || t == typeof(char[]) || t == typeof(char);

    internal static bool IsBinaryLike(object value) => value is byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte>;

    internal static bool IsScalarish(object value) => value is IConvertible or Guid or DateTimeOffset or DateOnly or TimeOnly
        or TimeSpan or BigInteger or IPAddress or JsonElement or BitArray;
}
