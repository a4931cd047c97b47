using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests;

/// <summary>DbCommand: placeholders, the Execute methods sync and async, errors, timeouts, cancellation.</summary>
public sealed class CommandTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [Theory]
    [InlineData("@x")]
    [InlineData("x")]
    public void Named_parameters_bind_with_or_without_the_at(string name)
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @x::int4 * 2", c);
        cmd.Parameters.AddWithValue(name, 21);
        Assert.Equal(42, cmd.ExecuteScalar());
    }

    [Fact]
    public void Positional_parameters_bind_in_order_and_may_repeat()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT $2::text || $1::text || $2::text", c);
        cmd.Parameters.AddWithValue("a");
        cmd.Parameters.AddWithValue("b");
        Assert.Equal("bab", cmd.ExecuteScalar());
    }

    [Fact]
    public void At_signs_in_literals_comments_dollar_quotes_identifiers_and_operators_are_not_placeholders()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand(
            "SELECT '@a' AS \"@b\", $tag$ @c $tag$, E'\\'@d', '{1,2}'::int[] @> '{1}'::int[], @v::int -- @e\n /* @f */", c);
        cmd.Parameters.AddWithValue("v", 7);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal("@a", r.GetString(0));
        Assert.Equal("@b", r.GetName(0));
        Assert.Equal(" @c ", r.GetString(1));
        Assert.Equal("'@d", r.GetString(2));
        Assert.True(r.GetBoolean(3));
        Assert.Equal(7, r.GetInt32(4));
    }

    [Fact]
    public void A_missing_parameter_fails_before_anything_is_sent_and_the_connection_stays_usable()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @nope", c);
        Assert.Throws<InvalidOperationException>(() => cmd.ExecuteScalar());
        using var ok = new SharpgresCommand("SELECT 1", c);
        Assert.Equal(1, ok.ExecuteScalar());
    }

    [Fact]
    public void Validation_errors_are_InvalidOperationExceptions()
    {
        using var lone = new SharpgresCommand("SELECT 1");
        Assert.Throws<InvalidOperationException>(() => lone.ExecuteNonQuery());
        Assert.Throws<InvalidOperationException>(() => lone.Prepare());
        using var closed = new SharpgresConnection(db.ConnectionString);
        using var onClosed = closed.CreateCommand();
        onClosed.CommandText = "SELECT 1";
        Assert.Throws<InvalidOperationException>(() => onClosed.ExecuteScalar());
        using var c = db.Open();
        using var empty = c.CreateCommand();
        Assert.Equal("", empty.CommandText);
        Assert.Equal(CommandType.Text, empty.CommandType);
        Assert.Throws<InvalidOperationException>(() => empty.ExecuteReader());
        empty.Cancel();   // nothing running: a no-op
    }

    [Fact]
    public void A_second_command_while_a_reader_is_open_is_the_command_in_progress_error()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT generate_series(1, 3)", c);
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        var e = Assert.ThrowsAny<InvalidOperationException>(() => cmd.ExecuteReader());
        Assert.Contains("already in progress", e.Message);
        Assert.Throws<InvalidOperationException>(() => cmd.CommandText = "SELECT 2");
        Assert.Throws<InvalidOperationException>(() => cmd.Connection = null);
        using var other = new SharpgresCommand("SELECT 2", c);
        Assert.ThrowsAny<InvalidOperationException>(() => other.ExecuteScalar());
        r.Close();
        Assert.Equal(2, other.ExecuteScalar());
    }

    [Fact]
    public async Task ExecuteScalar_returns_first_value_DBNull_for_NULL_and_null_without_rows()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT 42, 43 UNION ALL SELECT 44, 45";
        Assert.Equal(42, await cmd.ExecuteScalarAsync());
        cmd.CommandText = "SELECT NULL";
        Assert.Equal(DBNull.Value, cmd.ExecuteScalar());
        cmd.CommandText = "SELECT 1 WHERE false";
        Assert.Null(cmd.ExecuteScalar());
        cmd.CommandText = "SELECT 42; SELECT 43;";
        Assert.Equal(42, cmd.ExecuteScalar());
        cmd.CommandText = "SELECT 3.14";
        Assert.Equal(3.14m, cmd.ExecuteScalar());
    }

    [Fact]
    public async Task ExecuteNonQuery_counts_rows_per_ADO_rules()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "CREATE TEMP TABLE nq (id int)";
        Assert.Equal(-1, cmd.ExecuteNonQuery());
        cmd.CommandText = "INSERT INTO nq VALUES (1), (2), (3); UPDATE nq SET id = id + 1 WHERE id > 1; SELECT * FROM nq";
        Assert.Equal(5, await cmd.ExecuteNonQueryAsync());
        cmd.CommandText = "SELECT 1";
        Assert.Equal(-1, cmd.ExecuteNonQuery());
        cmd.CommandText = "DELETE FROM nq";
        Assert.Equal(3, cmd.ExecuteNonQuery());
    }

    [Fact]
    public void Server_errors_are_DbExceptions_with_SqlState_and_the_connection_stays_usable()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT 1/0", c);
        var e = Assert.ThrowsAny<DbException>(() => cmd.ExecuteScalar());
        Assert.Equal("22012", e.SqlState);
        Assert.False(e.IsTransient);
        cmd.CommandText = "INVALID";
        Assert.Equal("42601", Assert.ThrowsAny<DbException>(() => cmd.ExecuteReader()).SqlState);
        cmd.CommandText = "SELECT 5";
        Assert.Equal(5, cmd.ExecuteScalar());
    }

    [Fact]
    public async Task A_cancelled_token_cancels_the_task_and_a_token_cancelling_mid_query_stops_it()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = new SharpgresCommand("SELECT 1", c);
        var t1 = cmd.ExecuteReaderAsync(new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t1);
        Assert.True(t1.IsCanceled);
        var t2 = cmd.ExecuteNonQueryAsync(new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t2);
        var t3 = cmd.ExecuteScalarAsync(new CancellationToken(true));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t3);

        cmd.CommandText = "SELECT pg_sleep(30)";
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cmd.ExecuteNonQueryAsync(cts.Token));
        Assert.Equal("57014", Assert.IsAssignableFrom<DbException>(e.InnerException).SqlState);
        cmd.CommandText = "SELECT 7";
        Assert.Equal(7, await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public void CommandTimeout_cancels_with_a_TimeoutException_inside_and_the_connection_stays_usable()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT pg_sleep(30)", c) { CommandTimeout = 1 };
        var e = Assert.ThrowsAny<DbException>(() => cmd.ExecuteNonQuery());
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Equal("57014", e.SqlState);
        cmd.CommandText = "SELECT 3";
        Assert.Equal(3, cmd.ExecuteScalar());
        Assert.Equal(30, new SharpgresCommand().CommandTimeout);
        Assert.Equal(30, c.CreateCommand().CommandTimeout);
    }

    [Fact]
    public async Task Cancel_from_another_thread_stops_the_running_command()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT pg_sleep(30)", c) { CommandTimeout = 0 };
        var cancelled = Task.Run(async () =>
        {
            // The command is running once the server shows it active.
            using var admin = db.Open();
            using var probe = new SharpgresCommand("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'", admin);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (Convert.ToInt64(probe.ExecuteScalar()) == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
            c.AsSharpgres().Cancel();
        });
        var e = Assert.ThrowsAny<DbException>(() => cmd.ExecuteNonQuery());
        Assert.Equal("57014", e.SqlState);
        await cancelled;
    }

    [Fact]
    public void Prepare_makes_a_server_side_prepared_statement()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @a::int + 1", c);
        cmd.Parameters.AddWithValue("a", 1);
        cmd.Prepare();
        Assert.True(cmd.IsPrepared);
        Assert.Equal(2, cmd.ExecuteScalar());
        cmd.Parameters[0].Value = 10;
        Assert.Equal(11, cmd.ExecuteScalar());
        using var check = new SharpgresCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'", c);
        Assert.Equal(1L, check.ExecuteScalar());
    }

    [Fact]
    public void Empty_and_comment_only_commands_have_no_rows()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("-- TODO: write SQL", c);
        using (var r = cmd.ExecuteReader())
        {
            Assert.False(r.HasRows);
            Assert.False(r.Read());
            Assert.False(r.NextResult());
        }
        cmd.CommandText = "SELECT 0; -- my favourite number";
        using var r2 = cmd.ExecuteReader();
        Assert.True(r2.Read());
        Assert.Equal(0, r2.GetInt32(0));
        Assert.False(r2.NextResult());
    }

    [Fact]
    public void Statements_with_parameters_in_one_command_run_in_one_round_trip_with_one_result_each()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @a::int; SELECT @b::text, @a::int", c);
        cmd.Parameters.AddWithValue("a", 1);
        cmd.Parameters.AddWithValue("b", "two");
        using var r = cmd.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal(1, r.GetInt32(0));
        Assert.True(r.NextResult());
        Assert.True(r.Read());
        Assert.Equal(("two", 1), (r.GetString(0), r.GetInt32(1)));
        Assert.False(r.NextResult());
    }

    [Fact]
    public void CloseConnection_closes_the_connection_with_the_reader()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT 0", c);
        using (cmd.ExecuteReader(CommandBehavior.CloseConnection)) { }
        Assert.Equal(ConnectionState.Closed, c.State);
    }

    [Fact]
    public void An_unknown_parameter_type_is_NotSupported()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand("SELECT @p", c);
        cmd.Parameters.AddWithValue("p", new object());
        Assert.Throws<NotSupportedException>(() => cmd.ExecuteScalar());
        cmd.Parameters[0].Value = 1;
        Assert.Equal(1, cmd.ExecuteScalar());
    }

    [Fact]
    public void A_transaction_of_another_connection_is_refused()
    {
        using var c = db.Open();
        using var other = db.Open();
        using var t = other.BeginTransaction();
        using var cmd = new SharpgresCommand("SELECT 1", c, t);
        Assert.Throws<InvalidOperationException>(() => cmd.ExecuteScalar());
    }
    [Theory]
    [InlineData(UpdateRowSource.Both)]
    [InlineData(UpdateRowSource.FirstReturnedRecord)]
    [InlineData(UpdateRowSource.OutputParameters)]
    [InlineData(UpdateRowSource.None)]
    public void UpdatedRowSource_decides_what_a_DataAdapter_insert_writes_back_into_the_row(UpdateRowSource source)
    {
        using var c = db.Open();
        var table = "urs_" + source.ToString().ToLowerInvariant();
        new SharpgresCommand($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (id serial PRIMARY KEY, name text, stamp text DEFAULT 'server')", c).ExecuteNonQuery();
        var insert = new SharpgresCommand($"INSERT INTO {table} (name) VALUES (@name) RETURNING id, stamp", c) { UpdatedRowSource = source };
        insert.Parameters.Add(new SharpgresParameter("name", DbType.String) { SourceColumn = "name" });
        insert.Parameters.Add(new SharpgresParameter("id", DbType.Int32) { Direction = ParameterDirection.Output, SourceColumn = "id" });
        using var adapter = new SharpgresDataAdapter(new SharpgresCommand($"SELECT id, name, stamp FROM {table}", c)) { InsertCommand = insert };
        var data = new DataTable();
        adapter.Fill(data);
        data.Columns["id"]!.AllowDBNull = true;
        data.Columns["stamp"]!.AllowDBNull = true;
        var row = data.Rows.Add(DBNull.Value, "ada", DBNull.Value);
        Assert.Equal(1, adapter.Update(data));
        // The server assigned id 1 and stamp 'server'; what reaches the DataRow depends on UpdatedRowSource.
        var fromRecord = source is UpdateRowSource.Both or UpdateRowSource.FirstReturnedRecord;
        var fromOutputs = source is UpdateRowSource.Both or UpdateRowSource.OutputParameters;
        Assert.Equal(fromRecord || fromOutputs ? 1 : DBNull.Value, row["id"]);
        Assert.Equal(fromRecord ? "server" : DBNull.Value, row["stamp"]);
        Assert.Equal(1L, new SharpgresCommand($"SELECT count(*) FROM {table} WHERE name = 'ada' AND stamp = 'server'", c).ExecuteScalar());
    }
}

