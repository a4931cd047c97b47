using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>DbCommand rules the ADO.NET specification suite checks (its command area), in our words.</summary>
public sealed class ConformanceCommandTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private static readonly CancellationToken Cancelled = new(canceled: true);

    private DbConnection Opened()
    {
        var c = SharpgresFactory.Instance.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        return c;
    }

    private DbConnection Closed()
    {
        var c = SharpgresFactory.Instance.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        return c;
    }

    private static DbCommand Command(DbConnection? c, string? text = null)
    {
        var cmd = c?.CreateCommand() ?? SharpgresFactory.Instance.CreateCommand()!;
        if (text is not null) cmd.CommandText = text;
        return cmd;
    }

    [Fact]
    public void A_new_command_has_empty_text_Text_type_one_parameter_collection_and_Cancel_is_a_no_op()
    {
        using var cmd = SharpgresFactory.Instance.CreateCommand()!;
        cmd.Cancel();
        Assert.Equal("", cmd.CommandText);
        Assert.Equal(CommandType.Text, cmd.CommandType);
        Assert.NotNull(cmd.Parameters);
        Assert.Same(cmd.Parameters, cmd.Parameters);
        Assert.NotNull(cmd.CreateParameter());
        cmd.CommandText = null;
        Assert.Equal("", cmd.CommandText);
        cmd.CommandText = "";
        Assert.Equal("", cmd.CommandText);
    }

    [Fact]
    public void Cancel_on_an_idle_open_connection_is_a_no_op_and_the_connection_stays_usable()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT 1");
        cmd.Cancel();
        Assert.Equal(1, cmd.ExecuteScalar());
    }

    [Fact]
    public void CommandText_and_Connection_cannot_change_while_its_reader_is_open_and_Connection_can_be_unset_otherwise()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT 1;");
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            Assert.Throws<InvalidOperationException>(() => cmd.CommandText = "SELECT 2;");
            using var other = Closed();
            Assert.Throws<InvalidOperationException>(() => cmd.Connection = other);
            Assert.Equal("SELECT 1;", cmd.CommandText);
            Assert.Same(c, cmd.Connection);
        }
        cmd.CommandText = "SELECT 2;";
        cmd.Connection = null;
        Assert.Null(cmd.Connection);
    }

    public static TheoryData<string> Executions => new() { "Reader", "Scalar", "NonQuery", "ReaderAsync", "ScalarAsync", "NonQueryAsync", "Prepare" };

    private static Task Run(DbCommand cmd, string how) => how switch
    {
        "Reader" => Task.Run(() => cmd.ExecuteReader().Dispose()),
        "Scalar" => Task.Run(() => cmd.ExecuteScalar()),
        "NonQuery" => Task.Run(() => cmd.ExecuteNonQuery()),
        "ReaderAsync" => cmd.ExecuteReaderAsync(),
        "ScalarAsync" => cmd.ExecuteScalarAsync(),
        "NonQueryAsync" => cmd.ExecuteNonQueryAsync(),
        _ => Task.Run(cmd.Prepare),
    };

    [Theory, MemberData(nameof(Executions))]
    public async Task Without_a_connection_it_is_InvalidOperation(string how)
    {
        using var cmd = Command(null, "SELECT 1");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(cmd, how));
    }

    [Theory, MemberData(nameof(Executions))]
    public async Task On_a_closed_connection_it_is_InvalidOperation(string how)
    {
        using var c = Closed();
        using var cmd = Command(c, "SELECT 1");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(cmd, how));
    }

    [Theory, MemberData(nameof(Executions))]
    public async Task Without_command_text_it_is_InvalidOperation_and_the_connection_stays_usable(string how)
    {
        using var c = Opened();
        using var cmd = Command(c);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Run(cmd, how));
        cmd.CommandText = "SELECT 5";
        Assert.Equal(5, cmd.ExecuteScalar());
    }

    [Theory]
    [InlineData("Reader")]
    [InlineData("Scalar")]
    [InlineData("NonQuery")]
    [InlineData("ReaderAsync")]
    [InlineData("ScalarAsync")]
    [InlineData("NonQueryAsync")]
    public async Task A_server_error_is_a_DbException_and_the_connection_stays_usable(string how)
    {
        using var c = Opened();
        using var cmd = Command(c, "INVALID;");
        var e = await Assert.ThrowsAnyAsync<DbException>(() => Run(cmd, how));
        Assert.Equal("42601", e.SqlState);
        cmd.CommandText = "SELECT 6";
        Assert.Equal(6, cmd.ExecuteScalar());
    }

    [Fact]
    public async Task A_cancelled_token_gives_cancelled_tasks_and_runs_nothing()
    {
        using var c = Opened();
        using var setup = Command(c, "CREATE TEMP TABLE cancelled (x int)");
        setup.ExecuteNonQuery();
        using var cmd = Command(c, "INSERT INTO cancelled VALUES (1)");
        foreach (var task in new Task[] { cmd.ExecuteReaderAsync(Cancelled), cmd.ExecuteNonQueryAsync(Cancelled), cmd.ExecuteScalarAsync(Cancelled) })
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
            Assert.True(task.IsCanceled);
        }
        cmd.CommandText = "SELECT count(*) FROM cancelled";
        Assert.Equal(0L, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_second_execution_while_a_reader_is_open_is_InvalidOperation()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT 1;");
        using var r = cmd.ExecuteReader();
        Assert.ThrowsAny<InvalidOperationException>(() => cmd.ExecuteReader());
        using var other = Command(c, "SELECT 2");
        Assert.ThrowsAny<InvalidOperationException>(() => other.ExecuteScalar());
        Assert.True(r.Read());
        Assert.Equal(1, r.GetInt32(0));
    }

    [Fact]
    public void A_parameter_named_with_the_at_sign_is_bound()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT @Parameter;");
        var p = cmd.CreateParameter();
        p.ParameterName = "@Parameter";
        p.Value = 1;
        cmd.Parameters.Add(p);
        Assert.Equal(1, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_comment_only_command_has_no_rows_and_no_result()
    {
        using var c = Opened();
        using var cmd = Command(c, "-- TODO: Write SQL");
        using (var r = cmd.ExecuteReader())
        {
            Assert.False(r.HasRows);
            Assert.Equal(0, r.FieldCount);
            Assert.False(r.Read());
            Assert.False(r.NextResult());
        }
        Assert.Null(cmd.ExecuteScalar());
        Assert.Equal(-1, cmd.ExecuteNonQuery());
    }

    [Fact]
    public void A_trailing_comment_is_not_a_second_result()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT 0; -- My favorite number");
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(0, r.GetInt32(0));
        Assert.False(r.NextResult());
    }

    [Fact]
    public void CloseConnection_closes_the_connection_with_the_reader()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT 0;");
        using (cmd.ExecuteReader(CommandBehavior.CloseConnection)) { }
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void ExecuteScalar_values_first_of_several_and_DBNull_for_NULL()
    {
        using var c = Opened();
        Assert.Equal(1, Command(c, "SELECT 1;").ExecuteScalar());
        Assert.Equal(3.14m, Command(c, "SELECT 3.14;").ExecuteScalar());
        Assert.Equal("test", Command(c, "SELECT 'test';").ExecuteScalar());
        Assert.Same(DBNull.Value, Command(c, "SELECT NULL;").ExecuteScalar());
        Assert.Equal(42, Command(c, "SELECT 42; SELECT 43;").ExecuteScalar());
        Assert.Equal(42, Command(c, "SELECT 42, 43;").ExecuteScalar());
        Assert.Equal(42, Command(c, "SELECT 42 UNION SELECT 43 ORDER BY 1;").ExecuteScalar());
        Assert.Null(Command(c, "SELECT 1 WHERE 0 = 1;").ExecuteScalar());
    }

    [Fact]
    public void ExecuteNonQuery_counts_rows_and_is_minus_one_for_SELECT()
    {
        using var c = Opened();
        Assert.Equal(-1, Command(c, "SELECT 1;").ExecuteNonQuery());
        Assert.Equal(-1, Command(c, "CREATE TEMP TABLE nq (x int)").ExecuteNonQuery());
        Assert.Equal(3, Command(c, "INSERT INTO nq VALUES (1), (2), (3)").ExecuteNonQuery());
        Assert.Equal(4, Command(c, "UPDATE nq SET x = x + 1; DELETE FROM nq WHERE x = 4; SELECT 1").ExecuteNonQuery());
    }

    [Fact]
    public void A_value_of_a_type_with_no_mapping_is_refused_before_anything_is_sent()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT @Parameter;");
        var p = cmd.CreateParameter();
        p.ParameterName = "@Parameter";
        p.Value = new Unmapped();
        cmd.Parameters.Add(p);
        Assert.Throws<NotSupportedException>(() => cmd.ExecuteScalar());
        p.Value = new object();
        Assert.Throws<NotSupportedException>(() => cmd.ExecuteScalar());
        cmd.Parameters.Clear();
        cmd.CommandText = "SELECT 7";
        Assert.Equal(7, cmd.ExecuteScalar());
    }

    private sealed class Unmapped
    {
        public override string ToString() => "custom";
    }

    [Fact]
    public void Prepare_then_execute_twice_with_new_values()
    {
        using var c = Opened();
        using var cmd = Command(c, "SELECT @x + 1");
        var p = cmd.CreateParameter();
        p.ParameterName = "x";
        p.Value = 1;
        cmd.Parameters.Add(p);
        cmd.Prepare();
        Assert.Equal(2, cmd.ExecuteScalar());
        p.Value = 41;
        Assert.Equal(42, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_transaction_of_another_connection_is_InvalidOperation_but_none_is_not_required()
    {
        // PostgreSQL has one transaction per session: a command runs in it whether or not Transaction is set (the
        // suite's SqlClient rule "transaction required" doesn't apply; Npgsql skips it), but naming another
        // connection's transaction is a mistake we report (Npgsql ignores it; the suite expects this).
        using var c = Opened();
        using var other = Opened();
        using var otherTx = other.BeginTransaction();
        using var cmd = Command(c, "SELECT 1;");
        cmd.Transaction = otherTx;
        Assert.Throws<InvalidOperationException>(() => cmd.ExecuteScalar());
        cmd.Transaction = null;
        using var tx = c.BeginTransaction();
        Assert.Equal(1, cmd.ExecuteScalar());
    }
}
