using Sharpgres.Tests.Infrastructure;
using System.Collections.Concurrent;
using Sharpgres.Errors;
using Sharpgres.Testing;

namespace Sharpgres.Pool.Tests;

/// <summary>These restart or stop this process's server: they run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServerRestartCollection
{
    public const string Name = "Server restarts";
}

/// <summary>Self-healing: server restarts, terminated backends, reconnecting with backoff, reconnectFailed.</summary>
[Collection(ServerRestartCollection.Name)]
public sealed class RestartTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_server_restart_in_the_middle_of_load_leaves_no_stuck_task_and_the_pool_recovers()
    {
        if (TestServer.IsExternal) return;   // can't restart a server we didn't start
        await using var pool = new ConnectionPool(db.ConnString, minSize: 4, maxSize: 8, timeout: TimeSpan.FromSeconds(60),
            check: ConnectionPool.CheckConnection, autocommit: true);
        await pool.WaitAsync(TimeSpan.FromSeconds(30));
        var stop = new CancellationTokenSource();
        var done = 0;
        var errors = new ConcurrentQueue<Exception>();
        var work = Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (t % 2 == 0)
                    {
                        using var conn = pool.Connection();
                        conn.Execute("SELECT pg_sleep(0.001)");
                    }
                    else
                    {
                        await using var conn = await pool.ConnectionAsync();
                        await conn.ExecuteAsync("SELECT pg_sleep(0.001)");
                    }
                    Interlocked.Increment(ref done);
                }
                catch (Exception e) { errors.Enqueue(e); }
            }
        })).ToArray();
        Db.WaitUntil(() => Volatile.Read(ref done) > 200, what: "load running");
        await TestServer.Shared.RestartAsync();
        var afterRestart = Volatile.Read(ref done);
        Db.WaitUntil(() => Volatile.Read(ref done) > afterRestart + 200, TimeSpan.FromSeconds(45), "load running again after the restart");
        stop.Cancel();
        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(60));   // zero stuck tasks
        // With check set, only statements running at the moment of the restart may fail (their session dies under
        // them); never a checkout, never a dead connection handed out.
        Assert.All(errors, e => Assert.IsAssignableFrom<OperationalError>(e));
        Assert.DoesNotContain(errors, e => e is PoolTimeout);
        Assert.True(errors.Count <= 16, $"{errors.Count} errors: {string.Join("; ", errors.Take(5).Select(e => e.Message))}");
        await using var conn = await pool.ConnectionAsync();
        Assert.Equal(1, (await conn.ExecuteAsync("SELECT 1")).FetchOne<int>());
    }

    [Fact]
    public void Without_check_idle_connections_terminated_by_pg_terminate_backend_are_never_handed_out()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 3, maxSize: 3, timeout: TimeSpan.FromSeconds(30));
        pool.Wait(TimeSpan.FromSeconds(30));
        var dead = Db.Backends(db.Name);
        Assert.Equal(3, dead.Length);
        foreach (var pid in dead) Db.Terminate(pid);
        Db.WaitUntil(() => Db.Backends(db.Name).Length == 0, what: "backends gone");
        var errors = 0;
        for (var i = 0; i < 9; i++)
        {
            try
            {
                using var conn = pool.Connection();
                Assert.DoesNotContain(conn.Info.BackendPid, dead);
                conn.Execute("SELECT 1");
            }
            catch (OperationalError) { errors++; }
        }
        Assert.True(errors <= dead.Length, $"{errors} errors for {dead.Length} dead connections");
        Assert.True(pool.GetStats()["connections_lost"] + pool.GetStats()["returns_bad"] >= dead.Length - errors);
    }

    [Fact]
    public void After_reconnectTimeout_reconnectFailed_runs_and_the_pool_serves_again_once_the_server_is_back()
    {
        if (TestServer.IsExternal) return;
        var previousDelay = ConnectionPool.InitialRetryDelay;
        ConnectionPool.InitialRetryDelay = TimeSpan.FromMilliseconds(100);
        try
        {
            var failed = 0;
            using var pool = new ConnectionPool(db.ConnString, minSize: 2, maxSize: 2, timeout: TimeSpan.FromSeconds(45),
                reconnectTimeout: TimeSpan.FromMilliseconds(600), reconnectFailed: _ => Interlocked.Increment(ref failed),
                check: ConnectionPool.CheckConnection);
            pool.Wait(TimeSpan.FromSeconds(30));
            TestServer.Shared.Stop();
            try
            {
                pool.Check();   // both connections found dead: the pool tries to reopen them, and fails
                Db.WaitUntil(() => Volatile.Read(ref failed) >= 1, TimeSpan.FromSeconds(30), "reconnectFailed called");
                Assert.True(pool.GetStats()["connections_errors"] >= 2);
            }
            finally
            {
                TestServer.Shared.Start();
            }
            using var conn = pool.Connection();   // served as soon as the server is back (not an empty pool for ever)
            Assert.Equal(1, conn.Execute("SELECT 1").FetchOne<int>());
            Db.WaitUntil(() => pool.GetStats()["pool_size"] == 2, what: "back to minSize");
        }
        finally
        {
            ConnectionPool.InitialRetryDelay = previousDelay;
        }
    }
}
