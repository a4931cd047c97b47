using Sharpgres.Types;
using System.Data;
using System.Net;
using System.Numerics;
using System.Text.Json;

namespace Sharpgres.Data.Tests;

/// <summary>DbParameter: DbType and DataTypeName both ways, NULLs, Size/Scale, the CLR types of docs/types.md.</summary>
public sealed class ParameterTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static object? Scalar(SharpgresConnection c, string sql, params SharpgresParameter[] ps)
    {
        using var cmd = new SharpgresCommand(sql, c);
        foreach (var p in ps) cmd.Parameters.Add(p);
        return cmd.ExecuteScalar();
    }

    [Theory]
    [InlineData(DbType.Int16, "smallint")]
    [InlineData(DbType.Int32, "integer")]
    [InlineData(DbType.Int64, "bigint")]
    [InlineData(DbType.Decimal, "numeric")]
    [InlineData(DbType.Double, "double precision")]
    [InlineData(DbType.Single, "real")]
    [InlineData(DbType.Boolean, "boolean")]
    [InlineData(DbType.Date, "date")]
    [InlineData(DbType.DateTime2, "timestamp without time zone")]
    [InlineData(DbType.DateTimeOffset, "timestamp with time zone")]
    [InlineData(DbType.Guid, "uuid")]
    [InlineData(DbType.Binary, "bytea")]
    public void An_explicit_DbType_sends_the_PostgreSQL_type(DbType dbType, string expected)
    {
        using var c = db.Open();
        object value = dbType switch
        {
            DbType.Boolean => true,
            DbType.Date => new DateTime(2024, 1, 2),
            DbType.DateTime2 => new DateTime(2024, 1, 2, 3, 4, 5),
            DbType.DateTimeOffset => new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            DbType.Guid => Guid.NewGuid(),
            DbType.Binary => new byte[] { 1 },
            _ => 5,
        };
        var p = new SharpgresParameter("p", dbType) { Value = value };
        Assert.Equal(expected, Scalar(c, "SELECT pg_typeof(@p)::text", p));
        Assert.Equal(dbType, p.DbType);
    }

    [Fact]
    public void DbType_is_inferred_from_the_value_and_DataTypeName_from_DbType()
    {
        Assert.Equal(DbType.Int32, new SharpgresParameter("a", 1).DbType);
        Assert.Equal(DbType.String, new SharpgresParameter("a", "x").DbType);
        Assert.Equal(DbType.Guid, new SharpgresParameter("a", Guid.Empty).DbType);
        Assert.Equal(DbType.String, new SharpgresParameter("a", null).DbType);   // ADO.NET's default without a value (Npgsql says Object)
        Assert.Equal("bigint", new SharpgresParameter("a", DbType.Int64).DataTypeName);
        var p = new SharpgresParameter { DataTypeName = "jsonb" };
        Assert.Equal(DbType.String, p.DbType);
        p.ResetDbType();
        Assert.Null(p.DataTypeName);
        Assert.Equal(ParameterDirection.Input, p.Direction);
    }

    [Fact]
    public void DataTypeName_forces_any_type_including_arrays_and_user_types()
    {
        using var c = db.Open();
        new SharpgresCommand("DROP TYPE IF EXISTS mood; CREATE TYPE mood AS ENUM ('sad', 'happy')", c).ExecuteNonQuery();
        Assert.Equal("jsonb", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", "{\"a\": 1}") { DataTypeName = "jsonb" }));
        Assert.Equal("integer[]", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", new[] { 1, 2 }) { DataTypeName = "int4[]" }));
        Assert.Equal("bigint", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", 5) { DataTypeName = "int8" }));
        Assert.Equal("mood", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", "happy") { DataTypeName = "mood" }));
        Assert.Equal("text", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", 12) { DataTypeName = "text" }));
    }

    [Fact]
    public void A_string_goes_into_a_jsonb_column_even_with_DbType_String()
    {
        using var c = db.Open();
        new SharpgresCommand("CREATE TEMP TABLE j (doc jsonb)", c).ExecuteNonQuery();
        using var cmd = new SharpgresCommand("INSERT INTO j VALUES (@doc)", c);
        cmd.Parameters.Add(new SharpgresParameter("doc", DbType.String) { Value = "{\"k\": [1, 2]}" });
        Assert.Equal(1, cmd.ExecuteNonQuery());
        Assert.Equal("[1, 2]", Scalar(c, "SELECT doc->>'k' FROM j"));
    }

    [Fact]
    public void Null_and_DBNull_send_NULL_keeping_a_forced_type()
    {
        using var c = db.Open();
        Assert.Equal(true, Scalar(c, "SELECT @p::text IS NULL", new SharpgresParameter("p", null)));
        Assert.Equal(true, Scalar(c, "SELECT @p::int IS NULL", new SharpgresParameter("p", DBNull.Value)));
        Assert.Equal("integer", Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", DbType.Int32) { Value = DBNull.Value }));
    }

    [Fact]
    public void Size_truncates_strings_and_Scale_rounds_decimals()
    {
        using var c = db.Open();
        Assert.Equal("abc", Scalar(c, "SELECT @p::text", new SharpgresParameter("p", "abcdef") { Size = 3 }));
        Assert.Equal(1.24m, Scalar(c, "SELECT @p::numeric", new SharpgresParameter("p", 1.2351m) { Scale = 2, Precision = 10 }));
    }

    public static TheoryData<object, string> ClrValues => new()
    {
        { new DateOnly(2024, 3, 4), "date" },
        { new TimeOnly(5, 6, 7), "time without time zone" },
        { new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "timestamp with time zone" },
        { new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), "timestamp with time zone" },
        { new DateTime(2024, 1, 1), "timestamp without time zone" },
        { JsonDocument.Parse("{\"a\":1}").RootElement, "jsonb" },
        { new[] { 1L, 2L }, "bigint[]" },
        { new PgRange<int>(1, 3), "int4range" },
        { Guid.NewGuid(), "uuid" },
        { BigInteger.Parse("99999999999999999999"), "numeric" },
        { IPAddress.Parse("10.0.0.1"), "inet" },
        { TimeSpan.FromMinutes(3), "interval" },
        { 1.5m, "numeric" },
        { (short)1, "smallint" },
        { true, "boolean" },
    };

    [Theory]
    [MemberData(nameof(ClrValues))]
    public void Every_clr_type_of_the_type_map_is_accepted(object value, string pgType)
    {
        using var c = db.Open();
        Assert.Equal(pgType, Scalar(c, "SELECT pg_typeof(@p)::text", new SharpgresParameter("p", value)));
        // And it comes back as the value sent (JSON compared as text).
        var back = Scalar(c, "SELECT @p", new SharpgresParameter("p", value));
        if (value is JsonElement sent) Assert.Equal(sent.GetRawText(), ((JsonElement)back!).GetRawText().Replace(" ", ""));
        else if (value is DateTime { Kind: DateTimeKind.Utc } utc) Assert.Equal(utc, ((DateTimeOffset)back!).UtcDateTime);
        else if (value is long[] or PgRange<int> or BigInteger) Assert.Equal(value.ToString(), back!.ToString());
        else Assert.Equal(value, back);
    }

    [Fact]
    public void A_generic_parameter_writes_its_TypedValue()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @a + @b::int8, @g", c);
        var a = cmd.Parameters.AddWithValue("a", 40);
        cmd.Parameters.Add(new SharpgresParameter<long>("b", 2));
        cmd.Parameters.Add(new SharpgresParameter<Guid>("g", Guid.Empty));
        using (var r = cmd.ExecuteReader())
        {
            Assert.True(r.Read());
            Assert.Equal(42L, r.GetInt64(0));
            Assert.Equal(Guid.Empty, r.GetGuid(1));
        }
        a.TypedValue = 100;
        Assert.Equal(102L, cmd.ExecuteScalar());
        Assert.Equal(100, a.Value);
        a.Value = 1;
        Assert.Equal(1, a.TypedValue);
    }
}
