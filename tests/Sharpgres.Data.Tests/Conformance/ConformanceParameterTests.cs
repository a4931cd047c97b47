using System.Collections;
using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>DbParameter and DbParameterCollection rules the ADO.NET specification suite checks, in our words.</summary>
public sealed class ConformanceParameterTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static DbParameter NewParameter() => SharpgresFactory.Instance.CreateParameter()!;

    private DbConnection Opened()
    {
        var c = SharpgresFactory.Instance.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        return c;
    }

    [Fact]
    public void A_new_parameter_has_the_ADO_NET_defaults()
    {
        var p = NewParameter();
        Assert.Equal(DbType.String, p.DbType);
        Assert.Equal(ParameterDirection.Input, p.Direction);
        Assert.False(p.IsNullable);
        Assert.Equal("", p.ParameterName);
        Assert.Equal(0, p.Precision);
        Assert.Equal(0, p.Scale);
        Assert.Equal(0, p.Size);
        Assert.Equal("", p.SourceColumn);
        Assert.Equal(DataRowVersion.Current, p.SourceVersion);
        Assert.False(p.SourceColumnNullMapping);
        Assert.Null(p.Value);
    }

    [Fact]
    public void Null_names_read_back_empty_and_ResetDbType_returns_to_the_default()
    {
        var p = NewParameter();
        p.ParameterName = null;
        Assert.Equal("", p.ParameterName);
        p.SourceColumn = null;
        Assert.Equal("", p.SourceColumn);
        p.DbType = DbType.Int64;
        Assert.Equal(DbType.Int64, p.DbType);
        p.ResetDbType();
        Assert.Equal(DbType.String, p.DbType);
        p.Value = 5;
        p.Value = null;
        Assert.Null(p.Value);
    }

    [Fact]
    public void A_parameter_value_takes_the_DbType_of_its_value_until_one_is_set()
    {
        var p = NewParameter();
        p.Value = 5;
        Assert.Equal(DbType.Int32, p.DbType);
        p.Value = 5L;
        Assert.Equal(DbType.Int64, p.DbType);
        p.DbType = DbType.Decimal;
        p.Value = 6;
        Assert.Equal(DbType.Decimal, p.DbType);
    }

    [Fact]
    public void A_placeholder_with_no_parameter_of_that_name_fails_and_the_connection_stays_usable()
    {
        using var c = Opened();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT @Parameter;";
        var p = cmd.CreateParameter();
        p.Value = 1;   // no name
        cmd.Parameters.Add(p);
        var e = Assert.ThrowsAny<Exception>(() => cmd.ExecuteNonQuery());
        Assert.True(e is InvalidOperationException or DbException, e.GetType().Name);
        cmd.Parameters.Clear();
        cmd.CommandText = "SELECT 1";
        Assert.Equal(1, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_named_parameter_with_a_null_Value_or_DBNull_is_NULL()
    {
        // The suite (after SqlClient) wants InvalidOperationException for Value = null; issue 12's contract is that
        // null and DBNull.Value both send NULL (what Dapper and most callers expect), so that rule is not followed.
        using var c = Opened();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT @Parameter::int;";
        var p = cmd.CreateParameter();
        p.ParameterName = "@Parameter";
        cmd.Parameters.Add(p);
        Assert.Same(DBNull.Value, cmd.ExecuteScalar());
        p.Value = DBNull.Value;
        Assert.Same(DBNull.Value, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_parameter_the_text_does_not_use_is_ignored()
    {
        using var c = Opened();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 1;";
        var p = cmd.CreateParameter();
        p.ParameterName = "@Unknown";
        p.Value = 1;
        cmd.Parameters.Add(p);
        Assert.Equal(-1, cmd.ExecuteNonQuery());
        Assert.Equal(1, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_string_value_comes_back_as_the_same_string()
    {
        using var c = Opened();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT @Parameter;";
        var p = cmd.CreateParameter();
        p.ParameterName = "@Parameter";
        p.Value = "test";
        cmd.Parameters.Add(p);
        Assert.Equal("test", cmd.ExecuteScalar());
    }

    [Fact]
    public void The_collection_refuses_null_parameters_everywhere()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        var named = cmd.CreateParameter();
        named.ParameterName = "@param";
        cmd.Parameters.Add(named);
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters.Add(null!));
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters.Insert(0, null!));
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters["@param"] = null!);
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters[0] = null!);
        Assert.Throws<ArgumentNullException>(() => ((IList)cmd.Parameters)[0] = null);
        Assert.Throws<ArgumentNullException>(() => ((IDataParameterCollection)cmd.Parameters)["@param"] = null!);
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters.Remove(null!));
        Assert.Throws<ArgumentNullException>(() => cmd.Parameters.AddRange(null!));
        Assert.Single(cmd.Parameters);
    }

    [Fact]
    public void Lookups_of_null_find_nothing()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        cmd.Parameters.Add(cmd.CreateParameter());
        Assert.False(cmd.Parameters.Contains((object)null!));
        Assert.False(cmd.Parameters.Contains((string)null!));
        Assert.Equal(-1, cmd.Parameters.IndexOf((object)null!));
        Assert.Equal(-1, cmd.Parameters.IndexOf((string)null!));
    }

    [Fact]
    public void RemoveAt_out_of_range_is_ArgumentOutOfRange_and_Remove_and_RemoveAt_empty_the_collection()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        Assert.Throws<ArgumentOutOfRangeException>(() => cmd.Parameters.RemoveAt(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => cmd.Parameters.RemoveAt(0));
        Assert.Throws<IndexOutOfRangeException>(() => cmd.Parameters.RemoveAt("missing"));
        var p = cmd.CreateParameter();
        cmd.Parameters.Add(p);
        cmd.Parameters.Remove(p);
        Assert.Empty(cmd.Parameters);
        cmd.Parameters.Add(p);
        cmd.Parameters.RemoveAt(0);
        Assert.Empty(cmd.Parameters);
    }

    [Fact]
    public void Names_match_with_or_without_the_at_sign_and_ignoring_case()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        var a = cmd.CreateParameter();
        a.ParameterName = "@Id";
        var b = cmd.CreateParameter();
        b.ParameterName = "name";
        cmd.Parameters.AddRange(new[] { a, b });
        Assert.Equal(0, cmd.Parameters.IndexOf("@Id"));
        Assert.Equal(0, cmd.Parameters.IndexOf("Id"));
        Assert.Equal(0, cmd.Parameters.IndexOf("id"));
        Assert.Equal(1, cmd.Parameters.IndexOf("@name"));
        Assert.True(cmd.Parameters.Contains("Id"));
        Assert.True(cmd.Parameters.Contains("@NAME"));
        Assert.True(cmd.Parameters.Contains(a));
        Assert.Equal(1, cmd.Parameters.IndexOf(b));
        Assert.Same(b, cmd.Parameters["@name"]);
        Assert.Throws<IndexOutOfRangeException>(() => cmd.Parameters["missing"]);
        cmd.Parameters.RemoveAt("Id");
        Assert.Equal(0, cmd.Parameters.IndexOf(b));
        Assert.False(cmd.Parameters.Contains("@Id"));
    }

    [Fact]
    public void One_parameter_belongs_to_one_collection()
    {
        using var first = SharpgresFactory.Instance.CreateCommand()!;
        using var second = SharpgresFactory.Instance.CreateCommand()!;
        var p = first.CreateParameter();
        first.Parameters.Add(p);
        Assert.Throws<ArgumentException>(() => first.Parameters.Add(p));
        Assert.Throws<ArgumentException>(() => second.Parameters.Add(p));
        first.Parameters.Remove(p);
        second.Parameters.Add(p);
        Assert.Single(second.Parameters);
    }

    [Fact]
    public void The_collection_is_not_synchronized_and_copies_to_an_array()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        var p = cmd.CreateParameter();
        cmd.Parameters.Add(p);
        Assert.False(cmd.Parameters.IsSynchronized);
        Assert.False(cmd.Parameters.IsFixedSize);
        Assert.False(cmd.Parameters.IsReadOnly);
        Assert.NotNull(cmd.Parameters.SyncRoot);
        var copy = new DbParameter[2];
        cmd.Parameters.CopyTo(copy, 1);
        Assert.Same(p, copy[1]);
        Assert.Equal(new object[] { p }, cmd.Parameters.Cast<object>());
    }
}
