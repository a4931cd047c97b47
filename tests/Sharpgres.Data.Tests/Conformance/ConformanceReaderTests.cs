using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>DbDataReader rules the ADO.NET specification suite checks (its data reader area), in our words.</summary>
public sealed class ConformanceReaderTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static readonly CancellationToken Cancelled = new(canceled: true);

    private DbConnection Opened()
    {
        var c = SharpgresFactory.Instance.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        return c;
    }

    private static DbDataReader Reader(DbConnection c, string sql, CommandBehavior behavior = CommandBehavior.Default)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteReader(behavior);
    }

    /// <summary>Every member that reads a column or the row, by name, for the "in the wrong state" rules.</summary>
    public static TheoryData<string> ColumnReaders => new()
    {
        "GetValue", "GetFieldValue<object>", "GetFieldValue<int>", "IsDBNull", "GetBoolean", "GetByte", "GetChar", "GetDateTime",
        "GetDecimal", "GetDouble", "GetFloat", "GetGuid", "GetInt16", "GetInt32", "GetInt64", "GetString", "GetBytes", "GetChars",
        "GetStream", "GetTextReader", "GetValues", "IsDBNullAsync", "GetFieldValueAsync",
    };

    private static object? Call(DbDataReader r, string member) => member switch
    {
        "GetValue" => r.GetValue(0),
        "GetFieldValue<object>" => r.GetFieldValue<object>(0),
        "GetFieldValue<int>" => r.GetFieldValue<int>(0),
        "IsDBNull" => r.IsDBNull(0),
        "GetBoolean" => r.GetBoolean(0),
        "GetByte" => r.GetByte(0),
        "GetChar" => r.GetChar(0),
        "GetDateTime" => r.GetDateTime(0),
        "GetDecimal" => r.GetDecimal(0),
        "GetDouble" => r.GetDouble(0),
        "GetFloat" => r.GetFloat(0),
        "GetGuid" => r.GetGuid(0),
        "GetInt16" => r.GetInt16(0),
        "GetInt32" => r.GetInt32(0),
        "GetInt64" => r.GetInt64(0),
        "GetString" => r.GetString(0),
        "GetBytes" => r.GetBytes(0, 0, new byte[1], 0, 1),
        "GetChars" => r.GetChars(0, 0, new char[1], 0, 1),
        "GetStream" => r.GetStream(0),
        "GetTextReader" => r.GetTextReader(0),
        "GetValues" => r.GetValues(new object[1]),
        "IsDBNullAsync" => r.IsDBNullAsync(0).GetAwaiter().GetResult(),
        _ => r.GetFieldValueAsync<object>(0).GetAwaiter().GetResult(),
    };

    [Theory, MemberData(nameof(ColumnReaders))]
    public void Before_Read_it_is_InvalidOperation(string member)
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT NULL;");
        Assert.Throws<InvalidOperationException>(() => Call(r, member));
    }

    [Theory, MemberData(nameof(ColumnReaders))]
    public void After_the_last_row_it_is_InvalidOperation(string member)
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT NULL;");
        Assert.True(r.Read());
        Assert.False(r.Read());
        Assert.Throws<InvalidOperationException>(() => Call(r, member));
    }

    [Theory, MemberData(nameof(ColumnReaders))]
    public void After_a_statement_without_columns_it_is_InvalidOperation(string member)
    {
        using var c = Opened();
        using (var setup = c.CreateCommand())
        {
            setup.CommandText = "CREATE TEMP TABLE IF NOT EXISTS gone (id int)";
            setup.ExecuteNonQuery();
        }
        using var r = Reader(c, "DELETE FROM gone WHERE 1 = 0");
        Assert.Equal(0, r.FieldCount);
        Assert.False(r.Read());
        Assert.False(r.NextResult());
        Assert.Empty(r.GetColumnSchema());
        Assert.Null(r.GetSchemaTable());
        Assert.Throws<InvalidOperationException>(() => Call(r, member));
        Assert.Throws<InvalidOperationException>(() => r.GetName(0));
        Assert.Throws<InvalidOperationException>(() => r.GetDataTypeName(0));
        Assert.Throws<InvalidOperationException>(() => r.GetFieldType(0));
    }

    public static TheoryData<string> ClosedReaderMembers => new()
    {
        "FieldCount", "GetDataTypeName", "GetFieldType", "GetName", "GetOrdinal", "GetValue", "IsDBNull", "Read", "NextResult",
        "HasRows", "GetValues", "ReadAsync", "NextResultAsync",
    };

    [Theory, MemberData(nameof(ClosedReaderMembers))]
    public void After_Dispose_it_is_InvalidOperation(string member)
    {
        using var c = Opened();
        var r = Reader(c, "SELECT 1 AS x;");
        ((IDisposable)r).Dispose();
        Assert.True(r.IsClosed);
        Assert.Throws<InvalidOperationException>(() => member switch
        {
            "FieldCount" => r.FieldCount,
            "GetDataTypeName" => r.GetDataTypeName(0),
            "GetFieldType" => r.GetFieldType(0),
            "GetName" => r.GetName(0),
            "GetOrdinal" => r.GetOrdinal("x"),
            "GetValue" => r.GetValue(0),
            "IsDBNull" => r.IsDBNull(0),
            "Read" => r.Read(),
            "NextResult" => r.NextResult(),
            "HasRows" => r.HasRows,
            "GetValues" => r.GetValues(new object[1]),
            "ReadAsync" => r.ReadAsync().GetAwaiter().GetResult(),
            _ => (object)r.NextResultAsync().GetAwaiter().GetResult(),
        });
        // Closing again is harmless, and the connection is free for the next command.
        r.Close();
        r.Dispose();
        using var next = c.CreateCommand();
        next.CommandText = "SELECT 2";
        Assert.Equal(2, next.ExecuteScalar());
    }

    [Fact]
    public void The_reader_outlives_its_disposed_command()
    {
        using var c = Opened();
        DbDataReader r;
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT 'test';";
            r = cmd.ExecuteReader();
        }
        using (r)
        {
            Assert.True(r.Read());
            Assert.Equal("test", r.GetString(0));
            Assert.False(r.Read());
        }
    }

    [Fact]
    public void Depth_FieldCount_IsClosed_and_the_enumerator()
    {
        using var c = Opened();
        var r = Reader(c, "SELECT 1;");
        Assert.Equal(0, r.Depth);
        Assert.Equal(1, r.FieldCount);
        Assert.False(r.IsClosed);
        Assert.True(r.Read());
        Assert.NotNull(r.GetEnumerator());
        r.Close();
        Assert.True(r.IsClosed);
    }

    [Fact]
    public void Ordinals_out_of_range_are_IndexOutOfRange()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 1 AS Id;");
        Assert.Throws<IndexOutOfRangeException>(() => r.GetDataTypeName(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetFieldType(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetName(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetName(-1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetOrdinal("Name"));
        Assert.Equal(0, r.GetOrdinal("Id"));
        Assert.Equal("id", r.GetName(0));   // PostgreSQL folds unquoted names to lower case
        Assert.True(r.Read());
        Assert.Throws<IndexOutOfRangeException>(() => r.GetValue(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.IsDBNull(1));
        Assert.Throws<IndexOutOfRangeException>(() => r.GetInt32(1));
    }

    [Fact]
    public void GetFieldValue_DBNull_of_a_value_is_InvalidCast_and_of_NULL_is_DBNull()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 1, NULL;");
        Assert.True(r.Read());
        Assert.Throws<InvalidCastException>(() => r.GetFieldValue<DBNull>(0));
        Assert.Same(DBNull.Value, r.GetFieldValue<DBNull>(1));
        Assert.True(r.IsDBNull(1));
        Assert.False(r.IsDBNull(0));
    }

    [Fact]
    public async Task Cancelled_tokens_give_cancelled_tasks_for_column_reads()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 1;");
        r.Read();
        var value = r.GetFieldValueAsync<int>(0, Cancelled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => value);
        Assert.True(value.IsCanceled);
        var isNull = r.IsDBNullAsync(0, Cancelled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => isNull);
        Assert.True(isNull.IsCanceled);
        var read = r.ReadAsync(Cancelled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.True(read.IsCanceled);
        Assert.Equal(1, r.GetInt32(0));
    }

    [Fact]
    public void GetFieldType_GetName_GetDataTypeName_and_the_column_schema()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 'test' AS s, 1 AS id;");
        Assert.Equal(typeof(string), r.GetFieldType(0));
        Assert.Equal(typeof(int), r.GetFieldType(1));
        Assert.Equal("text", r.GetDataTypeName(0));
        var columns = r.GetColumnSchema();
        Assert.Equal(new[] { "s", "id" }, columns.Select(x => x.ColumnName));
        Assert.Equal(typeof(int), columns[1].DataType);
        Assert.Equal("int4", columns[1].DataTypeName);
    }

    [Theory]
    [InlineData("Ä")]
    [InlineData("Ḁ")]
    [InlineData("😀")]
    [InlineData("test")]
    public void Text_of_every_UTF8_length_reads_back_through_each_getter(string text)
    {
        using var c = Opened();
        using var r = Reader(c, $"SELECT '{text}';");
        Assert.True(r.Read());
        Assert.Equal(text, r.GetString(0));
        Assert.Equal(text, r.GetFieldValue<string>(0));
        Assert.Equal(text, r.GetValue(0) as string);
        Assert.Equal(text, r[0]);
    }

    [Fact]
    public void Item_by_name_and_GetValues_narrow_wide_and_null()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 'a' AS Id, NULL;");
        Assert.True(r.Read());
        Assert.Equal("a", r["Id"]);
        Assert.Equal("a", r["id"]);
        var wide = new object[3];
        Assert.Equal(2, r.GetValues(wide));
        Assert.Equal("a", wide[0]);
        Assert.Same(DBNull.Value, wide[1]);
        Assert.Null(wide[2]);
        Assert.Equal(0, r.GetValues([]));
        var narrow = new object[1];
        Assert.Equal(1, r.GetValues(narrow));
        Assert.Equal("a", narrow[0]);
        Assert.Throws<ArgumentNullException>(() => r.GetValues(null!));
    }

    [Fact]
    public void HasRows_per_result_even_before_Read_and_after_the_rows()
    {
        using var c = Opened();
        using (var r = Reader(c, "SELECT 1;")) Assert.True(r.HasRows);
        using (var r = Reader(c, "SELECT 1 WHERE 0 = 1;")) Assert.False(r.HasRows);
        using (var r = Reader(c, "SELECT 1 WHERE 0 = 1;SELECT 1;"))
        {
            Assert.False(r.HasRows);
            Assert.True(r.NextResult());
            Assert.True(r.HasRows);
            Assert.True(r.Read());
            Assert.False(r.Read());
            Assert.True(r.HasRows);
        }
    }

    [Fact]
    public void Read_and_NextResult_walk_rows_and_results_and_keep_returning_false()
    {
        using var c = Opened();
        using (var r = Reader(c, "SELECT 1 UNION SELECT 2 ORDER BY 1; SELECT 3"))
        {
            Assert.True(r.Read());
            Assert.Equal(1L, r.GetInt64(0));
            Assert.True(r.Read());
            Assert.Equal(2L, r.GetInt64(0));
            Assert.False(r.Read());
            Assert.True(r.NextResult());
            Assert.True(r.Read());
            Assert.Equal(3L, r.GetInt64(0));
            Assert.False(r.NextResult());
            Assert.False(r.NextResult());
            Assert.False(r.Read());
            Assert.False(r.Read());
        }
        using (var r = Reader(c, "SELECT ''::varchar;"))
        {
            Assert.True(r.Read());
            Assert.False(r.Read());
            Assert.False(r.Read());
        }
    }

    [Theory]
    [InlineData(CommandBehavior.SingleRow, "SELECT 1 UNION SELECT 2 ORDER BY 1;")]
    [InlineData(CommandBehavior.SingleRow, "SELECT 1; SELECT 2; SELECT 3;")]
    [InlineData(CommandBehavior.SingleResult, "SELECT 1; SELECT 2; SELECT 3;")]
    public void SingleRow_and_SingleResult_stop_after_the_first_row_or_result(CommandBehavior behavior, string sql)
    {
        using var c = Opened();
        using (var r = Reader(c, sql, behavior))
        {
            Assert.True(r.Read());
            Assert.Equal(1L, Convert.ToInt64(r.GetValue(0)));
            Assert.False(r.Read());
            Assert.False(r.NextResult());
        }
        using var next = c.CreateCommand();
        next.CommandText = "SELECT 9";
        Assert.Equal(9, next.ExecuteScalar());
    }

    private DbDataReader Bytes(DbConnection c, params byte[] value) =>
        Reader(c, "SELECT E'" + string.Concat(value.Select(b => $"\\x{b:X2}")) + "'::bytea");

    [Fact]
    public void GetBytes_copies_ranges_and_a_null_buffer_gives_the_length()
    {
        using var c = Opened();
        using (var r = Bytes(c, 0x7E, 0x57))
        {
            Assert.True(r.Read());
            var two = new byte[2];
            Assert.Equal(2, r.GetBytes(0, 0, two, 0, 2));
            Assert.Equal(new byte[] { 0x7E, 0x57 }, two);
        }
        using var reader = Bytes(c, 1, 2, 3, 4);
        Assert.True(reader.Read());
        Assert.Equal(4, reader.GetBytes(0, 0, null, 0, 0));
        Assert.Equal(0, reader.GetBytes(0, 6, new byte[4], 0, 4));
        Assert.Equal(0, reader.GetBytes(0, 0, new byte[4], 4, 0));
        var large = new byte[6];
        Assert.Equal(4, reader.GetBytes(0, 0, large, 0, 6));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 0, 0 }, large);
        var part = new byte[5];
        Assert.Equal(2, reader.GetBytes(0, 1, part, 2, 2));
        Assert.Equal(new byte[] { 0, 0, 2, 3, 0 }, part);
    }

    [Fact]
    public void GetBytes_and_GetChars_refuse_bad_offsets()
    {
        using var c = Opened();
        using (var r = Bytes(c, 1, 2, 3, 4))
        {
            Assert.True(r.Read());
            Assert.Throws<ArgumentOutOfRangeException>(() => r.GetBytes(0, -1, new byte[4], 0, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => r.GetBytes(0, 0, new byte[4], -1, 4));
            Assert.Throws<ArgumentOutOfRangeException>(() => r.GetBytes(0, 0, new byte[4], 5, 0));
            Assert.ThrowsAny<ArgumentException>(() => r.GetBytes(0, 0, new byte[4], 2, 3));
        }
        using var t = Reader(c, "SELECT 'abcd';");
        Assert.True(t.Read());
        Assert.Throws<ArgumentOutOfRangeException>(() => t.GetChars(0, -1, new char[4], 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.GetChars(0, 0, new char[4], -1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.GetChars(0, 0, new char[4], 5, 0));
        Assert.ThrowsAny<ArgumentException>(() => t.GetChars(0, 0, new char[4], 2, 3));
    }

    [Fact]
    public void GetChars_copies_ranges_and_a_null_buffer_gives_the_length()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT 'abcd';");
        Assert.True(r.Read());
        var four = new char[4];
        Assert.Equal(4, r.GetChars(0, 0, four, 0, 4));
        Assert.Equal("abcd".ToCharArray(), four);
        Assert.Equal(4, r.GetChars(0, 0, null, 0, 0));
        Assert.Equal(0, r.GetChars(0, 6, new char[4], 0, 4));
        Assert.Equal(0, r.GetChars(0, 0, new char[4], 4, 0));
        var large = new char[6];
        Assert.Equal(4, r.GetChars(0, 0, large, 0, 6));
        Assert.Equal(new[] { 'a', 'b', 'c', 'd', '\0', '\0' }, large);
        var part = new char[5];
        Assert.Equal(2, r.GetChars(0, 1, part, 2, 2));
        Assert.Equal(new[] { '\0', '\0', 'b', 'c', '\0' }, part);
    }

    [Fact]
    public async Task TextReader_and_Stream_of_values_sync_and_async()
    {
        using var c = Opened();
        using (var r = Reader(c, "SELECT '1'::varchar, ''::varchar, E'\\x11'::bytea"))
        {
            Assert.True(r.Read());
            Assert.Equal("1", r.GetTextReader(0).ReadToEnd());
            Assert.Equal("", r.GetTextReader(1).ReadToEnd());
            using (var tr = r.GetFieldValue<TextReader>(0)) Assert.Equal("1", tr.ReadToEnd());
            using (var tr = await r.GetFieldValueAsync<TextReader>(0)) Assert.Equal("1", tr.ReadToEnd());
            using (var s = r.GetFieldValue<Stream>(2)) Assert.Equal(0x11, s.ReadByte());
            using (var s = await r.GetFieldValueAsync<Stream>(2)) Assert.Equal(0x11, s.ReadByte());
            using (var s = r.GetStream(2)) Assert.Equal(0x11, s.ReadByte());
        }
    }

    [Fact]
    public async Task TextReader_and_Stream_of_NULL_are_InvalidCast()
    {
        using var c = Opened();
        using var r = Reader(c, "SELECT NULL::varchar, NULL::bytea");
        Assert.True(r.Read());
        Assert.Throws<InvalidCastException>(() => r.GetTextReader(0));
        Assert.Throws<InvalidCastException>(() => r.GetFieldValue<TextReader>(0));
        await Assert.ThrowsAsync<InvalidCastException>(() => r.GetFieldValueAsync<TextReader>(0));
        Assert.Throws<InvalidCastException>(() => r.GetStream(1));
        Assert.Throws<InvalidCastException>(() => r.GetFieldValue<Stream>(1));
        await Assert.ThrowsAsync<InvalidCastException>(() => r.GetFieldValueAsync<Stream>(1));
    }

    [Fact]
    public void GetStream_of_a_non_binary_and_GetTextReader_of_a_non_text_column_are_InvalidOperation()
    {
        using var c = Opened();
        using (var r = Reader(c, "SELECT 1"))
        {
            Assert.Throws<InvalidOperationException>(() => r.GetStream(0));
            Assert.Throws<InvalidOperationException>(() => r.GetTextReader(0));
        }
        using (var r = Reader(c, "SELECT 1"))
        {
            Assert.True(r.Read());
            Assert.Throws<InvalidOperationException>(() => r.GetStream(0));
            Assert.Throws<InvalidOperationException>(() => r.GetTextReader(0));
        }
    }

    [Fact]
    public void RecordsAffected_sums_the_changes_and_is_minus_one_for_only_SELECTs()
    {
        using var c = Opened();
        using (var r = Reader(c, "SELECT 1"))
        {
            while (r.Read()) { }
            r.Close();
            Assert.Equal(-1, r.RecordsAffected);
        }
        using (var r = Reader(c, "CREATE TEMP TABLE ra (x int); INSERT INTO ra VALUES (1), (2); SELECT * FROM ra; UPDATE ra SET x = 3"))
        {
            while (r.NextResult()) { }
            r.Close();
            Assert.Equal(4, r.RecordsAffected);
        }
    }
}
