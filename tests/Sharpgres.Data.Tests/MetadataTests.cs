using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests;

/// <summary>GetSchema collections, stored procedures and functions, IsTransient.</summary>
public sealed class MetadataTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Fact]
    public void MetaDataCollections_lists_every_collection_with_the_standard_columns()
    {
        using var c = db.Open();
        var table = c.GetSchema();
        Assert.Equal("MetaDataCollections", table.TableName);
        Assert.Equal(["CollectionName", "NumberOfRestrictions", "NumberOfIdentifierParts"], table.Columns.Cast<DataColumn>().Select(x => x.ColumnName));
        Assert.Equal(typeof(int), table.Columns[1].DataType);
        var names = table.Rows.Cast<DataRow>().Select(r => (string)r[0]).ToList();
        foreach (var n in new[] { "MetaDataCollections", "DataSourceInformation", "Restrictions", "DataTypes", "ReservedWords", "Tables", "Columns", "Views", "Indexes", "Users", "Databases" })
        {
            Assert.Contains(n, names);
            Assert.NotNull(c.GetSchema(n));
        }
        Assert.Throws<ArgumentException>(() => c.GetSchema("Nope"));
    }

    [Fact]
    public void Tables_Columns_Views_and_Indexes_honour_restrictions()
    {
        using var c = db.Open();
        new SharpgresCommand("CREATE TABLE IF NOT EXISTS meta_t (id int PRIMARY KEY, name text); CREATE OR REPLACE VIEW meta_v AS SELECT id FROM meta_t", c).ExecuteNonQuery();
        var tables = c.GetSchema("Tables", [null, "public", "meta_t"]);
        Assert.Equal("meta_t", Assert.Single(tables.Rows.Cast<DataRow>())["table_name"]);
        var columns = c.GetSchema("Columns", [null, null, "meta_t"]);
        Assert.Equal(["id", "name"], columns.Rows.Cast<DataRow>().Select(r => (string)r["column_name"]));
        Assert.Single(c.GetSchema("Columns", [null, null, "meta_t", "name"]).Rows);
        Assert.Equal("meta_v", Assert.Single(c.GetSchema("Views", [null, "public", "meta_v"]).Rows.Cast<DataRow>())["table_name"]);
        Assert.Equal("meta_t_pkey", Assert.Single(c.GetSchema("Indexes", [null, null, "meta_t"]).Rows.Cast<DataRow>())["index_name"]);
        Assert.Contains(db.Database, c.GetSchema("Databases").Rows.Cast<DataRow>().Select(r => (string)r[0]));
        Assert.NotEmpty(c.GetSchema("Users").Rows);
        Assert.Contains("SELECT", c.GetSchema("ReservedWords").Rows.Cast<DataRow>().Select(r => ((string)r[0]).ToUpperInvariant()));
        Assert.Equal("PostgreSQL", c.GetSchema("DataSourceInformation").Rows[0][DbMetaDataColumnNames.DataSourceProductName]);
        Assert.Contains("int4", c.GetSchema("DataTypes").Rows.Cast<DataRow>().Select(r => (string)r[0]));
        Assert.Contains("Tables", c.GetSchema("Restrictions").Rows.Cast<DataRow>().Select(r => (string)r[0]));
    }

    [Fact]
    public void StoredProcedure_calls_procedures_with_CALL_and_functions_with_a_select()
    {
        using var c = db.Open();
        new SharpgresCommand("""
            CREATE OR REPLACE PROCEDURE add_one(INOUT x int, OUT doubled int) LANGUAGE plpgsql AS $$ BEGIN doubled := x * 2; x := x + 1; END $$;
            CREATE OR REPLACE FUNCTION sum_diff(a int, b int, OUT s int, OUT d int) AS $$ SELECT a + b, a - b $$ LANGUAGE sql;
            CREATE OR REPLACE FUNCTION twice(v int) RETURNS int AS $$ SELECT v * 2 $$ LANGUAGE sql;
            """, c).ExecuteNonQuery();
        using var proc = new SharpgresCommand("add_one", c) { CommandType = CommandType.StoredProcedure };
        var x = proc.Parameters.Add(new SharpgresParameter("x", 5) { Direction = ParameterDirection.InputOutput });
        var doubled = proc.Parameters.Add(new SharpgresParameter("doubled", DbType.Int32) { Direction = ParameterDirection.Output });
        proc.ExecuteNonQuery();
        Assert.Equal((6, 10), (x.Value, doubled.Value));

        using var func = new SharpgresCommand("sum_diff", c) { CommandType = CommandType.StoredProcedure };
        func.Parameters.AddWithValue("a", 7);
        func.Parameters.AddWithValue("b", 3);
        var s = func.Parameters.Add(new SharpgresParameter("s", DbType.Int32) { Direction = ParameterDirection.Output });
        var d = func.Parameters.Add(new SharpgresParameter("d", DbType.Int32) { Direction = ParameterDirection.Output });
        func.ExecuteNonQuery();
        Assert.Equal((10, 4), (s.Value, d.Value));

        using var scalar = new SharpgresCommand("twice", c) { CommandType = CommandType.StoredProcedure };
        scalar.Parameters.AddWithValue(21);
        Assert.Equal(42, scalar.ExecuteScalar());
    }

    [Fact]
    public void IsTransient_is_true_exactly_for_retryable_failures()
    {
        Assert.True(new Errors.SerializationFailure("x", Diag("40001")).IsTransient);
        Assert.True(new Errors.DeadlockDetected("x", Diag("40P01")).IsTransient);
        Assert.True(new Errors.AdminShutdown("x", Diag("57P01")).IsTransient);
        Assert.True(new Errors.CannotConnectNow("x", Diag("57P03")).IsTransient);
        Assert.True(new Errors.TooManyConnections("x", Diag("53300")).IsTransient);
        Assert.True(new OperationalError("connection refused").IsTransient);
        Assert.False(new Errors.UniqueViolation("x", Diag("23505")).IsTransient);
        Assert.False(new Errors.QueryCanceled("x", Diag("57014")).IsTransient);
        Assert.False(new Errors.SyntaxError("x", Diag("42601")).IsTransient);
    }

    [Fact]
    public void A_real_serialization_failure_is_transient()
    {
        db.Execute("CREATE TABLE IF NOT EXISTS ser (id int PRIMARY KEY, v int); INSERT INTO ser VALUES (1, 0) ON CONFLICT DO NOTHING");
        using var a = db.Open();
        using var b = db.Open();
        using var ta = a.BeginTransaction(System.Data.IsolationLevel.Serializable);
        using var tb = b.BeginTransaction(System.Data.IsolationLevel.Serializable);
        new SharpgresCommand("SELECT v FROM ser WHERE id = 1", a, ta).ExecuteScalar();
        new SharpgresCommand("SELECT v FROM ser WHERE id = 1", b, tb).ExecuteScalar();
        new SharpgresCommand("UPDATE ser SET v = v + 1 WHERE id = 1", a, ta).ExecuteNonQuery();
        ta.Commit();
        var e = Assert.ThrowsAny<DbException>(() => new SharpgresCommand("UPDATE ser SET v = v + 1 WHERE id = 1", b, tb).ExecuteNonQuery());
        Assert.Equal("40001", e.SqlState);
        Assert.True(e.IsTransient);
    }

    private static Diagnostics Diag(string sqlState) => new() { SqlState = sqlState, MessagePrimary = "x" };
}
