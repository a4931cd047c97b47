using System.Collections.Concurrent;
using Sharpgres.Errors;
using Sharpgres.Testing;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Pool.Tests;

/// <summary>
/// Issue 16's fault scenarios run again over the pool: a pooled connection's backend terminated mid-query, a token
/// cancelling a pooled statement, a server that never answers the pool's connection attempts, and a server stopped
/// with -m immediate under a pooled writer loop. Each is bounded (Scenario: a call still running at its bound is a
/// hang) and the writer loop's counts feed .ci/run's "silent commits / lost rows" figure.
/// </summary>
public sealed class PoolFaultTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pooled_connection_terminated_mid_query_raises_OperationalError_and_is_never_handed_out_again(bool async)
    {
        await using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 1, timeout: Bound, autocommit: true);
        await pool.WaitAsync(Bound);
        int terminated = 0;
        await Scenario.RunAsync($"pool: pg_terminate_backend mid-query ({(async ? "async" : "sync")})", Bound, async () =>
        {
            var conn = async ? await pool.ConnectionAsync() : pool.Connection();
            terminated = conn.Info.BackendPid;
            var query = async ? conn.ExecuteAsync("SELECT pg_sleep(60)") : Task.Run(() => conn.Execute("SELECT pg_sleep(60)"));
            WaitSleeping(terminated);
            Db.Terminate(terminated);
            var e = await Assert.ThrowsAnyAsync<OperationalError>(() => query);
            Assert.True(e is AdminShutdown || e.SqlState is null, e.ToString());
            Assert.True(conn.Broken);
            if (async) await conn.DisposeAsync(); else conn.Dispose();   // back to the pool, which must retire it
        });
        using var next = pool.Connection();
        Assert.NotEqual(terminated, next.Info.BackendPid);
        Assert.Equal(1, next.Execute("SELECT 1").FetchOne<int>());
        Assert.True(pool.GetStats()["returns_bad"] >= 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Half_a_TLS_record_on_an_idle_pooled_connection_costs_the_checkout_a_second_not_a_hang(bool async)
    {
        // The idle check reads what the server sent while the session sat in the pool; over TLS that can be the start
        // of a record whose rest never comes (the network stalled). The read is bounded: the session is given up and
        // the caller gets another one (the check's read used to wait for the rest of the record, past any timeout:
        // both cases hit the 10 s bound).
        using var tap = new WireTap(db.ConnString, tls: true);
        await using var pool = new ConnectionPool(tap.ConnString, minSize: 0, maxSize: 1, timeout: Bound, autocommit: true);
        Protocol.Session stalled;
        int pid;
        using (var conn = pool.Connection())
        {
            Assert.True(conn.Info.IsSecure);
            conn.Execute("LISTEN pool_tls_stall");
            (stalled, pid) = (conn.Session, conn.Info.BackendPid);
        }
        tap.StallNextReplyAfter = 10;   // the notification's record: its 5-byte header and 5 bytes of its body
        using (var sender = db.Connect(autocommit: true)) sender.Execute("NOTIFY pool_tls_stall, 'never whole'");
        Db.WaitUntil(() => stalled.HasUnreadInput);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var next = await Scenario.RunAsync($"pool: half a TLS record on an idle connection ({(async ? "async" : "sync")})", TimeSpan.FromSeconds(10),
            async () => async ? await pool.ConnectionAsync() : pool.Connection());
        using (next)
        {
            Assert.InRange(watch.Elapsed, Protocol.Session.IdleReadBound - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(8));
            Assert.NotEqual(pid, next.Info.BackendPid);
            Assert.Equal(1, next.Execute("SELECT 1").FetchOne<int>());
        }
        Assert.True(stalled.IsClosed);
        Assert.True(pool.GetStats()["connections_lost"] >= 1);
    }

    [Fact]
    public async Task A_token_cancelling_a_pooled_statement_raises_QueryCanceled_and_the_connection_is_reused()
    {
        await using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 1, timeout: Bound, autocommit: true);
        int pid = 0;
        await Scenario.RunAsync("pool: token cancels a pooled statement", Bound, async () =>
        {
            await using var conn = await pool.ConnectionAsync();
            pid = conn.Info.BackendPid;
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAsync<QueryCanceled>(() => conn.ExecuteAsync("SELECT pg_sleep(60)", null, cts.Token));
            Assert.False(conn.Broken);
        });
        await using var again = await pool.ConnectionAsync();
        Assert.Equal(pid, again.Info.BackendPid);   // cancelled, not broken: the session goes back to work
        Assert.Equal(1, (await again.ExecuteAsync("SELECT 1")).FetchOne<int>());
    }

    [Fact]
    public async Task A_server_that_never_answers_the_pools_connection_attempts_ends_checkouts_with_PoolTimeout_in_time()
    {
        using var silent = new FakeServer(async (s, ct) => await Task.Delay(Timeout.Infinite, ct));
        var timeout = TimeSpan.FromSeconds(2);
        await Scenario.RunAsync("pool: silent server, checkout bounded by the pool timeout", Bound, async () =>
        {
            await using var pool = new ConnectionPool(silent.Conninfo("connect_timeout=1"), minSize: 0, maxSize: 2, timeout: timeout);
            var started = DateTime.UtcNow;
            await Assert.ThrowsAsync<PoolTimeout>(async () => { await using var c = await pool.ConnectionAsync(); });
            Assert.Throws<PoolTimeout>(() => { using var c = pool.Connection(); });
            Assert.True(DateTime.UtcNow - started < timeout * 2 + TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
        });
    }

    private void WaitSleeping(int pid)
    {
        using var admin = Db.Admin();
        Db.WaitUntil(() => admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'", pid)
            .FetchOne<long>() == 1, Bound, "the statement running");
    }
}

/// <summary>The immediate stop stops this process's server: it runs with the other restarts, alone.</summary>
[Collection(ServerRestartCollection.Name)]
public sealed class PoolImmediateStopTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_server_stopped_immediately_under_a_pooled_writer_loop_loses_no_commit_the_caller_saw()
    {
        if (TestServer.IsExternal) return;   // can't stop a server we didn't start
        using (var admin = Db.Admin(db.Name))
        {
            // The test servers run with synchronous_commit = off, which lets a crash lose confirmed commits by design
            // (the server's, not the driver's); this database writes its WAL before COMMIT returns.
            admin.Execute($"ALTER DATABASE {db.Name} SET synchronous_commit = on");
            admin.Execute("CREATE TABLE written (id int PRIMARY KEY)");
        }
        await using var pool = new ConnectionPool(db.ConnString, minSize: 2, maxSize: 4, timeout: TimeSpan.FromSeconds(60),
            check: ConnectionPool.CheckConnection);
        var committed = new ConcurrentBag<int>();
        var failed = new ConcurrentBag<int>();
        var unknown = new ConcurrentBag<int>();
        var nextId = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Interlocked.Increment(ref nextId);
                try
                {
                    await using var conn = await pool.ConnectionAsync();
                    await conn.ExecuteAsync("INSERT INTO written VALUES (%s)", [id]);
                    await conn.CommitAsync();
                    committed.Add(id);
                }
                catch (CommitUnknown) { unknown.Add(id); }
                catch (OperationalError) { failed.Add(id); await Task.Delay(20); }
            }
        })).ToArray();
        Db.WaitUntil(() => committed.Count > 50, TimeSpan.FromSeconds(30), "writers committing");
        await Scenario.RunAsync("pool: server stopped -m immediate under a writer loop", TimeSpan.FromSeconds(90), async () =>
        {
            await TestServer.Shared.StopAsync(ShutdownMode.Immediate);
            await Task.Delay(300);
            await Task.Run(TestServer.Shared.Start);
            var before = committed.Count;
            Db.WaitUntil(() => committed.Count > before + 50, TimeSpan.FromSeconds(60), "writers committing after the restart");
            stop.Cancel();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));   // no writer stuck
        });

        using var check = Db.Admin(db.Name);
        var found = check.Execute("SELECT id FROM written").FetchAll().Select(r => r.Get<int>(0)).ToHashSet();
        var silent = committed.Count(id => !found.Contains(id));
        var liedFailed = failed.Count(found.Contains);
        Scenario.Count("pool: server stopped -m immediate under a writer loop", silent, liedFailed);
        Console.WriteLine($"pooled writers across an immediate stop: committed {committed.Count}, failed {failed.Count}, " +
                          $"unknown {unknown.Count} ({unknown.Count(found.Contains)} of them committed), found {found.Count}");
        Assert.Equal(0, silent);        // every commit the caller saw returned is on the server
        Assert.Equal(0, liedFailed);    // every insert reported failed (not "unknown") is not
        // The stop must have reached the pool: a writer saw it, or the pool found dead sessions (a checkout's check
        // that fails is retried inside the pool, so on a quiet machine no caller may see the stop at all).
        var stats = pool.GetStats();
        var noticed = failed.Count + unknown.Count + stats.GetValueOrDefault("connections_lost") + stats.GetValueOrDefault("returns_bad");
        Assert.True(noticed > 0, "neither a writer nor the pool saw the stop: the scenario tested nothing");
    }
}
