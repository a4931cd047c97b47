using System.Diagnostics.CodeAnalysis;
using Sharpgres.Types;
using System.Data;
using System.Data.Common;

namespace Sharpgres.Data;

/// <summary>
/// DbConnection.GetSchema's collections, read from information_schema and pg_catalog on the connection itself.
/// Restrictions are positional, as the Restrictions collection lists them (null or missing: no filter).
/// </summary>
internal static class SchemaCollections
{
    /// <summary>A catalog query per collection: its SQL with one %s per restriction (each compared when not null).</summary>
    private sealed record Collection(string Name, string[] Restrictions, string Sql);

    private static readonly Collection[] Queries =
    [
        new("Databases", ["Name"],
            "SELECT d.datname AS database_name, pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding " +
            "FROM pg_database d WHERE NOT d.datistemplate AND (%s::text IS NULL OR d.datname = %s) ORDER BY 1"),
        new("Tables", ["table_catalog", "table_schema", "table_name", "table_type"],
            "SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables " +
            "WHERE table_type IN ('BASE TABLE', 'LOCAL TEMPORARY') AND table_schema NOT IN ('pg_catalog', 'information_schema') " +
            "AND (%s::text IS NULL OR table_catalog = %s) AND (%s::text IS NULL OR table_schema = %s) AND (%s::text IS NULL OR table_name = %s) " +
            "AND (%s::text IS NULL OR table_type = %s) ORDER BY 2, 3"),
        new("Columns", ["table_catalog", "table_schema", "table_name", "column_name"],
            "SELECT table_catalog, table_schema, table_name, column_name, ordinal_position::int4, column_default, is_nullable, data_type, " +
            "character_maximum_length::int4, numeric_precision::int4, numeric_scale::int4, udt_name " +
            "FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') " +
            "AND (%s::text IS NULL OR table_catalog = %s) AND (%s::text IS NULL OR table_schema = %s) AND (%s::text IS NULL OR table_name = %s) " +
            "AND (%s::text IS NULL OR column_name = %s) ORDER BY 2, 3, 5"),
        new("Views", ["table_catalog", "table_schema", "table_name"],
            "SELECT table_catalog, table_schema, table_name, check_option, is_updatable FROM information_schema.views " +
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') " +
            "AND (%s::text IS NULL OR table_catalog = %s) AND (%s::text IS NULL OR table_schema = %s) AND (%s::text IS NULL OR table_name = %s) ORDER BY 2, 3"),
        new("Users", ["user_name"],
            "SELECT usename AS user_name, usesysid::int8 AS user_sysid FROM pg_user WHERE (%s::text IS NULL OR usename = %s) ORDER BY 1"),
        new("Indexes", ["table_catalog", "table_schema", "table_name", "index_name"],
            "SELECT current_database()::text AS table_catalog, n.nspname::text AS table_schema, t.relname::text AS table_name, " +
            "i.relname::text AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary, pg_get_indexdef(ix.indexrelid) AS definition " +
            "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace " +
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') " +
            "AND (%s::text IS NULL OR current_database() = %s) AND (%s::text IS NULL OR n.nspname = %s) AND (%s::text IS NULL OR t.relname = %s) " +
            "AND (%s::text IS NULL OR i.relname = %s) ORDER BY 2, 3, 4"),
    ];

    public static DataTable Get(SharpgresConnection connection, string collectionName, string?[] restrictions)
    {
        ArgumentNullException.ThrowIfNull(collectionName);
        restrictions ??= [];
        var name = collectionName.ToUpperInvariant();
        switch (name)
        {
            case "METADATACOLLECTIONS": return MetaDataCollections();
            case "RESTRICTIONS": return RestrictionsTable();
            case "DATASOURCEINFORMATION": return DataSourceInformation(connection);
            case "DATATYPES": return DataTypes(connection);
            case "RESERVEDWORDS": return Query(connection, "ReservedWords", "SELECT word AS \"ReservedWord\" FROM pg_get_keywords() WHERE catcode = 'R' ORDER BY 1", []);
        }
        var collection = Queries.FirstOrDefault(q => q.Name.Equals(collectionName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"the metadata collection '{collectionName}' is not supported (see GetSchema(\"MetaDataCollections\"))", nameof(collectionName));
        if (restrictions.Length > collection.Restrictions.Length)
            throw new ArgumentException($"'{collection.Name}' takes at most {collection.Restrictions.Length} restrictions ({string.Join(", ", collection.Restrictions)})");
        var args = new object?[collection.Restrictions.Length * 2];
        for (var i = 0; i < collection.Restrictions.Length; i++)
            args[2 * i] = args[2 * i + 1] = i < restrictions.Length ? restrictions[i] : null;
        return Query(connection, collection.Name, collection.Sql, args);
    }

    private static DataTable Query(SharpgresConnection connection, string tableName, string sql, object?[] args)
    {
        SessionReset.Flush(connection.Inner);
        using var cur = connection.Inner.Cursor();
        cur.Execute(sql, args);
        var table = new DataTable(tableName);
        foreach (var column in cur.Description!)
        {
            table.Columns.Add(column.Name, DbTypes.DeclaredFieldType(connection.Inner.Types.ForOid(column.TypeCode)));
        }
        foreach (var row in cur.FetchAll())
            table.Rows.Add(row.ToArray().Select(v => v ?? DBNull.Value).ToArray());
        return table;
    }

    private static DataTable MetaDataCollections()
    {
        var table = new DataTable("MetaDataCollections");
        table.Columns.Add(DbMetaDataColumnNames.CollectionName, typeof(string));
        table.Columns.Add(DbMetaDataColumnNames.NumberOfRestrictions, typeof(int));
        table.Columns.Add(DbMetaDataColumnNames.NumberOfIdentifierParts, typeof(int));
        table.Rows.Add("MetaDataCollections", 0, 0);
        table.Rows.Add("DataSourceInformation", 0, 0);
        table.Rows.Add("Restrictions", 0, 0);
        table.Rows.Add("DataTypes", 0, 0);
        table.Rows.Add("ReservedWords", 0, 0);
        foreach (var q in Queries) table.Rows.Add(q.Name, q.Restrictions.Length, q.Name is "Tables" or "Views" ? 3 : q.Name is "Columns" or "Indexes" ? 4 : 1);
        return table;
    }

    private static DataTable RestrictionsTable()
    {
        var table = new DataTable("Restrictions");
        table.Columns.Add("CollectionName", typeof(string));
        table.Columns.Add("RestrictionName", typeof(string));
        table.Columns.Add("RestrictionDefault", typeof(string));
        table.Columns.Add("RestrictionNumber", typeof(int));
        foreach (var q in Queries)
            for (var i = 0; i < q.Restrictions.Length; i++) table.Rows.Add(q.Name, q.Restrictions[i], q.Restrictions[i], i + 1);
        return table;
    }

    private static DataTable DataSourceInformation(SharpgresConnection connection)
    {
        var table = new DataTable("DataSourceInformation");
        void Column(string name, [DynamicallyAccessedMembers(TypeForms.Members)] Type type) => table.Columns.Add(name, type);
        Column(DbMetaDataColumnNames.CompositeIdentifierSeparatorPattern, typeof(string));
        Column(DbMetaDataColumnNames.DataSourceProductName, typeof(string));
        Column(DbMetaDataColumnNames.DataSourceProductVersion, typeof(string));
        Column(DbMetaDataColumnNames.DataSourceProductVersionNormalized, typeof(string));
        Column(DbMetaDataColumnNames.GroupByBehavior, typeof(GroupByBehavior));
        Column(DbMetaDataColumnNames.IdentifierPattern, typeof(string));
        Column(DbMetaDataColumnNames.IdentifierCase, typeof(IdentifierCase));
        Column(DbMetaDataColumnNames.OrderByColumnsInSelect, typeof(bool));
        Column(DbMetaDataColumnNames.ParameterMarkerFormat, typeof(string));
        Column(DbMetaDataColumnNames.ParameterMarkerPattern, typeof(string));
        Column(DbMetaDataColumnNames.ParameterNameMaxLength, typeof(int));
        Column(DbMetaDataColumnNames.ParameterNamePattern, typeof(string));
        Column(DbMetaDataColumnNames.QuotedIdentifierPattern, typeof(string));
        Column(DbMetaDataColumnNames.QuotedIdentifierCase, typeof(IdentifierCase));
        Column(DbMetaDataColumnNames.StatementSeparatorPattern, typeof(string));
        Column(DbMetaDataColumnNames.StringLiteralPattern, typeof(string));
        Column(DbMetaDataColumnNames.SupportedJoinOperators, typeof(SupportedJoinOperators));
        var version = connection.ServerVersion;
        var number = connection.Inner.Info.ServerVersion;
        table.Rows.Add(@"\.", "PostgreSQL", version, $"{number / 10000:00}.{number % 10000:0000}", GroupByBehavior.Unrelated,
            @"(^\[\p{Lo}\p{Lu}\p{Ll}_@#][\p{Lo}\p{Lu}\p{Ll}\p{Nd}@$#_]*$)|(^\[[^\]\0]|\]\]+\]$)|(^\""[^\""\0]|\""\""+\""$)",
            IdentifierCase.Insensitive, false, "{0}", @"@[\p{Lo}\p{Lu}\p{Ll}\p{Lm}_@#][\p{Lo}\p{Lu}\p{Ll}\p{Lm}\p{Nd}\uff3f_@#\$]*(?=\s+|$)",
            63, @"^[\p{Lo}\p{Lu}\p{Ll}\p{Lm}_@#][\p{Lo}\p{Lu}\p{Ll}\p{Lm}\p{Nd}\uff3f_@#\$]*(?=\s+|$)", @"(([^\""]|\""\"")*)",
            IdentifierCase.Sensitive, ";", @"'(([^']|'')*)'",
            SupportedJoinOperators.FullOuter | SupportedJoinOperators.Inner | SupportedJoinOperators.LeftOuter | SupportedJoinOperators.RightOuter);
        return table;
    }

    private static DataTable DataTypes(SharpgresConnection connection)
    {
        var table = new DataTable("DataTypes");
        table.Columns.Add(DbMetaDataColumnNames.TypeName, typeof(string));
        table.Columns.Add(DbMetaDataColumnNames.ProviderDbType, typeof(int));
        table.Columns.Add(DbMetaDataColumnNames.DataType, typeof(string));
        table.Columns.Add("OID", typeof(uint));
        table.Columns.Add(DbMetaDataColumnNames.IsBestMatch, typeof(bool));
        table.Columns.Add(DbMetaDataColumnNames.IsNullable, typeof(bool));
        table.Columns.Add(DbMetaDataColumnNames.LiteralPrefix, typeof(string));
        table.Columns.Add(DbMetaDataColumnNames.LiteralSuffix, typeof(string));
        var types = connection.Inner.Types;
        foreach (var (element, array, name) in Types.ContainerOids.Arrays)
        {
            foreach (var (oid, typeName) in new[] { (element, name), (array, "_" + name) })
            {
                var codec = types.ForOid(oid);
                var clr = codec?.ClrType ?? typeof(string);
                table.Rows.Add(typeName, (int)oid, clr.FullName, oid, codec is not null && codec.Oid == oid, true, "'", "'");
            }
        }
        return table;
    }
}
