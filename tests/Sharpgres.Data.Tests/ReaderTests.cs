using Sharpgres.Types;
using System.Data;
using System.Net;
using System.Numerics;
using System.Text.Json;

namespace Sharpgres.Data.Tests;

/// <summary>DbDataReader: positioning, typed getters for the types of docs/types.md, metadata, behaviours, edge cases.</summary>
public sealed class ReaderTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private SharpgresDataReader Query(SharpgresConnection c, string sql, CommandBehavior behavior = CommandBehavior.Default) =>
        new SharpgresCommand(sql, c).ExecuteReader(behavior);

    [Fact]
    public void Getters_before_Read_after_the_end_and_after_Close_are_InvalidOperation()
    {
        using var c = db.Open();
        using (var r = Query(c, "SELECT NULL"))
        {
            Assert.Throws<InvalidOperationException>(() => r.GetValue(0));
            Assert.Throws<InvalidOperationException>(() => r.IsDBNull(0));
            Assert.True(r.Read());
            Assert.True(r.IsDBNull(0));
            Assert.Same(DBNull.Value, r.GetValue(0));
            Assert.False(r.Read());
            Assert.False(r.Read());
            Assert.Throws<InvalidOperationException>(() => r.GetFieldValue<object>(0));
        }
        var closed = Query(c, "SELECT 1");
        closed.Dispose();
        Assert.True(closed.IsClosed);
        Assert.Throws<InvalidOperationException>(() => closed.Read());
        Assert.Throws<InvalidOperationException>(() => closed.FieldCount);
        Assert.Throws<InvalidOperationException>(() => closed.GetName(0));
        Assert.Throws<InvalidOperationException>(() => closed.NextResult());
    }

    [Fact]
    public void A_column_read_as_other_types_between_rows_and_results_reads_right_each_time()
    {
        // The reader remembers each column's typed reader after the first read (SharpgresDataReader._direct): reading
        // the same ordinal as another type, a NULL after values, and a next result with other types must not reuse it.
        using var c = db.Open();
        using var r = Query(c, "SELECT * FROM (VALUES (1, 'a'::text), (NULL, 'b'), (3, NULL)) v(n, t); SELECT 2.5::float8, 7::int8");
        Assert.True(r.Read());
        Assert.Equal(1, r.GetInt32(0));
        Assert.Equal(1L, r.GetInt64(0));
        Assert.Equal(1, r.GetFieldValue<int>(0));
        Assert.Equal(1, r.GetFieldValue<int?>(0));
        Assert.Equal(1, r.GetValue(0));
        Assert.Equal("a", r.GetString(1));
        Assert.Equal('a', r.GetChar(1));
        Assert.Throws<InvalidCastException>(() => r.GetInt32(1));
        Assert.True(r.Read());
        Assert.Throws<InvalidCastException>(() => r.GetInt32(0));
        Assert.Null(r.GetFieldValue<int?>(0));
        Assert.Equal("b", r.GetFieldValue<string>(1));
        Assert.True(r.Read());
        Assert.Equal(3, r.GetInt32(0));
        Assert.Throws<InvalidCastException>(() => r.GetString(1));
        Assert.True(r.IsDBNull(1));
        Assert.False(r.Read());
        Assert.True(r.NextResult());
        Assert.True(r.Read());
        Assert.Equal(2.5, r.GetDouble(0));
        Assert.Throws<InvalidCastException>(() => r.GetInt32(0));
        Assert.Equal(7L, r.GetInt64(1));
        Assert.Equal(7, r.GetInt32(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetInt32(2));
        r.Close();
        Assert.Throws<InvalidOperationException>(() => r.GetInt32(0));
    }

    [Fact]
    public void Column_metadata_names_types_and_ordinals()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT 1 AS Id, 'x'::text AS name, '{}'::jsonb AS doc, ARRAY[1,2] AS arr");
        Assert.Equal(4, r.FieldCount);
        Assert.Equal("id", r.GetName(0));
        Assert.Equal(0, r.GetOrdinal("id"));
        Assert.Equal(0, r.GetOrdinal("ID"));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetOrdinal("missing"));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetName(4));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetFieldType(4));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetDataTypeName(4));
        Assert.Equal(("int4", "text", "jsonb"), (r.GetDataTypeName(0), r.GetDataTypeName(1), r.GetDataTypeName(2)));
        Assert.Equal(typeof(int), r.GetFieldType(0));
        Assert.Equal(typeof(string), r.GetFieldType(1));
        Assert.Equal(typeof(JsonElement), r.GetFieldType(2));
        Assert.Equal(0, r.Depth);
        Assert.True(r.HasRows);
        Assert.True(r.Read());
        Assert.Equal("x", r["name"]);
        Assert.Equal(1, r[0]);
        Assert.Equal(new[] { 1, 2 }, r.GetFieldValue<int[]>(3));
    }

    [Fact]
    public void A_statement_without_rows_has_no_columns_and_getters_are_InvalidOperation()
    {
        using var c = db.Open();
        using var setup = new SharpgresCommand("CREATE TEMP TABLE d (id int)", c);
        setup.ExecuteNonQuery();
        using var r = Query(c, "DELETE FROM d WHERE false");
        Assert.Equal(0, r.FieldCount);
        Assert.False(r.HasRows);
        Assert.False(r.Read());
        Assert.False(r.NextResult());
        Assert.Throws<InvalidOperationException>(() => r.GetInt32(0));
        Assert.Throws<InvalidOperationException>(() => r.GetName(0));
        Assert.Throws<InvalidOperationException>(() => r.GetFieldType(0));
        Assert.Null(r.GetSchemaTable());
        Assert.Empty(r.GetColumnSchema());
        Assert.Equal(0, r.RecordsAffected);
    }

    [Fact]
    public void Values_read_as_their_default_types_and_typed_getters_without_boxing()
    {
        using var c = db.Open();
        using var r = Query(c, """
            SELECT true, 2::int2, 3::int4, 4::int8, 1.5::float4, 2.5::float8, 12.34::numeric, 'txt'::text, 'a'::char(1),
                   '\x0102'::bytea, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '2024-02-29'::date, '13:14:15'::time,
                   '2024-01-02 03:04:05'::timestamp, '2024-01-02 03:04:05+00'::timestamptz, '1 day 02:00'::interval,
                   '{"a": 1}'::jsonb, '127.0.0.1'::inet, 123456789012345678901234567890::numeric, '[1,5)'::int4range
            """);
        Assert.True(r.Read());
        Assert.True(r.GetBoolean(0));
        Assert.Equal((short)2, r.GetInt16(1));
        Assert.Equal(3, r.GetInt32(2));
        Assert.Equal(4L, r.GetInt64(3));
        Assert.Equal(1.5f, r.GetFloat(4));
        Assert.Equal(2.5, r.GetDouble(5));
        Assert.Equal(12.34m, r.GetDecimal(6));
        Assert.Equal("txt", r.GetString(7));
        Assert.Equal('a', r.GetChar(8));
        Assert.Equal(new byte[] { 1, 2 }, r.GetFieldValue<byte[]>(9));
        Assert.Equal(Guid.Parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), r.GetGuid(10));
        Assert.Equal(new DateOnly(2024, 2, 29), r.GetFieldValue<DateOnly>(11));
        Assert.Equal(new DateTime(2024, 2, 29), r.GetDateTime(11));
        Assert.Equal(new TimeOnly(13, 14, 15), r.GetFieldValue<TimeOnly>(12));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5), r.GetDateTime(13));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), r.GetFieldValue<DateTimeOffset>(14));
        Assert.Equal(TimeSpan.FromHours(26), r.GetFieldValue<TimeSpan>(15));
        Assert.Equal(1, r.GetFieldValue<JsonElement>(16).GetProperty("a").GetInt32());
        Assert.Equal("{\"a\": 1}", r.GetString(16));
        Assert.Equal(IPAddress.Loopback, r.GetFieldValue<IPAddress>(17));
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890"), r.GetFieldValue<BigInteger>(18));
        Assert.Equal(new PgRange<int>(1, 5), r.GetFieldValue<PgRange<int>>(19));
        // GetValue gives what Row gives.
        var row = c.AsSharpgres();
        Assert.IsType<DateOnly>(r.GetValue(11));
        Assert.IsType<DateTimeOffset>(r.GetValue(14));
        Assert.IsType<decimal>(r.GetValue(6));
    }

    [Fact]
    public void NULLs_read_as_nullable_types_DBNull_or_fail_with_InvalidCast()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT NULL::int, NULL::text, 1");
        Assert.True(r.Read());
        Assert.Null(r.GetFieldValue<int?>(0));
        Assert.Same(DBNull.Value, r.GetFieldValue<DBNull>(0));
        Assert.Throws<InvalidCastException>(() => r.GetInt32(0));
        Assert.Throws<InvalidCastException>(() => r.GetString(1));
        Assert.Throws<InvalidCastException>(() => r.GetTextReader(1));
        Assert.Throws<InvalidCastException>(() => r.GetFieldValue<DBNull>(2));
        var values = new object[4];
        Assert.Equal(3, r.GetValues(values));
        Assert.Same(DBNull.Value, values[0]);
        Assert.Equal(1, values[2]);
        Assert.Throws<ArgumentNullException>(() => r.GetValues(null!));
    }

    [Fact]
    public void GetBytes_and_GetChars_follow_ADO_rules()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT '\\x01020304'::bytea, 'abcd'");
        Assert.True(r.Read());
        Assert.Equal(4, r.GetBytes(0, 0, null, 0, 0));
        var buffer = new byte[5];
        Assert.Equal(2, r.GetBytes(0, 1, buffer, 2, 2));
        Assert.Equal(new byte[] { 0, 0, 2, 3, 0 }, buffer);
        Assert.Equal(0, r.GetBytes(0, 6, new byte[4], 0, 4));
        Assert.ThrowsAny<ArgumentException>(() => r.GetBytes(0, 0, new byte[4], 2, 3));
        Assert.ThrowsAny<ArgumentException>(() => r.GetBytes(0, -1, new byte[4], 0, 4));
        Assert.Equal(4, r.GetChars(1, 0, null, 0, 0));
        var chars = new char[5];
        Assert.Equal(2, r.GetChars(1, 1, chars, 2, 2));
        Assert.Equal(new[] { '\0', '\0', 'b', 'c', '\0' }, chars);
        using var stream = r.GetStream(0);
        Assert.Equal(1, stream.ReadByte());
        Assert.Equal("abcd", r.GetTextReader(1).ReadToEnd());
        Assert.Equal("abcd", r.GetFieldValue<TextReader>(1).ReadToEnd());
        Assert.Equal(1, r.GetFieldValue<Stream>(0).ReadByte());
        Assert.Throws<InvalidOperationException>(() => r.GetStream(1));
    }

    [Fact]
    public void GetStream_and_GetTextReader_refuse_other_types()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT 1");
        Assert.True(r.Read());
        Assert.Throws<InvalidOperationException>(() => r.GetStream(0));
        Assert.Throws<InvalidOperationException>(() => r.GetTextReader(0));
    }

    [Fact]
    public async Task Results_walk_with_NextResult_and_HasRows_per_result()
    {
        await using var c = await db.OpenAsync();
        await using var r = await new SharpgresCommand("SELECT 1 WHERE false; SELECT 1; SELECT 2 UNION ALL SELECT 3", c).ExecuteReaderAsync();
        Assert.False(r.HasRows);
        Assert.False(await r.ReadAsync());
        Assert.True(await r.NextResultAsync());
        Assert.True(r.HasRows);
        Assert.True(await r.NextResultAsync());   // the unread row of the second result is skipped
        Assert.True(await r.ReadAsync());
        Assert.Equal(2L, r.GetInt64(0));
        Assert.True(await r.ReadAsync());
        Assert.Equal(3, await r.GetFieldValueAsync<int>(0));
        Assert.False(await r.ReadAsync());
        Assert.False(await r.NextResultAsync());
        Assert.False(await r.NextResultAsync());
    }

    [Fact]
    public void SingleRow_and_SingleResult_stop_after_one()
    {
        using var c = db.Open();
        using (var r = Query(c, "SELECT 1 UNION ALL SELECT 2; SELECT 3", CommandBehavior.SingleRow))
        {
            Assert.True(r.Read());
            Assert.False(r.Read());
            Assert.False(r.NextResult());
        }
        using (var r = Query(c, "SELECT 1; SELECT 2", CommandBehavior.SingleResult))
        {
            Assert.True(r.Read());
            Assert.False(r.NextResult());
        }
        Assert.Equal(5, new SharpgresCommand("SELECT 5", c).ExecuteScalar());
    }

    [Fact]
    public void SchemaOnly_describes_without_running()
    {
        using var c = db.Open();
        new SharpgresCommand("CREATE TEMP TABLE so (id int PRIMARY KEY, name text NOT NULL)", c).ExecuteNonQuery();
        using (var r = Query(c, "SELECT id, name FROM so; INSERT INTO so VALUES (1, 'x')", CommandBehavior.SchemaOnly))
        {
            Assert.Equal(2, r.FieldCount);
            Assert.Equal("name", r.GetName(1));
            Assert.False(r.Read());
        }
        Assert.Equal(0L, new SharpgresCommand("SELECT count(*) FROM so", c).ExecuteScalar());
    }

    [Fact]
    public void GetColumnSchema_and_GetSchemaTable_name_base_columns_nullability_and_keys()
    {
        using var c = db.Open();
        new SharpgresCommand("CREATE TABLE cs (id int PRIMARY KEY, code text UNIQUE, note varchar(20), amount numeric(10,2) NOT NULL)", c).ExecuteNonQuery();
        using var r = Query(c, "SELECT id, code AS c, note, amount, 1 AS one FROM cs", CommandBehavior.KeyInfo);
        var columns = r.GetColumnSchema();
        Assert.Equal(["id", "c", "note", "amount", "one"], columns.Select(x => x.ColumnName));
        Assert.Equal("cs", columns[0].BaseTableName);
        Assert.Equal("code", columns[1].BaseColumnName);
        Assert.Equal("public", columns[1].BaseSchemaName);
        Assert.True(columns[0].IsKey);
        Assert.True(columns[1].IsUnique);
        Assert.False(columns[2].IsKey);
        Assert.False(columns[0].AllowDBNull);
        Assert.True(columns[2].AllowDBNull);
        Assert.Equal(20, columns[2].ColumnSize);
        Assert.Equal((10, 2), (columns[3].NumericPrecision, columns[3].NumericScale));
        Assert.Equal(typeof(int), columns[4].DataType);
        Assert.Equal("int4", columns[4].DataTypeName);
        Assert.Null(columns[4].BaseTableName);
        var table = r.GetSchemaTable()!;
        Assert.Equal(5, table.Rows.Count);
        Assert.Equal("id", table.Rows[0]["ColumnName"]);
        Assert.Equal(true, table.Rows[0]["IsKey"]);
        Assert.Equal("cs", table.Rows[0]["BaseTableName"]);
        Assert.Equal(typeof(int), table.Rows[0]["DataType"]);
    }

    [Fact]
    public void A_later_statements_error_surfaces_when_its_result_is_reached()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT 1; SELECT 1/0");
        Assert.True(r.Read());
        var e = Assert.ThrowsAny<System.Data.Common.DbException>(() => r.NextResult());
        Assert.Equal("22012", e.SqlState);
        r.Close();
        Assert.Equal(1, new SharpgresCommand("SELECT 1", c).ExecuteScalar());
    }

    [Fact]
    public void Closing_a_reader_early_leaves_the_connection_usable()
    {
        using var c = db.Open();
        using (var r = Query(c, "SELECT generate_series(1, 100000)"))
        {
            Assert.True(r.Read());
            Assert.Equal(1, r.GetInt32(0));
        }
        Assert.Equal(2, new SharpgresCommand("SELECT 2", c).ExecuteScalar());
    }

    [Fact]
    public void A_million_rows_stream_through_typed_getters()
    {
        using var c = db.Open();
        using var r = Query(c, "SELECT i, i::text FROM generate_series(1, 100000) i", CommandBehavior.SequentialAccess);
        long sum = 0;
        var n = 0;
        while (r.Read())
        {
            sum += r.GetInt32(0);
            n++;
        }
        Assert.Equal(100000, n);
        Assert.Equal(100000L * 100001 / 2, sum);
    }
}
