using Sharpgres.Tests.Infrastructure;
using Sharpgres.Errors;

namespace Sharpgres.Pool.Tests;

/// <summary>What happens to a connection given back: idle, in a transaction, failed, busy, broken; reset, configure, check.</summary>
public sealed class ReturnTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private ConnectionPool Pool(Action<Connection>? configure = null, Action<Connection>? check = null, Action<Connection>? reset = null, int max = 1) =>
        new(db.ConnString, minSize: 1, maxSize: max, timeout: TimeSpan.FromSeconds(15), configure: configure, check: check, reset: reset);

    [Fact]
    public void A_connection_returned_in_a_transaction_is_rolled_back_and_another_connection_never_sees_the_row()
    {
        using var pool = Pool();
        pool.Connection(conn => conn.Execute("CREATE TABLE IF NOT EXISTS returned_tx (v int)"));
        int pid;
        using (var conn = pool.Connection())
        {
            pid = conn.Info.BackendPid;
            conn.Execute("INSERT INTO returned_tx VALUES (42)");
            Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        }   // Dispose gives it back: never a commit
        using (var other = Pg.Connect(db.ConnString))
            Assert.Equal(0, other.Execute("SELECT count(*) FROM returned_tx").FetchOne<long>());
        using (var again = pool.Connection())
        {
            Assert.Equal(pid, again.Info.BackendPid);
            Assert.Equal(TransactionStatus.Idle, again.TransactionStatus);
            Assert.Equal(0, again.Execute("SELECT count(*) FROM returned_tx").FetchOne<long>());
        }
        Assert.Equal(0, pool.GetStats()["returns_bad"]);
    }

    [Fact]
    public async Task A_failed_transaction_is_rolled_back_too_async()
    {
        await using var pool = Pool();
        int pid;
        await using (var conn = await pool.ConnectionAsync())
        {
            pid = conn.Info.BackendPid;
            await Assert.ThrowsAsync<DivisionByZero>(() => conn.ExecuteAsync("SELECT 1/0"));
            Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        }
        await using var again = await pool.ConnectionAsync();
        Assert.Equal(pid, again.Info.BackendPid);
        Assert.Equal(1, (await again.ExecuteAsync("SELECT 1")).FetchOne<int>());
    }

    [Fact]
    public void A_returned_connection_is_indistinguishable_from_a_new_one()
    {
        using var pool = Pool();
        int pid;
        var previousHandlerRan = false;
        using (var conn = pool.Connection())
        {
            pid = conn.Info.BackendPid;
            conn.Autocommit = true;
            conn.IsolationLevel = IsolationLevel.Serializable;
            conn.ReadOnly = true;
            conn.PrepareThreshold = 0;
            conn.Notice += (_, _) => previousHandlerRan = true;
            for (var i = 0; i < 3; i++) conn.Execute("SELECT %s::int + 1", i);   // prepared server-side
            conn.Execute("DISCARD ALL");                                          // ... and forgotten by the server
        }
        using var again = pool.Connection();
        Assert.Equal(pid, again.Info.BackendPid);
        Assert.False(again.Autocommit);
        Assert.Null(again.IsolationLevel);
        Assert.Null(again.ReadOnly);
        Assert.Equal(5, again.PrepareThreshold);
        again.Execute("DO $$ BEGIN RAISE NOTICE 'hello'; END $$");
        Assert.False(previousHandlerRan);
        // The statement cache agrees with the server: the same query runs (and prepares again) after DISCARD ALL.
        for (var i = 0; i < 7; i++) Assert.Equal(i + 1, again.Execute("SELECT %s::int + 1", i).FetchOne<int>());
        Assert.Equal(1, again.Execute("SELECT count(*) FROM pg_prepared_statements").FetchOne<long>());
        Assert.Equal("off", again.Execute("SHOW transaction_read_only").FetchOne<string>());
    }

    [Fact]
    public void A_connection_returned_in_the_middle_of_a_stream_is_closed_and_replaced()
    {
        using var pool = Pool();
        int pid;
        var conn = pool.Connection();
        pid = conn.Info.BackendPid;
        using (var rows = conn.Cursor().Stream("SELECT generate_series(1, 100000)").GetEnumerator())
        {
            Assert.True(rows.MoveNext());
            conn.Dispose();   // given back while the stream is unfinished
        }
        using var again = pool.Connection();
        Assert.NotEqual(pid, again.Info.BackendPid);
        Assert.Equal(1, pool.GetStats()["returns_bad"]);
    }

    [Fact]
    public void A_connection_whose_backend_was_terminated_raises_once_then_is_replaced()
    {
        using var pool = Pool();
        var conn = pool.Connection();
        var pid = conn.Info.BackendPid;
        Db.Terminate(pid);
        var e = Assert.ThrowsAny<OperationalError>(() => { conn.Execute("SELECT 1"); conn.Execute("SELECT 1"); });
        Assert.True(e is AdminShutdown || e.SqlState is null, $"{e.GetType().Name}: {e.Message}");
        Assert.True(conn.Broken);
        conn.Dispose();
        Assert.Equal(1, pool.GetStats()["returns_bad"]);
        using var again = pool.Connection();
        Assert.NotEqual(pid, again.Info.BackendPid);
        Assert.Equal(1, again.Execute("SELECT 1").FetchOne<int>());
    }

    [Fact]
    public void Configure_runs_once_per_new_connection_and_what_it_sets_is_kept()
    {
        var configured = 0;
        using var pool = Pool(configure: conn =>
        {
            Interlocked.Increment(ref configured);
            conn.Autocommit = true;
            conn.Execute("SET application_name = 'configured'");
        });
        for (var i = 0; i < 5; i++)
            using (var conn = pool.Connection())
            {
                Assert.True(conn.Autocommit);
                Assert.Equal("configured", conn.Execute("SHOW application_name").FetchOne<string>());
                conn.Autocommit = false;   // this checkout's change dies with it
            }
        Assert.Equal(1, configured);
    }

    [Fact]
    public void A_configure_that_leaves_a_transaction_open_discards_the_connection()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1, timeout: TimeSpan.FromMilliseconds(800),
            configure: conn => conn.Execute("SELECT 1"));   // not autocommit: a transaction stays open
        Assert.Throws<PoolTimeout>(() => pool.Connection());
        Assert.True(pool.GetStats()["connections_errors"] >= 1);
    }

    [Fact]
    public void Check_runs_at_checkout_and_a_failing_connection_is_replaced_within_the_same_timeout()
    {
        var checks = 0;
        var failFor = -1;
        using var pool = Pool(check: conn =>
        {
            Interlocked.Increment(ref checks);
            if (conn.Info.BackendPid == Volatile.Read(ref failFor)) throw new OperationalError("check says no");
            ConnectionPool.CheckConnection(conn);
        });
        int pid;
        using (var conn = pool.Connection()) pid = conn.Info.BackendPid;
        Volatile.Write(ref failFor, pid);
        using (var conn = pool.Connection())
        {
            Assert.NotEqual(pid, conn.Info.BackendPid);   // the caller never saw the failing one
            Assert.Equal(1, conn.Execute("SELECT 1").FetchOne<int>());
        }
        Assert.True(checks >= 3);
        Assert.Equal(1, pool.GetStats()["connections_lost"]);
    }

    [Fact]
    public async Task The_builtin_check_catches_a_terminated_connection_async()
    {
        await using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 1, check: ConnectionPool.CheckConnection);
        int pid;
        await using (var conn = await pool.ConnectionAsync()) pid = conn.Info.BackendPid;
        Db.Terminate(pid);
        await using var again = await pool.ConnectionAsync();
        Assert.NotEqual(pid, again.Info.BackendPid);
        Assert.Equal(1, (await again.ExecuteAsync("SELECT 1")).FetchOne<int>());
    }

    [Fact]
    public void Reset_runs_before_reuse_and_a_reset_that_leaves_it_not_idle_closes_it()
    {
        var resets = 0;
        var breakIt = false;
        using var pool = Pool(reset: conn =>
        {
            resets++;
            conn.Autocommit = true;   // reset must leave the connection idle (psycopg's rule)
            conn.Execute("RESET ALL");
            conn.Autocommit = false;
            if (breakIt) conn.Execute("SELECT 1");   // opens a transaction: not idle
        });
        int pid;
        using (var conn = pool.Connection())
        {
            pid = conn.Info.BackendPid;
            conn.Execute("SET search_path = nowhere");
            conn.Commit();
        }
        using (var conn = pool.Connection())
        {
            Assert.Equal(pid, conn.Info.BackendPid);
            Assert.Equal("\"$user\", public", conn.Execute("SHOW search_path").FetchOne<string>());
            conn.Commit();
            breakIt = true;
        }
        using (var conn = pool.Connection()) Assert.NotEqual(pid, conn.Info.BackendPid);
        Assert.Equal(3, resets);   // after each of the three checkouts
    }

    [Fact]
    public void Closing_a_pooled_connection_closes_it_for_good_and_the_pool_replaces_it()
    {
        using var pool = Pool();
        var conn = pool.Connection();
        var pid = conn.Info.BackendPid;
        conn.Close();
        Assert.True(conn.Closed);
        using var again = pool.Connection();
        Assert.NotEqual(pid, again.Info.BackendPid);
    }
}
