using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests.Types;

/// <summary>Description's type details, and values PostgreSQL rejects for their column.</summary>
public class DescriptionAndRangeErrorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Description_reports_type_oid_name_precision_scale_and_sizes()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE described (amount numeric(10,2), code varchar(20), n int4, at timestamptz(3), tag char(4), free numeric)");
        var d = conn.Execute("SELECT * FROM described").Description!;
        Assert.Equal(("amount", 1700u, "numeric", 10, 2), (d[0].Name, d[0].TypeCode, d[0].TypeName, d[0].Precision, d[0].Scale));
        Assert.Null(d[0].DisplaySize);   // psycopg: no display size for numeric
        Assert.Null(d[0].InternalSize);
        Assert.Equal(("code", 1043u, "varchar", 20), (d[1].Name, d[1].TypeCode, d[1].TypeName, d[1].DisplaySize));
        Assert.Equal(("n", 23u, "int4", 4), (d[2].Name, d[2].TypeCode, d[2].TypeName, d[2].InternalSize));
        Assert.Equal(("timestamptz", 3), (d[3].TypeName, d[3].Precision));
        Assert.Equal(("bpchar", 4), (d[4].TypeName, d[4].DisplaySize));
        Assert.Null(d[5].Precision);
    }

    [Fact]
    public void A_value_out_of_range_for_its_column_raises_the_servers_class_and_the_connection_stays_usable()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE ranged (small int2, amount numeric(4,2), name varchar(3))");
        Assert.Throws<NumericValueOutOfRange>(() => conn.Execute("INSERT INTO ranged (small) VALUES (%s)", 70000));
        Assert.Throws<NumericValueOutOfRange>(() => conn.Execute("INSERT INTO ranged (amount) VALUES (%s)", 123.45m));
        var e = Assert.Throws<StringDataRightTruncation>(() => conn.Execute("INSERT INTO ranged (name) VALUES (%s)", "toolong"));
        Assert.IsAssignableFrom<DataError>(e);
        Assert.Throws<InvalidDatetimeFormat>(() => conn.Execute("SELECT %s::date", "not a date"));
        conn.Execute("INSERT INTO ranged VALUES (%s, %s, %s)", (short)7, 12.34m, "abc");
        Assert.Equal("(7, Decimal('12.34'), 'abc')", conn.Execute("SELECT * FROM ranged").FetchOne()!.ToString());
    }
}

public class TypedNullTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void A_nullable_null_keeps_its_postgresql_type()
    {
        using var conn = db.Connect(autocommit: true);
        int? missing = null;
        DateTime? never = null;
        Assert.Equal("integer", conn.Cursor().Execute($"SELECT pg_typeof({missing})::text").FetchOne()![0]);
        Assert.Equal("timestamp without time zone", conn.Cursor().Execute($"SELECT pg_typeof({never})::text").FetchOne()![0]);
        Assert.Equal("bigint", conn.Execute("SELECT pg_typeof(%s)::text", TypedNull.Of<long>()).FetchOne()![0]);
        conn.Execute("CREATE TEMP TABLE nulls (a int8, b text)");
        conn.Execute("INSERT INTO nulls VALUES (%s, %s)", TypedNull.Of<long>(), TypedNull.Of<string>());
        Assert.Equal("(None, None)", conn.Execute("SELECT * FROM nulls").FetchOne()!.ToString());
    }
}
