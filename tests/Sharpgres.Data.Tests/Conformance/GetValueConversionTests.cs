using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>
/// A table with one column per ADO.NET DbType PostgreSQL has a natural type for and one row per kind of value
/// (NULL, empty, zero, one, minimum, maximum), as the ADO.NET specification suite's select-value fixture does for
/// PostgreSQL. The values are the ones its ValueKind documentation names.
/// </summary>
public sealed class SelectValueTable : IDisposable
{
    public SelectValueTable()
    {
        Db = new AdoFixture();
        Db.Execute("""
            CREATE TABLE select_value (
                id int PRIMARY KEY, "Binary" bytea, "Boolean" boolean, "Date" date, "DateTime" timestamp,
                "DateTimeOffset" timestamptz, "Decimal" numeric(57,28), "Double" float8, "Guid" uuid, "Int16" int2,
                "Int32" int4, "Int64" int8, "Single" float4, "String" varchar, "Time" time);
            INSERT INTO select_value VALUES
            (0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (1, '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL),
            (2, '\x00', false, NULL, NULL, NULL, 0, 0, '00000000-0000-0000-0000-000000000000', 0, 0, 0, 0, '0', '00:00:00'),
            (3, '\x11', true, '1111-11-11', '1111-11-11 11:11:11.111', '1111-11-11 11:11:11.111+11:11', 1, 1,
                '11111111-1111-1111-1111-111111111111', 1, 1, 1, 1, '1', '11:11:11.111'),
            (4, NULL, false, '0001-01-01', '0001-01-01', '0001-01-01 00:00:00+00', 0.000000000000001, 2.23e-308,
                '33221100-5544-7766-9988-aabbccddeeff', -32768, -2147483648, -9223372036854775808, 1.18e-38, NULL, '00:00:00'),
            (5, NULL, true, '9999-12-31', '9999-12-31 23:59:59.999', '9999-12-31 23:59:59.999+14:00', 99999999999999999999.999999999999999,
                1.79e308, 'ccddeeff-aabb-8899-7766-554433221100', 32767, 2147483647, 9223372036854775807, 3.40e38, NULL, '23:59:59.999');
            """);
    }

    public AdoFixture Db { get; }

    public void Dispose() => Db.Dispose();
}

public enum Kind { Null, Empty, Zero, One, Minimum, Maximum }

/// <summary>
/// GetX / GetFieldValue&lt;T&gt; (sync and async) of each column and kind: which reads give which value and which
/// raise InvalidCastException (a type that doesn't fit the column, or NULL) or OverflowException (an integer that
/// doesn't fit the narrower type asked for) — PostgreSQL's rules as Npgsql applies them.
/// </summary>
public sealed class GetValueConversionTests(SelectValueTable table) : IClassFixture<SelectValueTable>
{
    private static readonly DateTimeOffset OneOffset = new(1111, 11, 11, 11, 11, 11, 111, new TimeSpan(11, 11, 0));
    private static readonly DateTimeOffset MaxOffset = new(9999, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(14));

    private T Read<T>(string column, Kind kind, Func<DbDataReader, T> read)
    {
        using var c = table.Db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT \"{column}\" FROM select_value WHERE id = {(int)kind}";
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        return read(r);
    }

    /// <summary>Reads that give a value: (column, kind, getter, expected).</summary>
    public static TheoryData<string, Kind, string, object> Values => new()
    {
        { "Boolean", Kind.Zero, "Boolean", false }, { "Boolean", Kind.One, "Boolean", true }, { "Boolean", Kind.Maximum, "Boolean", true },
        { "Int16", Kind.Zero, "Int16", (short)0 }, { "Int16", Kind.Minimum, "Int16", short.MinValue }, { "Int16", Kind.Maximum, "Int16", short.MaxValue },
        { "Int16", Kind.Minimum, "Int32", (int)short.MinValue }, { "Int16", Kind.Maximum, "Int64", (long)short.MaxValue },
        { "Int16", Kind.Maximum, "Decimal", 32767m }, { "Int16", Kind.Minimum, "Double", -32768d }, { "Int16", Kind.One, "Single", 1f },
        { "Int16", Kind.One, "Byte", (byte)1 }, { "Int16", Kind.Zero, "Byte", (byte)0 },
        { "Int32", Kind.One, "Int16", (short)1 }, { "Int32", Kind.Zero, "Int16", (short)0 },
        { "Int32", Kind.Minimum, "Int32", int.MinValue }, { "Int32", Kind.Maximum, "Int32", int.MaxValue },
        { "Int32", Kind.Maximum, "Int64", (long)int.MaxValue }, { "Int32", Kind.Minimum, "Decimal", -2147483648m },
        { "Int64", Kind.Minimum, "Int64", long.MinValue }, { "Int64", Kind.Maximum, "Int64", long.MaxValue },
        { "Int64", Kind.One, "Int32", 1 }, { "Int64", Kind.One, "Int16", (short)1 }, { "Int64", Kind.Maximum, "Decimal", 9223372036854775807m },
        { "Single", Kind.One, "Single", 1f }, { "Single", Kind.Maximum, "Single", 3.40e38f }, { "Single", Kind.Minimum, "Single", 1.18e-38f },
        { "Single", Kind.One, "Double", 1d },
        { "Double", Kind.One, "Double", 1d }, { "Double", Kind.Minimum, "Double", 2.23e-308 }, { "Double", Kind.Maximum, "Double", 1.79e308 },
        { "Double", Kind.Zero, "Decimal", 0m },
        { "Decimal", Kind.One, "Decimal", 1m }, { "Decimal", Kind.Zero, "Decimal", 0m }, { "Decimal", Kind.Minimum, "Decimal", 0.000000000000001m },
        { "Decimal", Kind.One, "Double", 1d }, { "Decimal", Kind.One, "Int32", 1 }, { "Decimal", Kind.One, "Int64", 1L }, { "Decimal", Kind.One, "Int16", (short)1 },
        { "String", Kind.Empty, "String", "" }, { "String", Kind.Zero, "String", "0" }, { "String", Kind.One, "String", "1" }, { "String", Kind.One, "Char", '1' },
        { "Guid", Kind.Zero, "Guid", Guid.Empty }, { "Guid", Kind.One, "Guid", new Guid("11111111-1111-1111-1111-111111111111") },
        { "Guid", Kind.Minimum, "Guid", new Guid("33221100-5544-7766-9988-aabbccddeeff") }, { "Guid", Kind.Maximum, "Guid", new Guid("ccddeeff-aabb-8899-7766-554433221100") },
        { "Date", Kind.One, "DateTime", new DateTime(1111, 11, 11) }, { "Date", Kind.Minimum, "DateTime", DateTime.MinValue.Date },
        { "Date", Kind.Maximum, "DateTime", new DateTime(9999, 12, 31) }, { "Date", Kind.One, "DateOnly", new DateOnly(1111, 11, 11) },
        { "DateTime", Kind.One, "DateTime", new DateTime(1111, 11, 11, 11, 11, 11, 111) }, { "DateTime", Kind.Minimum, "DateTime", DateTime.MinValue },
        { "DateTime", Kind.Maximum, "DateTime", new DateTime(9999, 12, 31, 23, 59, 59, 999) },
        { "DateTimeOffset", Kind.One, "DateTimeOffset", OneOffset }, { "DateTimeOffset", Kind.Maximum, "DateTimeOffset", MaxOffset },
        { "DateTimeOffset", Kind.One, "DateTime", OneOffset.UtcDateTime }, { "DateTimeOffset", Kind.Minimum, "DateTime", DateTime.MinValue },
        { "Time", Kind.Zero, "TimeSpan", TimeSpan.Zero }, { "Time", Kind.One, "TimeSpan", new TimeSpan(0, 11, 11, 11, 111) },
        { "Time", Kind.Maximum, "TimeSpan", new TimeSpan(0, 23, 59, 59, 999) }, { "Time", Kind.One, "TimeOnly", new TimeOnly(11, 11, 11, 111) },
        { "Binary", Kind.Empty, "Bytes", Array.Empty<byte>() }, { "Binary", Kind.Zero, "Bytes", new byte[] { 0 } }, { "Binary", Kind.One, "Bytes", new byte[] { 0x11 } },
    };

    /// <summary>Reads that raise: (column, kind, getter, exception type).</summary>
    public static TheoryData<string, Kind, string, Type> Failures
    {
        get
        {
            var data = new TheoryData<string, Kind, string, Type>
            {
                // Integers that don't fit the narrower type are OverflowException, as Npgsql (checked conversions).
                { "Int16", Kind.Minimum, "Byte", typeof(OverflowException) }, { "Int16", Kind.Maximum, "Byte", typeof(OverflowException) },
                { "Int32", Kind.Minimum, "Int16", typeof(OverflowException) }, { "Int32", Kind.Maximum, "Int16", typeof(OverflowException) },
                { "Int64", Kind.Minimum, "Int32", typeof(OverflowException) }, { "Int64", Kind.Maximum, "Int32", typeof(OverflowException) },
                { "Int64", Kind.Maximum, "Int16", typeof(OverflowException) },
                // A different kind of value is InvalidCastException, whatever the value.
                { "Int32", Kind.One, "Boolean", typeof(InvalidCastException) }, { "Int32", Kind.Zero, "Boolean", typeof(InvalidCastException) },
                { "Decimal", Kind.One, "Boolean", typeof(InvalidCastException) }, { "String", Kind.One, "Boolean", typeof(InvalidCastException) },
                { "Binary", Kind.One, "Boolean", typeof(InvalidCastException) },
                { "Int32", Kind.One, "String", typeof(InvalidCastException) }, { "Boolean", Kind.One, "String", typeof(InvalidCastException) },
                { "Guid", Kind.One, "String", typeof(InvalidCastException) }, { "Date", Kind.One, "String", typeof(InvalidCastException) },
                { "Decimal", Kind.One, "String", typeof(InvalidCastException) }, { "Binary", Kind.One, "String", typeof(InvalidCastException) },
                { "String", Kind.One, "Int32", typeof(InvalidCastException) }, { "String", Kind.Zero, "Int16", typeof(InvalidCastException) },
                { "String", Kind.One, "Decimal", typeof(InvalidCastException) }, { "String", Kind.One, "Double", typeof(InvalidCastException) },
                { "Boolean", Kind.One, "Int32", typeof(InvalidCastException) }, { "Boolean", Kind.One, "Byte", typeof(InvalidCastException) },
                { "Binary", Kind.One, "Byte", typeof(InvalidCastException) }, { "Guid", Kind.One, "Int64", typeof(InvalidCastException) },
                { "Double", Kind.One, "Int32", typeof(InvalidCastException) }, { "Single", Kind.One, "Int64", typeof(InvalidCastException) },
                { "String", Kind.One, "Guid", typeof(InvalidCastException) }, { "Binary", Kind.One, "Guid", typeof(InvalidCastException) },
                { "String", Kind.One, "DateTime", typeof(InvalidCastException) }, { "Int64", Kind.One, "DateTime", typeof(InvalidCastException) },
                { "Time", Kind.One, "DateTime", typeof(InvalidCastException) }, { "Date", Kind.One, "TimeSpan", typeof(InvalidCastException) },
                { "Int32", Kind.One, "Char", typeof(InvalidCastException) }, { "String", Kind.Empty, "Char", typeof(InvalidCastException) },
                { "Int32", Kind.One, "Bytes", typeof(InvalidCastException) }, { "String", Kind.One, "Bytes", typeof(InvalidCastException) },
                { "Boolean", Kind.One, "Decimal", typeof(InvalidCastException) }, { "Date", Kind.One, "Int32", typeof(InvalidCastException) },
            };
            // NULL read as a non-nullable type is InvalidCastException for every column.
            foreach (var column in new[] { "Binary", "Boolean", "Date", "DateTime", "DateTimeOffset", "Decimal", "Double", "Guid", "Int16", "Int32", "Int64", "Single", "String", "Time" })
                foreach (var getter in new[] { "Boolean", "Int32", "String", "DateTime", "Bytes" })
                    data.Add(column, Kind.Null, getter, typeof(InvalidCastException));
            return data;
        }
    }

    private static object Get(DbDataReader r, string getter) => getter switch
    {
        "Boolean" => r.GetBoolean(0),
        "Byte" => r.GetByte(0),
        "Char" => r.GetChar(0),
        "Int16" => r.GetInt16(0),
        "Int32" => r.GetInt32(0),
        "Int64" => r.GetInt64(0),
        "Single" => r.GetFloat(0),
        "Double" => r.GetDouble(0),
        "Decimal" => r.GetDecimal(0),
        "String" => r.GetString(0),
        "Guid" => r.GetGuid(0),
        "DateTime" => r.GetDateTime(0),
        "Bytes" => r.GetFieldValue<byte[]>(0),
        _ => FieldValue(r, getter, async: false),
    };

    /// <summary>The same read through GetFieldValue&lt;T&gt; (or its async form), which must agree with GetX.</summary>
    private static object FieldValue(DbDataReader r, string getter, bool async) => getter switch
    {
        "Boolean" => Value<bool>(r, async),
        "Byte" => Value<byte>(r, async),
        "Char" => Value<char>(r, async),
        "Int16" => Value<short>(r, async),
        "Int32" => Value<int>(r, async),
        "Int64" => Value<long>(r, async),
        "Single" => Value<float>(r, async),
        "Double" => Value<double>(r, async),
        "Decimal" => Value<decimal>(r, async),
        "String" => Value<string>(r, async),
        "Guid" => Value<Guid>(r, async),
        "DateTime" => Value<DateTime>(r, async),
        "DateOnly" => Value<DateOnly>(r, async),
        "DateTimeOffset" => Value<DateTimeOffset>(r, async),
        "TimeSpan" => Value<TimeSpan>(r, async),
        "TimeOnly" => Value<TimeOnly>(r, async),
        "Bytes" => Value<byte[]>(r, async),
        _ => throw new ArgumentException(getter),
    };

    private static object Value<T>(DbDataReader r, bool async) =>
        (async ? r.GetFieldValueAsync<T>(0).GetAwaiter().GetResult() : r.GetFieldValue<T>(0))!;

    [Theory, MemberData(nameof(Values))]
    public void GetX_GetFieldValue_and_GetFieldValueAsync_give_the_value(string column, Kind kind, string getter, object expected)
    {
        Assert.Equal(expected, Read(column, kind, r => Get(r, getter)));
        Assert.Equal(expected, Read(column, kind, r => FieldValue(r, getter, async: false)));
        Assert.Equal(expected, Read(column, kind, r => FieldValue(r, getter, async: true)));
    }

    [Theory, MemberData(nameof(Failures))]
    public void GetX_GetFieldValue_and_GetFieldValueAsync_raise(string column, Kind kind, string getter, Type exception)
    {
        Read(column, kind, r =>
        {
            Assert.Throws(exception, () => Get(r, getter));
            Assert.Throws(exception, () => FieldValue(r, getter, async: false));
            Assert.Throws(exception, () => FieldValue(r, getter, async: true));
            // A failed read changes nothing: the row is still readable.
            Assert.Equal(kind == Kind.Null, r.IsDBNull(0));
            return 0;
        });
    }

    [Theory]
    [InlineData("Binary", typeof(byte[]), "bytea")]
    [InlineData("Boolean", typeof(bool), "bool")]
    [InlineData("Date", typeof(DateOnly), "date")]
    [InlineData("DateTime", typeof(DateTime), "timestamp")]
    [InlineData("DateTimeOffset", typeof(DateTimeOffset), "timestamptz")]
    [InlineData("Decimal", typeof(decimal), "numeric")]
    [InlineData("Double", typeof(double), "float8")]
    [InlineData("Guid", typeof(Guid), "uuid")]
    [InlineData("Int16", typeof(short), "int2")]
    [InlineData("Int32", typeof(int), "int4")]
    [InlineData("Int64", typeof(long), "int8")]
    [InlineData("Single", typeof(float), "float4")]
    [InlineData("String", typeof(string), "varchar")]
    [InlineData("Time", typeof(TimeOnly), "time")]
    public void GetFieldType_is_the_type_GetValue_returns_and_NULL_is_DBNull(string column, Type type, string pgType)
    {
        Read(column, Kind.One, r =>
        {
            Assert.Equal(type, r.GetFieldType(0));
            Assert.Equal(pgType, r.GetDataTypeName(0));
            if (column != "Binary" && column != "String") Assert.IsType(type, r.GetValue(0));
            return 0;
        });
        Read(column, Kind.Null, r =>
        {
            Assert.Equal(type, r.GetFieldType(0));
            Assert.True(r.IsDBNull(0));
            Assert.Same(DBNull.Value, r.GetValue(0));
            Assert.Same(DBNull.Value, r.GetFieldValue<object>(0));
            Assert.Same(DBNull.Value, r.GetFieldValue<DBNull>(0));
            Assert.Null(r.GetFieldValue<int?>(0));
            Assert.Throws<InvalidCastException>(() => r.GetFieldValue<string>(0));
            return 0;
        });
    }

    [Fact]
    public void Nullable_reads_of_values_give_the_value()
    {
        Assert.Equal((short)1, Read("Int16", Kind.One, r => r.GetFieldValue<short?>(0)));
        Assert.Equal(1L, Read("Int32", Kind.One, r => r.GetFieldValue<long?>(0)));
        Assert.Equal(new DateTime(1111, 11, 11), Read("Date", Kind.One, r => r.GetFieldValue<DateTime?>(0)));
        Assert.Throws<OverflowException>(() => Read("Int32", Kind.Maximum, r => r.GetFieldValue<short?>(0)));
        Assert.Throws<InvalidCastException>(() => Read("String", Kind.One, r => r.GetFieldValue<int?>(0)));
    }

    [Fact]
    public void The_maximum_numeric_rounds_to_decimal_precision()
    {
        // 99999999999999999999.999999999999999 has 35 significant digits, System.Decimal 28-29: it rounds (the
        // integer part fits), as a double too.
        Assert.Equal(100000000000000000000m, Read("Decimal", Kind.Maximum, r => r.GetDecimal(0)));
        Assert.Equal(1e20, Read("Decimal", Kind.Maximum, r => r.GetDouble(0)));
    }

    [Fact]
    public void Only_infinite_dates_read_as_DateTime_MaxValue_and_MinValue()
    {
        using var c = table.Db.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 'infinity'::date, '-infinity'::date, '9999-12-31'::date";
        for (var run = 0; run < 2; run++)   // the first run gets text results, the second binary
        {
            using var r = cmd.ExecuteReader();
            Assert.True(r.Read());
            Assert.Equal(DateTime.MaxValue, r.GetDateTime(0));
            Assert.Equal(DateTime.MinValue, r.GetDateTime(1));
            Assert.Equal(new DateTime(9999, 12, 31), r.GetDateTime(2));
        }
    }
}
