using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Sharpgres.Errors;
using Sharpgres.Pool;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Data.Tests;

/// <summary>
/// Pooling=true (the default) over the real <see cref="ConnectionPool"/>: equal connection strings share one pool,
/// Close gives the session back, the pool keys size and time it, ClearPool / ClearAllPools empty it, Pooling=false
/// opens a physical connection each time. Each test has a pool of its own (a distinct Application Name).
/// </summary>
public sealed class PoolingTests(AdoFixture db) : IClassFixture<AdoFixture>, IDisposable
{
    private static int _counter;
    private readonly List<string> _made = [];

    /// <summary>A connection string of the fixture's database with a pool no other test shares.</summary>
    private string Pooled(string extra = "")
    {
        var name = $"pooltest{Interlocked.Increment(ref _counter)}_{Environment.ProcessId}";
        var cs = $"{db.ConnectionString};Application Name={name}{(extra.Length > 0 ? ";" + extra : "")}";
        _made.Add(cs);
        return cs;
    }

    /// <summary>Each test's pools are emptied after it (not ClearAllPools: other classes' pools are in use).</summary>
    public void Dispose()
    {
        foreach (var cs in _made)
        {
            using var c = new SharpgresConnection(cs);
            SharpgresConnection.ClearPool(c);
        }
    }

    /// <summary>The backend pids the server has for an application name (a Pooling=false side connection).</summary>
    private int[] BackendsOf(string connectionString)
    {
        var app = new SharpgresConnectionStringBuilder(connectionString).ApplicationName;
        using var side = new SharpgresConnection(db.ConnectionString + ";Pooling=false");
        side.Open();
        return side.Query<int>("SELECT pid FROM pg_stat_activity WHERE application_name = @app ORDER BY pid", new { app }).ToArray();
    }

    [Fact]
    public void Connections_with_equal_strings_reuse_one_session()
    {
        var cs = Pooled();
        int first;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            first = c.ProcessId;
            Assert.Equal(first, c.ExecuteScalar<int>("SELECT pg_backend_pid()"));
        }
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            Assert.Equal(first, c.ProcessId);
            Assert.Equal(first, c.ExecuteScalar<int>("SELECT pg_backend_pid()"));
        }
        Assert.Equal([first], BackendsOf(cs));   // returned, still open, the only one
    }

    [Fact]
    public async Task Async_open_and_close_reuse_one_session()
    {
        var cs = Pooled();
        int first;
        await using (var c = new SharpgresConnection(cs))
        {
            await c.OpenAsync();
            first = c.ProcessId;
            await c.CloseAsync();
            Assert.Equal(ConnectionState.Closed, c.State);
            await c.OpenAsync();   // a closed pooled connection opens again
            Assert.Equal(first, c.ProcessId);
        }
        await using var again = new SharpgresConnection(cs);
        await again.OpenAsync();
        Assert.Equal(first, again.ProcessId);
    }

    [Fact]
    public void Pooling_false_opens_and_closes_a_physical_connection_each_time()
    {
        var cs = Pooled("Pooling=false");
        int first;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            first = c.ProcessId;
        }
        Db.WaitUntil(() => BackendsOf(cs).Length == 0);   // Close ended the session
        using var second = new SharpgresConnection(cs);
        second.Open();
        Assert.NotEqual(first, second.ProcessId);
    }

    [Fact]
    public void An_exhausted_pool_raises_a_transient_DbException_after_Timeout()
    {
        var cs = Pooled("Maximum Pool Size=1;Timeout=1");
        using var held = new SharpgresConnection(cs);
        held.Open();
        using var waiting = new SharpgresConnection(cs);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<PoolTimeout>(() => waiting.Open());
        clock.Stop();
        Assert.IsAssignableFrom<DbException>(e);
        Assert.True(e.IsTransient);
        Assert.Contains("1 in use", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal(ConnectionState.Closed, waiting.State);
        Assert.Equal(ConnectionState.Open, held.State);
        held.Close();
        waiting.Open();   // the session given back serves the next Open
        Assert.Equal(1, waiting.ExecuteScalar<int>("SELECT 1"));
    }

    [Fact]
    public async Task An_exhausted_pool_times_out_async_and_a_waiter_gets_the_session_given_back()
    {
        var cs = Pooled("Maximum Pool Size=1;Timeout=1");
        await using var held = new SharpgresConnection(cs);
        await held.OpenAsync();
        var pid = held.ProcessId;
        await using var late = new SharpgresConnection(cs);
        await Assert.ThrowsAsync<PoolTimeout>(() => late.OpenAsync());

        var cs2 = Pooled("Maximum Pool Size=1;Timeout=30");
        await using var holder = new SharpgresConnection(cs2);
        await holder.OpenAsync();
        var holderPid = holder.ProcessId;
        await using var waiter = new SharpgresConnection(cs2);
        var open = waiter.OpenAsync();
        await Task.Delay(50);
        Assert.False(open.IsCompleted);   // queued behind the one session
        await holder.CloseAsync();
        await open.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(holderPid, waiter.ProcessId);
        Assert.NotEqual(0, pid);
    }

    [Fact]
    public void A_cancelled_OpenAsync_leaves_the_queue()
    {
        var cs = Pooled("Maximum Pool Size=1;Timeout=30");
        using var held = new SharpgresConnection(cs);
        held.Open();
        using var waiting = new SharpgresConnection(cs);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => waiting.OpenAsync(cts.Token).GetAwaiter().GetResult());
        Assert.Equal(ConnectionState.Closed, waiting.State);
        held.Close();
        waiting.Open();
        Assert.Equal(1, waiting.ExecuteScalar<int>("SELECT 1"));
    }

    [Fact]
    public void A_transaction_left_open_is_rolled_back_when_the_session_is_returned()
    {
        var cs = Pooled("Maximum Pool Size=1");
        db.Execute("CREATE TABLE IF NOT EXISTS pool_returned (v int)");
        int pid;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            pid = c.ProcessId;
            var tx = c.BeginTransaction();
            c.Execute("INSERT INTO pool_returned VALUES (1)", transaction: tx);
            // closed without Commit
        }
        using var again = new SharpgresConnection(cs);
        again.Open();
        Assert.Equal(pid, again.ProcessId);   // the same session, reused
        Assert.Equal(TransactionStatus.Idle, again.AsSharpgres().TransactionStatus);
        Assert.Equal(0, again.ExecuteScalar<int>("SELECT count(*) FROM pool_returned"));
        again.Execute("INSERT INTO pool_returned VALUES (2)");   // autocommit again, not inside the old transaction
        Assert.Equal(1, again.ExecuteScalar<int>("SELECT count(*) FROM pool_returned WHERE v = 2"));
    }

    [Fact]
    public void A_failed_transaction_left_open_is_rolled_back_too()
    {
        var cs = Pooled("Maximum Pool Size=1");
        int pid;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            pid = c.ProcessId;
            var tx = c.BeginTransaction();
            Assert.Throws<DivisionByZero>(() => c.ExecuteScalar<int>("SELECT 1 / 0", transaction: tx));
        }
        using var again = new SharpgresConnection(cs);
        again.Open();
        Assert.Equal(pid, again.ProcessId);
        Assert.Equal(2, again.ExecuteScalar<int>("SELECT 2"));
    }

    [Fact]
    public void A_session_lost_while_checked_out_is_replaced()
    {
        var cs = Pooled("Maximum Pool Size=1");
        int pid;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            pid = c.ProcessId;
            using var admin = new SharpgresConnection(db.ConnectionString + ";Pooling=false");
            admin.Open();
            admin.Execute("SELECT pg_terminate_backend(@pid)", new { pid });
            Assert.ThrowsAny<DbException>(() => c.ExecuteScalar<int>("SELECT 1"));
            Assert.Equal(ConnectionState.Broken, c.State);
        }
        using var again = new SharpgresConnection(cs);
        again.Open();   // the broken session was discarded on Close, the slot freed
        Assert.NotEqual(pid, again.ProcessId);
        Assert.Equal(1, again.ExecuteScalar<int>("SELECT 1"));
    }

    [Fact]
    public void ClearPool_closes_idle_sessions_now_and_those_in_use_when_returned()
    {
        var cs = Pooled();
        using var inUse = new SharpgresConnection(cs);
        inUse.Open();
        var inUsePid = inUse.ProcessId;
        int idlePid;
        using (var idle = new SharpgresConnection(cs))
        {
            idle.Open();
            idlePid = idle.ProcessId;
        }
        Assert.Equal(new[] { inUsePid, idlePid }.Order(), BackendsOf(cs));

        SharpgresConnection.ClearPool(inUse);
        Db.WaitUntil(() => BackendsOf(cs).SequenceEqual([inUsePid]));   // the idle one is closed, nothing replaces it
        Assert.Equal(1, inUse.ExecuteScalar<int>("SELECT 1"));          // the one in use keeps working
        inUse.Close();
        Db.WaitUntil(() => BackendsOf(cs).Length == 0);                 // ... and is closed when it comes back

        using var fresh = new SharpgresConnection(cs);
        fresh.Open();
        Assert.DoesNotContain(fresh.ProcessId, new[] { inUsePid, idlePid });
    }

    [Fact]
    public void ClearAllPools_clears_every_connection_string_pool()
    {
        var a = Pooled();
        var b = Pooled();
        foreach (var cs in new[] { a, b })
        {
            using var c = new SharpgresConnection(cs);
            c.Open();
        }
        Assert.Single(BackendsOf(a));
        Assert.Single(BackendsOf(b));
        SharpgresConnection.ClearAllPools();
        Db.WaitUntil(() => BackendsOf(a).Length == 0 && BackendsOf(b).Length == 0);
    }

    [Fact]
    public void Minimum_Pool_Size_sessions_are_opened_in_the_background_and_kept()
    {
        var cs = Pooled("Minimum Pool Size=2;Maximum Pool Size=3;Connection Idle Lifetime=1");
        using (var c = new SharpgresConnection(cs)) c.Open();
        Db.WaitUntil(() => BackendsOf(cs).Length == 2);
        // Three in use, then back: idle above the minimum for more than Connection Idle Lifetime is closed.
        var three = Enumerable.Range(0, 3).Select(_ => new SharpgresConnection(cs)).ToList();
        foreach (var c in three) c.Open();
        Assert.Equal(3, BackendsOf(cs).Length);
        foreach (var c in three) c.Dispose();
        Db.WaitUntil(() => BackendsOf(cs).Length == 2, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Connection_Lifetime_replaces_sessions_older_than_it()
    {
        var cs = Pooled("Connection Lifetime=1");
        int first;
        using (var c = new SharpgresConnection(cs))
        {
            c.Open();
            first = c.ProcessId;
        }
        Db.WaitUntil(() =>
        {
            using var c = new SharpgresConnection(cs);
            c.Open();
            return c.ProcessId != first;
        }, TimeSpan.FromSeconds(15));
        Db.WaitUntil(() => !BackendsOf(cs).Contains(first));
    }

    [Fact]
    public void Invalid_pool_sizes_are_ArgumentExceptions_naming_the_key()
    {
        var e = Assert.Throws<ArgumentException>(() => new SharpgresConnection(Pooled("Minimum Pool Size=5;Maximum Pool Size=2")).Open());
        Assert.Contains("Minimum Pool Size", e.Message);
        Assert.Throws<ArgumentException>(() => SharpgresDataSource.Create(Pooled("Maximum Pool Size=0")));
    }

    [Fact]
    public void A_data_source_owns_a_ConnectionPool_sized_by_the_connection_string()
    {
        var cs = Pooled("Minimum Pool Size=1;Maximum Pool Size=4;Timeout=7;Connection Lifetime=600;Connection Idle Lifetime=60");
        var dataSource = SharpgresDataSource.Create(cs);
        var pool = dataSource.Pool;
        Assert.IsNotType<NullConnectionPool>(pool);
        Assert.Equal((1, 4), (pool.MinSize, pool.MaxSize));
        Assert.Equal(TimeSpan.FromSeconds(7), pool.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(600), pool.MaxLifetime);
        Assert.Equal(TimeSpan.FromSeconds(60), pool.MaxIdle);
        int pid;
        using (var c = dataSource.OpenConnection())
        {
            pid = c.ProcessId;
            Assert.Equal(1, pool.GetStats()["requests_num"]);
        }
        // The psycopg face takes the same session from the same pool.
        using (var conn = pool.Connection())
            Assert.Equal(pid, conn.Execute("SELECT pg_backend_pid()").FetchOne()![0]);
        dataSource.Dispose();
        Assert.True(pool.Closed);
        Db.WaitUntil(() => BackendsOf(cs).Length == 0);
        Assert.Throws<ObjectDisposedException>(() => dataSource.OpenConnection());
    }

    [Fact]
    public async Task A_data_source_with_Pooling_false_has_a_null_pool()
    {
        var cs = Pooled("Pooling=false");
        await using var dataSource = SharpgresDataSource.Create(cs);
        Assert.IsType<NullConnectionPool>(dataSource.Pool);
        int first;
        await using (var c = await dataSource.OpenConnectionAsync()) first = c.ProcessId;
        Db.WaitUntil(() => BackendsOf(cs).Length == 0);
        await using var second = await dataSource.OpenConnectionAsync();
        Assert.NotEqual(first, second.ProcessId);
    }

    [Fact]
    public void Data_source_connections_are_their_own_pool_not_the_connection_strings()
    {
        var cs = Pooled("Maximum Pool Size=1;Timeout=1");
        using var dataSource = SharpgresDataSource.Create(cs);
        using var fromSource = dataSource.OpenConnection();
        using var fromString = new SharpgresConnection(cs);
        fromString.Open();   // not blocked by the data source's one session
        Assert.NotEqual(fromSource.ProcessId, fromString.ProcessId);
        Assert.Throws<PoolTimeout>(() => dataSource.OpenConnection());
    }

    [Fact]
    public async Task Dapper_over_pooled_connections_shares_Maximum_Pool_Size_sessions()
    {
        var cs = Pooled("Maximum Pool Size=2;Timeout=30");
        // Dapper opens a closed connection for the call and closes it after: each call is a checkout and a return.
        var pids = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await using var c = new SharpgresConnection(cs);
            var (pid, x) = await c.QuerySingleAsync<(int, int)>("SELECT pg_backend_pid(), @i + 1", new { i });
            Assert.Equal(i + 1, x);
            return pid;
        }));
        Assert.InRange(pids.Distinct().Count(), 1, 2);
        using var sync = new SharpgresConnection(cs);
        var results = Enumerable.Range(0, 20).Select(i => sync.QuerySingle<int>("SELECT @i * 2", new { i })).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 2), results);
        Assert.Equal(ConnectionState.Closed, sync.State);   // Dapper closed what it opened
        Assert.InRange(BackendsOf(cs).Length, 1, 2);
    }
}
