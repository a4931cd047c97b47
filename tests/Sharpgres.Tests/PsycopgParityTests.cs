using System.Text;
using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;
using Sharpgres.Tests.Types;

namespace Sharpgres.Tests;

/// <summary>
/// Where Sharpgres used to differ from psycopg 3 (issue 19): descriptions of COPY and numeric columns, SetTypes with
/// array and user type names, bad COPY rows left to the server, closed connections and cursors, client_encoding.
/// Each test is named after the psycopg behaviour it checks, against the real server.
/// </summary>
public class PsycopgParityTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    // psycopg: cursor.description during and after COPY TO names the columns column_1 ... (no type: oid 0).
    [Theory]
    [InlineData("")]
    [InlineData(" (FORMAT BINARY)")]
    public void Copy_to_is_described_while_and_after_it_runs(string format)
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        using (var copy = cur.Copy($"COPY (SELECT 1 AS a, 'x' AS b) TO STDOUT{format}"))
        {
            var during = cur.Description!;
            Assert.Equal(["column_1", "column_2"], during.Select(c => c.Name));
            Assert.All(during, c => Assert.Equal(0u, c.TypeCode));
            copy.Rows().ToList();
        }
        Assert.Equal(["column_1", "column_2"], cur.Description!.Select(c => c.Name));
        Assert.Equal(1, cur.RowCount);
        Assert.Throws<ProgrammingError>(() => cur.FetchOne());   // rows come from the Copy, as psycopg
        using (var copy = cur.Copy("COPY (SELECT 1) TO STDOUT")) { }
        Assert.Single(cur.Description!);
    }

    // psycopg: during COPY FROM STDIN the cursor describes the COPY's columns (column_1 ..., oid 0) with rowcount -1;
    // after it the result is the command's: no description, rowcount and status from "COPY n" (checked with psycopg
    // 3.1.7 on PostgreSQL 15).
    [Theory]
    [InlineData("", "t")]
    [InlineData(" (FORMAT BINARY)", "t")]
    [InlineData("", "t (a)")]
    public void Copy_from_is_described_while_it_runs_and_not_after(string format, string target)
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE t (a int, b text)");
        var columns = target == "t" ? 2 : 1;
        using (var copy = cur.Copy($"COPY {target} FROM STDIN{format}"))
        {
            var during = cur.Description!;
            Assert.Equal(Enumerable.Range(1, columns).Select(i => $"column_{i}"), during.Select(c => c.Name));
            Assert.All(during, c => Assert.Equal(0u, c.TypeCode));
            Assert.Equal(-1, cur.RowCount);
            if (columns == 2) copy.WriteRow(1, "x"); else copy.WriteRow(1);
        }
        Assert.Null(cur.Description);
        Assert.Equal(1, cur.RowCount);
        Assert.Equal("COPY 1", cur.StatusMessage);
    }

    // psycopg Column: numeric has precision and scale but no display size; a negative scale (PostgreSQL 15) is signed.
    [Fact]
    public void Numeric_description_has_no_display_size_and_a_negative_scale_reads_negative()
    {
        using var conn = db.Connect(autocommit: true);
        var columns = conn.Execute("SELECT 1::numeric(10,2) AS a, 1::numeric(10,-1) AS b, 1::numeric(5) AS c, 1::numeric AS d, 'x'::varchar(7) AS e").Description!;
        Assert.Equal((10, 2, (int?)null), (columns[0].Precision!.Value, columns[0].Scale!.Value, columns[0].DisplaySize));
        Assert.Equal(-1, columns[1].Scale);
        Assert.Equal(10, columns[1].Precision);
        Assert.Null(columns[1].DisplaySize);
        Assert.Equal((5, 0), (columns[2].Precision!.Value, columns[2].Scale!.Value));
        Assert.Null(columns[3].Precision);
        Assert.Null(columns[3].Scale);
        Assert.Equal(7, columns[4].DisplaySize);
    }

    public enum ParityMood { Sad, Ok, Happy }

    // psycopg copy.set_types accepts any name its registry knows: arrays ("float8[]") and registered user types.
    [Fact]
    public void Copy_set_types_accepts_array_and_registered_user_type_names()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TYPE parity_mood AS ENUM ('sad', 'ok', 'happy')");
        conn.Execute("CREATE TABLE parity_arrays (f float8[], t text[], m parity_mood, ms parity_mood[])");
        conn.Types.RegisterEnum<ParityMood>("parity_mood");
        using var cur = conn.Cursor();
        using (var copy = cur.Copy("COPY parity_arrays FROM STDIN (FORMAT BINARY)"))
        {
            copy.SetTypes("float8[]", "_text", "parity_mood", "parity_mood[]");
            copy.WriteRow(new[] { 1.5, -2.0 }, new[] { "a", "b" }, ParityMood.Happy, new[] { ParityMood.Sad, ParityMood.Ok });
        }
        using (var copy = cur.Copy("COPY parity_arrays TO STDOUT (FORMAT BINARY)"))
        {
            copy.SetTypes("double precision[]", "text[]", "parity_mood", "parity_mood[]");
            var row = copy.ReadRow()!;
            Assert.Equal(new[] { 1.5, -2.0 }, (double[])row[0]!);
            Assert.Equal(new[] { "a", "b" }, (string[])row[1]!);
            Assert.Equal(ParityMood.Happy, (ParityMood)row[2]!);
            Assert.Equal(new[] { ParityMood.Sad, ParityMood.Ok }, (ParityMood[])row[3]!);
        }
        Assert.Throws<ProgrammingError>(() => { using var copy = cur.Copy("COPY parity_arrays TO STDOUT (FORMAT BINARY)"); copy.SetTypes("no_such_type[]", "text", "text", "text"); });
    }

    // psycopg lets the server judge a row with more values than columns: BadCopyFileFormat, a DataError.
    [Theory]
    [InlineData("")]
    [InlineData(" (FORMAT BINARY)")]
    public void Copy_write_row_with_too_many_values_is_the_servers_BadCopyFileFormat(string format)
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE IF NOT EXISTS parity_two (a int, b text)");
        using var cur = conn.Cursor();
        var e = Assert.ThrowsAny<DataError>(() => cur.Copy($"COPY parity_two FROM STDIN{format}", copy =>
        {
            copy.WriteRow(1, "one");
            copy.WriteRow(2, "two", "extra");
        }));
        Assert.IsType<BadCopyFileFormat>(e);
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM parity_two").FetchOne()![0]);
    }

    // psycopg: closing the connection inside a stream loop raises OperationalError (not an internal error).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Closing_the_connection_inside_a_stream_loop_raises_OperationalError(bool autocommit)
    {
        var conn = db.Connect(autocommit);
        var seen = 0;
        var e = Assert.Throws<OperationalError>(() =>
        {
            foreach (var row in conn.Cursor().Stream("SELECT g FROM generate_series(1, 100000) g"))
            {
                seen++;
                conn.Close();
            }
        });
        Assert.Equal(1, seen);
        Assert.Equal("the connection is closed", e.Message);
        Assert.True(conn.Closed);
        Assert.False(conn.Broken);
        Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1"));
    }

    [Fact]
    public async Task Closing_the_connection_from_another_thread_ends_a_waiting_stream_copy_and_async_stream_with_OperationalError()
    {
        const string slow = "SELECT g FROM generate_series(1, 3) g WHERE g = 1 OR pg_sleep(30) IS NOT NULL";
        using (var conn = db.Connect(autocommit: true))
        {
            var pid = conn.Info.BackendPid;
            var reading = Task.Run(() => conn.Cursor().Stream(slow).Count());
            WaitRunning(pid);
            conn.Close();
            Assert.IsAssignableFrom<OperationalError>(await Assert.ThrowsAnyAsync<Error>(() => reading.WaitAsync(TimeSpan.FromSeconds(30))));
        }
        await using (var conn = await db.ConnectAsync(autocommit: true))
        {
            var pid = conn.Info.BackendPid;
            var reading = Task.Run(async () => { await foreach (var _ in conn.Cursor().StreamAsync(slow)) { } });
            WaitRunning(pid);
            await conn.CloseAsync();
            Assert.IsAssignableFrom<OperationalError>(await Assert.ThrowsAnyAsync<Error>(() => reading.WaitAsync(TimeSpan.FromSeconds(30))));
        }
        using (var conn = db.Connect(autocommit: true))
        {
            var copy = conn.Cursor().Copy("COPY (SELECT g FROM generate_series(1, 100000) g) TO STDOUT");
            Assert.Equal(["1"], copy.ReadRow());
            conn.Close();
            Assert.Throws<OperationalError>(() => { while (copy.ReadRow() is not null) { } });
            copy.Dispose();
            Assert.True(copy.Finished);
        }
    }

    // psycopg: a connection closed while a pipeline has results pending ends them with OperationalError (fetching a
    // pending result, Sync, and leaving the block), not an internal exception; the connection stays closed.
    [Fact]
    public void Closing_the_connection_inside_a_pipeline_raises_OperationalError()
    {
        var conn = db.Connect();
        var pipeline = conn.Pipeline();
        var first = conn.Cursor().Execute("SELECT 1");
        var second = conn.Cursor().Execute("SELECT 2");
        conn.Close();
        Assert.Equal("the connection is closed", Assert.Throws<OperationalError>(() => first.FetchOne()).Message);
        Assert.Throws<OperationalError>(() => second.FetchAll());
        Assert.Throws<OperationalError>(() => pipeline.Sync());
        var leaving = Record.Exception(() => pipeline.Dispose());
        Assert.True(leaving is null or OperationalError, $"leaving the block raised {leaving}");
        Assert.True(conn.Closed);
        Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1"));
    }

    [Fact]
    public async Task Closing_the_connection_from_another_thread_ends_a_waiting_pipeline_sync_with_OperationalError()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var pid = conn.Info.BackendPid;
        var syncing = Task.Run(async () =>
        {
            await using var pipeline = conn.Pipeline();
            await conn.Cursor().ExecuteAsync("SELECT 1");
            await conn.Cursor().ExecuteAsync("SELECT pg_sleep(30)");
            await pipeline.SyncAsync();
        });
        WaitRunning(pid);
        await conn.CloseAsync();
        Assert.IsAssignableFrom<OperationalError>(await Assert.ThrowsAnyAsync<Error>(() => syncing.WaitAsync(TimeSpan.FromSeconds(30))));
    }

    // psycopg: a server cursor whose connection is closed between fetches, or while a fetch waits, raises
    // OperationalError on the next FETCH; the rows of the FETCH already received are still delivered.
    [Fact]
    public void Closing_the_connection_inside_a_server_cursor_loop_raises_OperationalError()
    {
        var conn = db.Connect();
        using var cur = conn.Cursor("closing_under_me");
        cur.ItemSize = 10;
        cur.Execute("SELECT g FROM generate_series(1, 1000) g");
        var seen = 0;
        var e = Assert.Throws<OperationalError>(() =>
        {
            foreach (var row in cur)
            {
                seen++;
                if (seen == 1) conn.Close();
            }
        });
        Assert.Equal(10, seen);   // the rows of the FETCH already read are delivered, as psycopg's iteration does
        Assert.Equal("the connection is closed", e.Message);
        Assert.Throws<OperationalError>(() => cur.FetchOne());
        Assert.True(conn.Closed);
    }

    [Fact]
    public async Task Closing_the_connection_from_another_thread_ends_a_waiting_server_cursor_fetch_with_OperationalError()
    {
        using var conn = db.Connect();
        var pid = conn.Info.BackendPid;
        var cur = conn.Cursor("closing_while_fetching");
        cur.Execute("SELECT g FROM generate_series(1, 3) g WHERE g = 1 OR pg_sleep(30) IS NOT NULL");
        var fetching = Task.Run(() => cur.FetchAll());
        WaitRunning(pid);
        conn.Close();
        Assert.IsAssignableFrom<OperationalError>(await Assert.ThrowsAnyAsync<Error>(() => fetching.WaitAsync(TimeSpan.FromSeconds(30))));
    }

    private void WaitRunning(int pid)
    {
        using var admin = db.Connect(autocommit: true);
        Db.WaitUntil(() => admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'", pid).FetchOne()!.Get<long>(0) == 1,
            TimeSpan.FromSeconds(30));
    }

    // psycopg: any operation on a closed connection raises OperationalError("the connection is closed"); a closed
    // cursor is still InterfaceError.
    [Fact]
    public void Operations_on_a_closed_connection_raise_OperationalError_the_connection_is_closed()
    {
        var conn = db.Connect();
        var cur = conn.Cursor();
        conn.Close();
        var actions = new Action[]
        {
            () => conn.Cursor(), () => conn.Execute("SELECT 1"), () => conn.Commit(), () => conn.Rollback(),
            () => conn.Transaction(), () => cur.Execute("SELECT 1"), () => conn.Cursor("named"),
        };
        foreach (var action in actions)
            Assert.Equal("the connection is closed", Assert.IsType<OperationalError>(Assert.ThrowsAny<Error>(action)).Message);
        cur.Close();
        Assert.IsType<InterfaceError>(Assert.ThrowsAny<Error>(() => cur.Execute("SELECT 1")));
    }

    // psycopg: nextset() on a closed cursor returns None, it doesn't raise.
    [Fact]
    public void Next_set_on_a_closed_cursor_returns_no_set()
    {
        using var conn = db.Connect(autocommit: true);
        var cur = conn.Cursor();
        cur.Execute("SELECT 1; SELECT 2");
        cur.Close();
        Assert.False(cur.NextSet());
        conn.Close();
        Assert.False(cur.NextSet());
    }

    // psycopg follows SET client_encoding; Sharpgres refuses it and stays in UTF-8, so nothing is ever mojibake.
    [Fact]
    public void Set_client_encoding_is_refused_and_the_session_stays_in_utf8()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE IF NOT EXISTS parity_enc (t text)");
        foreach (var sql in new[] { "SET client_encoding TO latin9", "set session client_encoding = 'LATIN1'", "SET NAMES 'win1252'", "SELECT 1; SET LOCAL client_encoding TO sql_ascii" })
            Assert.Contains("not supported", Assert.Throws<NotSupportedError>(() => conn.Execute(sql)).Message);
        conn.Execute("SET client_encoding TO 'UTF8'");
        conn.Execute("RESET client_encoding");
        Assert.Equal("UTF8", conn.Execute("SHOW client_encoding").FetchOne()![0]);
        Assert.Equal("UTF8", conn.Info.Encoding);
        conn.Execute("INSERT INTO parity_enc VALUES (%s)", "€€");
        Assert.Equal([2, 2], ServerTwice.Get<int>(conn, "SELECT length(t) FROM parity_enc"));
        Assert.Equal(["€€", "€€"], ServerTwice.Get<string>(conn, "SELECT t FROM parity_enc"));
        var notices = new List<string>();
        conn.Notice += (_, e) => notices.Add(e.Diagnostics.MessagePrimary!);
        conn.Execute("DO $$BEGIN RAISE NOTICE 'hello €'; END$$");
        Assert.Equal(["hello €"], notices);
    }

    [Fact]
    public void A_client_encoding_changed_another_way_closes_the_connection_with_a_clear_error()
    {
        var conn = db.Connect(autocommit: true);
        var e = Assert.Throws<NotSupportedError>(() => conn.Execute("SELECT set_config('client_encoding', 'LATIN9', false)"));
        Assert.Contains("LATIN9", e.Message);
        Assert.True(conn.Closed);
        Assert.True(conn.Broken);
        using var other = db.Connect(autocommit: true);
        Assert.Equal(1, other.Execute("SELECT 1").FetchOne()![0]);
    }
}
