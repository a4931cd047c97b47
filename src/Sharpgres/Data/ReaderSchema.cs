using System.Diagnostics.CodeAnalysis;
using System.Data;
using System.Data.Common;
using System.Globalization;
using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>One column of a result as <c>GetColumnSchema()</c> describes it.</summary>
public sealed class SharpgresDbColumn : DbColumn
{
    internal SharpgresDbColumn() { }

    /// <summary>The OID of the column's PostgreSQL type.</summary>
    public uint TypeOid { get; internal set; }

    /// <summary>The OID of the table the column comes from (0 for computed columns).</summary>
    public uint TableOid { get; internal set; }

    /// <summary>The column's number in its table (pg_attribute.attnum; 0 for computed columns).</summary>
    public short ColumnAttributeNumber { get; internal set; }

    /// <summary>The column's default expression, when it has one.</summary>
    public string? DefaultValue { get; internal set; }

    internal void Set(string? name = null, int? ordinal = null, string? dataTypeName = null, Type? dataType = null,
        bool? allowDbNull = null, string? baseColumn = null, string? baseTable = null, string? baseSchema = null,
        string? baseCatalog = null, bool? isKey = null, bool? isUnique = null, bool? isAutoIncrement = null,
        bool? isReadOnly = null, int? size = null, int? precision = null, int? scale = null, bool? isLong = null,
        bool? isAliased = null, bool? isExpression = null, bool? isIdentity = null)
    {
        if (name is not null) ColumnName = name;
        if (ordinal is not null) ColumnOrdinal = ordinal;
        if (dataTypeName is not null) DataTypeName = dataTypeName;
        if (dataType is not null) DataType = dataType;
        if (allowDbNull is not null) AllowDBNull = allowDbNull;
        if (baseColumn is not null) BaseColumnName = baseColumn;
        if (baseTable is not null) BaseTableName = baseTable;
        if (baseSchema is not null) BaseSchemaName = baseSchema;
        if (baseCatalog is not null) BaseCatalogName = baseCatalog;
        if (isKey is not null) IsKey = isKey;
        if (isUnique is not null) IsUnique = isUnique;
        if (isAutoIncrement is not null) IsAutoIncrement = isAutoIncrement;
        if (isReadOnly is not null) IsReadOnly = isReadOnly;
        if (size is not null) ColumnSize = size;
        if (precision is not null) NumericPrecision = precision;
        if (scale is not null) NumericScale = scale;
        if (isLong is not null) IsLong = isLong;
        if (isAliased is not null) IsAliased = isAliased;
        if (isExpression is not null) IsExpression = isExpression;
        if (isIdentity is not null) IsIdentity = isIdentity;
    }
}

/// <summary>
/// GetColumnSchema / GetSchemaTable: what the RowDescription says (name, type, table OID and column number), completed
/// from the catalog (base table and column names, NOT NULL, primary key and unique indexes, defaults) for columns
/// that come from a table. The catalog is read on the reader's own connection once its results are read, otherwise
/// on a short-lived second connection to the same database (the catalog is shared; only DDL not yet committed by
/// the reader's own transaction would be missed).
/// </summary>
internal static class ReaderSchema
{
    public static List<DbColumn> Columns(SharpgresConnection owner, RowDescription description, PgCodec?[] codecs, bool keyInfo, bool sessionFree)
    {
        var columns = new List<DbColumn>(description.Count);
        var fields = description.Fields;
        for (var i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            var column = new SharpgresDbColumn { TypeOid = f.TypeOid, TableOid = f.TableOid, ColumnAttributeNumber = f.ColumnNumber };
            var codec = codecs[i];
            var typeName = codec?.PgTypeName ?? owner.Inner.Types.NameOf(f.TypeOid);
            var (precision, scale, size) = Modifiers(f);
            column.Set(name: f.Name, ordinal: i, dataTypeName: typeName, dataType: DbTypes.FieldType(codec), allowDbNull: true,
                isKey: false, isUnique: false, isAutoIncrement: false, isReadOnly: f.TableOid == 0, size: size, precision: precision,
                scale: scale, isLong: f.TypeOid is Oids.Bytea or Oids.Text, isAliased: false, isExpression: f.TableOid == 0, isIdentity: false);
            columns.Add(column);
        }
        var tables = fields.Where(f => f.TableOid != 0).Select(f => f.TableOid).Distinct().ToArray();
        if (tables.Length > 0) FillFromCatalog(owner, columns, tables, keyInfo, sessionFree);
        return columns;
    }

    /// <summary>varchar(n) length, numeric(p, s): the type modifier as information_schema reads it.</summary>
    private static (int? Precision, int? Scale, int Size) Modifiers(FieldDescription f)
    {
        var mod = f.TypeModifier;
        if (f.TypeOid == Oids.Numeric && mod >= 4) return (((mod - 4) >> 16) & 0xFFFF, (mod - 4) & 0xFFFF, -1);
        if (f.TypeOid is Oids.Varchar or Oids.BpChar && mod >= 4) return (null, null, mod - 4);
        return (null, null, f.TypeSize);
    }

    private static void FillFromCatalog(SharpgresConnection owner, List<DbColumn> columns, uint[] tables, bool keyInfo, bool sessionFree)
    {
        var oids = "'{" + string.Join(",", tables.Select(t => t.ToString(CultureInfo.InvariantCulture))) + "}'";
        var sql = $"""
            SELECT a.attrelid, a.attnum, a.attname, n.nspname, c.relname, a.attnotnull,
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)),
              EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indnatts = 1 AND i.indkey[0] = a.attnum),
              pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR a.attgenerated <> '', current_database()
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = ANY ({oids}::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            """;
        List<Row> rows;
        if (sessionFree)
        {
            SessionReset.Flush(owner.Inner);
            using var cur = owner.Inner.Cursor();
            rows = cur.Execute(sql).FetchAll().ToList();
        }
        else if (owner.ConnectionInfoForSideQueries is { } info)
        {
            using var side = Pg.Connect(info, autocommit: true);
            rows = side.Execute(sql).FetchAll().ToList();
        }
        else return;   // a wrapped Connection still reading its results: what the RowDescription says is all there is
        var byKey = rows.ToDictionary(r => (r.Get<uint>(0), r.Get<short>(1)));
        foreach (SharpgresDbColumn column in columns)
        {
            if (!byKey.TryGetValue((column.TableOid, column.ColumnAttributeNumber), out var r)) continue;
            var isKey = r.Get<bool>(6);
            var defaultValue = r.Get<string?>(8);
            var generated = r.Get<bool>(9) || (defaultValue?.StartsWith("nextval(", StringComparison.Ordinal) ?? false);
            column.DefaultValue = defaultValue;
            column.Set(baseColumn: r.Get<string>(2), baseSchema: r.Get<string>(3), baseTable: r.Get<string>(4),
                baseCatalog: r.Get<string>(10), allowDbNull: !r.Get<bool>(5), isAutoIncrement: generated, isIdentity: r.Get<bool>(9),
                isReadOnly: false, isExpression: false, isAliased: column.ColumnName != r.Get<string>(2));
            if (keyInfo) column.Set(isKey: isKey, isUnique: isKey || r.Get<bool>(7));
        }
    }

    // The one analyzer report that is not a hazard, suppressed as System.Data's own schema tables do: keeping
    // System.Type's public properties for the DataType column flags Type.TypeInitializer's annotation, and nothing
    // reads that property through the column.
    [UnconditionalSuppressMessage("Trimming", "IL2111", Justification = "Type.TypeInitializer is never read through the DataType column")]
    private static DataColumn TypeColumn(string name) => new(name, typeof(Type));

    /// <summary>ADO.NET's schema table: one row per column, the standard SchemaTableColumn names.</summary>
    public static DataTable? SchemaTable(SharpgresDataReader reader, List<DbColumn> columns)
    {
        if (reader.IsClosed) throw new InvalidOperationException("the data reader is closed");
        if (columns.Count == 0) return null;
        var table = new DataTable("SchemaTable");
        void Add(string name, [DynamicallyAccessedMembers(TypeForms.Members)] Type type) => table.Columns.Add(name, type);
        Add(SchemaTableColumn.ColumnName, typeof(string));
        Add(SchemaTableColumn.ColumnOrdinal, typeof(int));
        Add(SchemaTableColumn.ColumnSize, typeof(int));
        Add(SchemaTableColumn.NumericPrecision, typeof(int));
        Add(SchemaTableColumn.NumericScale, typeof(int));
        Add(SchemaTableColumn.IsUnique, typeof(bool));
        Add(SchemaTableColumn.IsKey, typeof(bool));
        Add(SchemaTableOptionalColumn.BaseServerName, typeof(string));
        Add(SchemaTableOptionalColumn.BaseCatalogName, typeof(string));
        Add(SchemaTableColumn.BaseColumnName, typeof(string));
        Add(SchemaTableColumn.BaseSchemaName, typeof(string));
        Add(SchemaTableColumn.BaseTableName, typeof(string));
        table.Columns.Add(TypeColumn(SchemaTableColumn.DataType));
        Add(SchemaTableColumn.AllowDBNull, typeof(bool));
        Add(SchemaTableColumn.ProviderType, typeof(int));
        Add(SchemaTableColumn.IsAliased, typeof(bool));
        Add(SchemaTableColumn.IsExpression, typeof(bool));
        Add("IsIdentity", typeof(bool));
        Add(SchemaTableOptionalColumn.IsAutoIncrement, typeof(bool));
        Add(SchemaTableOptionalColumn.IsRowVersion, typeof(bool));
        Add(SchemaTableOptionalColumn.IsHidden, typeof(bool));
        Add(SchemaTableColumn.IsLong, typeof(bool));
        Add(SchemaTableOptionalColumn.IsReadOnly, typeof(bool));
        Add("DataTypeName", typeof(string));
        foreach (var c in columns)
        {
            var row = table.NewRow();
            row[SchemaTableColumn.ColumnName] = c.ColumnName;
            row[SchemaTableColumn.ColumnOrdinal] = c.ColumnOrdinal ?? -1;
            row[SchemaTableColumn.ColumnSize] = c.ColumnSize ?? -1;
            row[SchemaTableColumn.NumericPrecision] = (object?)c.NumericPrecision ?? DBNull.Value;
            row[SchemaTableColumn.NumericScale] = (object?)c.NumericScale ?? DBNull.Value;
            row[SchemaTableColumn.IsUnique] = c.IsUnique ?? false;
            row[SchemaTableColumn.IsKey] = c.IsKey ?? false;
            row[SchemaTableOptionalColumn.BaseServerName] = "";
            row[SchemaTableOptionalColumn.BaseCatalogName] = (object?)c.BaseCatalogName ?? DBNull.Value;
            row[SchemaTableColumn.BaseColumnName] = (object?)c.BaseColumnName ?? DBNull.Value;
            row[SchemaTableColumn.BaseSchemaName] = (object?)c.BaseSchemaName ?? DBNull.Value;
            row[SchemaTableColumn.BaseTableName] = (object?)c.BaseTableName ?? DBNull.Value;
            row[SchemaTableColumn.DataType] = c.DataType;
            row[SchemaTableColumn.AllowDBNull] = c.AllowDBNull ?? true;
            row[SchemaTableColumn.ProviderType] = (int)((SharpgresDbColumn)c).TypeOid;
            row[SchemaTableColumn.IsAliased] = c.IsAliased ?? false;
            row[SchemaTableColumn.IsExpression] = c.IsExpression ?? false;
            row["IsIdentity"] = c.IsIdentity ?? false;
            row[SchemaTableOptionalColumn.IsAutoIncrement] = c.IsAutoIncrement ?? false;
            row[SchemaTableOptionalColumn.IsRowVersion] = false;
            row[SchemaTableOptionalColumn.IsHidden] = false;
            row[SchemaTableColumn.IsLong] = c.IsLong ?? false;
            row[SchemaTableOptionalColumn.IsReadOnly] = c.IsReadOnly ?? false;
            row["DataTypeName"] = c.DataTypeName;
            table.Rows.Add(row);
        }
        return table;
    }
}
