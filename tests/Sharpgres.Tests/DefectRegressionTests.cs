using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;
using static Sharpgres.Tests.Infrastructure.FakeServer;

namespace Sharpgres.Tests;

/// <summary>
/// Issue 16 §0: the three defects an independent run found — COPY through Execute hung forever, RowCount was -1 after
/// SHOW, and pipeline statements after a failed one still ran — each pinned by a scenario with a bound.
/// </summary>
public class DefectRegressionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static void AssertUsable(Connection conn) => Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));

    [Theory]
    [InlineData(true, "COPY copy_exec FROM STDIN")]
    [InlineData(false, "COPY copy_exec FROM STDIN")]
    [InlineData(true, "copy copy_exec (x) from stdin with (format csv)")]
    [InlineData(false, "/* load */ COPY copy_exec TO STDOUT")]
    [InlineData(true, "COPY (SELECT 'stdin') TO STDOUT")]
    public void Copy_through_Execute_is_a_programming_error_and_the_connection_stays_usable(bool autocommit, string copy)
    {
        using var conn = db.Connect(autocommit);
        conn.Execute("CREATE TABLE IF NOT EXISTS copy_exec (x int)");
        if (!autocommit) conn.Execute("INSERT INTO copy_exec VALUES (1)");
        var e = Scenario.Run($"COPY through Execute ({copy}, autocommit={autocommit})", Bound,
            () => Assert.Throws<ProgrammingError>(() => conn.Cursor().Execute(copy)));
        Assert.Contains("cur.Copy(", e.Message);
        AssertUsable(conn);
        if (!autocommit)
        {
            // The transaction the COPY was refused in goes on: its insert commits.
            Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
            conn.Commit();
        }
        Assert.False(conn.Broken);
    }

    [Fact]
    public async Task Copy_through_ExecuteAsync_is_refused_too()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await Scenario.RunAsync("COPY through ExecuteAsync", Bound,
            () => Assert.ThrowsAsync<ProgrammingError>(() => conn.Cursor().ExecuteAsync("COPY (SELECT 1) TO STDOUT")));
        Assert.Equal(1, (await conn.ExecuteAsync("SELECT 1")).FetchOne()!.Get<int>(0));
    }

    [Fact]
    public void Copy_through_ExecuteMany_Stream_and_a_server_cursor_is_refused()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE IF NOT EXISTS copy_paths (x int)");
        Scenario.Run("COPY through ExecuteMany", Bound,
            () => Assert.Throws<ProgrammingError>(() => conn.Cursor().ExecuteMany("COPY copy_paths FROM STDIN", new[] { new object[] { 1 } })));
        AssertUsable(conn);
        Scenario.Run("COPY through Stream", Bound,
            () => Assert.Throws<ProgrammingError>(() => conn.Cursor().Stream("COPY copy_paths TO STDOUT").ToList()));
        AssertUsable(conn);
        Scenario.Run("COPY through a server cursor", Bound, () =>
        {
            using var named = conn.Cursor("copy_named");
            Assert.Throws<ProgrammingError>(() => named.Execute("COPY copy_paths FROM STDIN"));
        });
        AssertUsable(conn);
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        conn.Commit();
    }

    [Fact]
    public void Copy_in_a_pipeline_is_refused_and_the_pipeline_goes_on()
    {
        using var conn = db.Connect(autocommit: true);
        using (var p = conn.Pipeline())
        {
            var before = conn.Cursor().Execute("SELECT %s::int", 1);
            Scenario.Run("COPY in a pipeline", Bound,
                () => Assert.Throws<ProgrammingError>(() => conn.Cursor().Execute("COPY (SELECT 1) TO STDOUT")));
            var after = conn.Cursor().Execute("SELECT %s::int", 2);
            p.Sync();
            Assert.Equal(1, before.FetchOne()!.Get<int>(0));
            Assert.Equal(2, after.FetchOne()!.Get<int>(0));
        }
        AssertUsable(conn);
    }

    [Fact]
    public void A_copy_hidden_after_another_statement_is_ended_by_CopyFail_in_the_simple_protocol()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE IF NOT EXISTS copy_hidden (x int)");
        Scenario.Run("COPY after a statement (simple protocol)", Bound,
            () => Assert.Throws<ProgrammingError>(() => conn.Cursor().Execute("SELECT 1; COPY copy_hidden FROM STDIN")));
        AssertUsable(conn);
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM copy_hidden").FetchOne()![0]);
    }

    /// <summary>
    /// The protocol fault behind the hang, from a peer that starts copy-in for whatever it is sent (the client-side
    /// refusal can't see it): during copy-in the server ignores the Sync sent with the statement, so after CopyFail
    /// the client must send another Sync, or the ReadyForQuery it waits for never comes.
    /// </summary>
    [Fact]
    public void Copy_in_started_by_an_extended_protocol_statement_is_failed_and_synced_again()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            // Parse Bind Describe Execute Sync: the Sync arrives while copying in, so the server would ignore it.
            while (await ReadMessageAsync(s, ct) != (byte)'S') { }
            await s.WriteAsync(Message('G', [0], Int16(1), Int16(0)), ct);
            Assert.Equal((byte)'f', await ReadMessageAsync(s, ct));   // CopyFail
            await s.WriteAsync(Message('E', CString("SERROR"), CString("C57014"), CString("Mcopy failed"), [0]), ct);
            Assert.Equal((byte)'S', await ReadMessageAsync(s, ct));   // the Sync that ends the skipping
            await s.WriteAsync(Message('Z', "I"u8.ToArray()), ct);
            // The connection is usable: answer the next statement.
            while (await ReadMessageAsync(s, ct) != (byte)'S') { }
            await s.WriteAsync(Message('1'), ct);
            await s.WriteAsync(Message('2'), ct);
            await s.WriteAsync(Message('n'), ct);
            await s.WriteAsync(Message('C', CString("SET")), ct);
            await s.WriteAsync(Message('Z', "I"u8.ToArray()), ct);
            await Task.Delay(10_000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        Scenario.Run("copy-in from an extended statement (fake server)", Bound,
            () => Assert.Throws<ProgrammingError>(() => conn.Cursor().Execute("SELECT 1")));
        Assert.False(conn.Broken);
        Assert.Equal("SET", conn.Cursor().Execute("SET x = 1").StatusMessage);
    }

    [Theory]
    [InlineData("SHOW timezone", 1)]
    [InlineData("VALUES (1), (2), (3)", 3)]
    [InlineData("SELECT generate_series(1, 4)", 4)]
    [InlineData("SELECT 1 WHERE false", 0)]
    public void RowCount_counts_the_rows_of_statements_that_return_rows(string sql, int rows)
    {
        using var conn = db.Connect(autocommit: true);
        Assert.Equal(rows, conn.Execute(sql).RowCount);
        // The same through a prepared statement (its description comes from the cache, Describe is skipped).
        var cur = conn.Cursor();
        cur.Execute(sql, [], prepare: true);
        cur.Execute(sql, [], prepare: true);
        Assert.Equal(rows, cur.RowCount);
        // And through the simple protocol (several statements in one text): the first result's count.
        Assert.Equal(rows, conn.Execute(sql + "; SELECT 1").RowCount);
    }

    [Fact]
    public void RowCount_after_EXPLAIN_FETCH_and_RETURNING_is_the_number_of_rows_else_the_tag_count()
    {
        using var conn = db.Connect();
        var explain = conn.Execute("EXPLAIN SELECT * FROM pg_class WHERE relname = 'x'");
        Assert.Equal(explain.FetchAll().Count, explain.RowCount);
        Assert.True(explain.RowCount >= 1);
        conn.Execute("CREATE TABLE rc_t (x int)");
        Assert.Equal(-1, conn.Execute("CREATE TABLE rc_u (x int)").RowCount);
        Assert.Equal(3, conn.Execute("INSERT INTO rc_t SELECT generate_series(1, 3)").RowCount);
        Assert.Equal(2, conn.Execute("INSERT INTO rc_t VALUES (10), (11) RETURNING x").RowCount);
        Assert.Equal(5, conn.Execute("UPDATE rc_t SET x = x + 1").RowCount);
        Assert.Equal(5, conn.Execute("CREATE TABLE rc_v AS SELECT * FROM rc_t").RowCount);
        conn.Execute("DECLARE rc_c CURSOR FOR SELECT * FROM rc_t ORDER BY x");
        Assert.Equal(2, conn.Execute("FETCH 2 FROM rc_c").RowCount);
        Assert.Equal(2, conn.Execute("MOVE 2 FROM rc_c").RowCount);
        Assert.Equal(1, conn.Execute("FETCH ALL FROM rc_c").RowCount);
        Assert.Equal(-1, conn.Execute("SET LOCAL work_mem = '4MB'").RowCount);
        conn.Rollback();
    }

    /// <summary>psycopg's tests/test_pipeline.py::test_pipeline_aborted, one to one.</summary>
    [Fact]
    public void Pipeline_statements_after_a_failed_one_raise_PipelineAborted_until_Sync()
    {
        using var conn = db.Connect(autocommit: true);
        Cursor c1, c2;
        Scenario.Run("pipeline aborted (psycopg test_pipeline_aborted)", Bound, () =>
        {
            using var p = conn.Pipeline();
            c1 = conn.Execute("select 1");
            Assert.Throws<UndefinedTable>(() => conn.Execute("select * from doesnotexist").FetchOne());
            Assert.Throws<PipelineAborted>(() => conn.Execute("select 'aborted'").FetchOne());
            // Sync restores the connection in a usable state.
            p.Sync();
            c2 = conn.Execute("select 2");
            Assert.Equal(1, c1.FetchOne()!.Get<int>(0));
            Assert.Equal(2, c2.FetchOne()!.Get<int>(0));
        });
    }

    [Fact]
    public void An_aborted_pipeline_does_not_execute_what_was_queued_after_the_failure()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE pl_abort (id int)");
        using (var p = conn.Pipeline())
        {
            Assert.Throws<DivisionByZero>(() => conn.Execute("SELECT 1 / %s", 0).FetchOne());
            var skipped = conn.Execute("INSERT INTO pl_abort VALUES (%s)", 1);
            var also = conn.Execute("INSERT INTO pl_abort VALUES (%s)", 2);
            Assert.Throws<PipelineAborted>(() => also.RowCount);
            p.Sync();   // the failure was already raised: Sync doesn't raise it again
            Assert.Throws<PipelineAborted>(() => skipped.FetchOne());
            var after = conn.Execute("INSERT INTO pl_abort VALUES (%s)", 3);
            p.Sync();
            Assert.Equal(1, after.RowCount);
        }
        Assert.Equal([3], conn.Execute("SELECT id FROM pl_abort").FetchAll<int>());
    }

    [Fact]
    public void A_commit_queued_in_an_aborted_pipeline_raises_instead_of_looking_done()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE pl_commit (id int)");
        conn.Commit();
        using (conn.Pipeline())
        {
            conn.Execute("INSERT INTO pl_commit VALUES (%s)", 1);
            Assert.Throws<DivisionByZero>(() => conn.Execute("SELECT 1 / %s", 0).FetchOne());
            Assert.Throws<PipelineAborted>(() => conn.Commit());
        }
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        conn.Rollback();
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM pl_commit").FetchOne()![0]);
    }
}
