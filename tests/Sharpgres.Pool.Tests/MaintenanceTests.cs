using Sharpgres.Tests.Infrastructure;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Sharpgres.Errors;

namespace Sharpgres.Pool.Tests;

/// <summary>Background work and administration: min_size filling, max_lifetime, max_idle, Drain, Resize, Check, Close, Wait.</summary>
public sealed class MaintenanceTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Open_with_wait_returns_once_minSize_connections_are_open()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 3, maxSize: 5, open: false);
        pool.Open(wait: true, timeout: TimeSpan.FromSeconds(30));
        var stats = pool.GetStats();
        Assert.Equal(3, stats["pool_available"]);
        Assert.Equal(3, stats["pool_size"]);
        Assert.Equal(3, stats["pool_min"]);
        Assert.Equal(5, stats["pool_max"]);
        Assert.Equal(3, stats["connections_num"]);
    }

    [Fact]
    public void Wait_on_a_pool_that_cannot_connect_raises_PoolTimeout_and_closes_it()
    {
        using var pool = new ConnectionPool("host=127.0.0.1 port=1 user=nobody dbname=none sslmode=disable connect_timeout=2", minSize: 1, open: false);
        pool.Open();
        Assert.Throws<PoolTimeout>(() => pool.Wait(TimeSpan.FromMilliseconds(500)));
        Assert.True(pool.Closed);
        Assert.True(pool.GetStats()["connections_errors"] >= 1);
    }

    [Fact]
    public void Connections_past_maxLifetime_are_replaced()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxLifetime: TimeSpan.FromMilliseconds(400));
        int first;
        using (var conn = pool.Connection()) first = conn.Info.BackendPid;
        Db.WaitUntil(() => { using var conn = pool.Connection(); return conn.Info.BackendPid != first; }, what: "a replacement connection");
        Db.WaitUntil(() => !Db.Backends(db.Name).Contains(first), what: "the expired backend closed");
        Assert.True(pool.GetStats()["connections_num"] >= 2);
    }

    [Fact]
    public void Idle_connections_above_minSize_are_closed_after_maxIdle()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 4, maxIdle: TimeSpan.FromMilliseconds(300));
        var held = Enumerable.Range(0, 4).Select(_ => pool.Connection()).ToList();
        Assert.Equal(4, pool.GetStats()["pool_size"]);
        foreach (var c in held) c.Dispose();
        Db.WaitUntil(() => pool.GetStats()["pool_size"] == 1, what: "pool shrunk to minSize");
        Db.WaitUntil(() => Db.Backends(db.Name).Length == 1, what: "server sessions closed");
        using var conn = pool.Connection();
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne<int>());
    }

    [Fact]
    public void Drain_replaces_idle_connections_now_and_connections_in_use_when_they_come_back()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 2, maxSize: 2);
        pool.Wait(TimeSpan.FromSeconds(30));
        var inUse = pool.Connection();
        var inUsePid = inUse.Info.BackendPid;
        int idlePid;
        using (var c = pool.Connection()) idlePid = c.Info.BackendPid;
        pool.Drain();
        Db.WaitUntil(() => pool.GetStats()["pool_available"] == 1, what: "replacement opened");
        using (var c = pool.Connection()) Assert.NotEqual(idlePid, c.Info.BackendPid);
        inUse.Dispose();
        Db.WaitUntil(() => !Db.Backends(db.Name).Contains(inUsePid) && !Db.Backends(db.Name).Contains(idlePid), what: "drained sessions closed");
        Db.WaitUntil(() => pool.GetStats()["pool_available"] == 2, what: "pool refilled");
    }

    [Fact]
    public void Resize_grows_and_shrinks_the_pool()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 2);
        pool.Wait(TimeSpan.FromSeconds(30));
        pool.Resize(3, 5);
        Assert.Equal(3, pool.MinSize);
        Assert.Equal(5, pool.MaxSize);
        Db.WaitUntil(() => pool.GetStats()["pool_available"] == 3, what: "grown to the new minSize");
        pool.Resize(1, 1);
        Assert.Equal(1, pool.GetStats()["pool_size"]);
        Db.WaitUntil(() => Db.Backends(db.Name).Length == 1, what: "extra sessions closed");
        var held = pool.Connection();
        Assert.Throws<PoolTimeout>(() => pool.Connection(TimeSpan.FromMilliseconds(200)));
        held.Dispose();
    }

    [Fact]
    public void Check_replaces_idle_connections_that_died()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 2);
        pool.Wait(TimeSpan.FromSeconds(30));
        var pids = Db.Backends(db.Name);
        foreach (var pid in pids) Db.Terminate(pid);
        Db.WaitUntil(() => Db.Backends(db.Name).Length == 0, what: "backends gone");
        pool.Check();
        Assert.Equal(2, pool.GetStats()["connections_lost"]);
        Db.WaitUntil(() => pool.GetStats()["pool_available"] == 2, what: "replacements opened");
        using var conn = pool.Connection();
        Assert.DoesNotContain(conn.Info.BackendPid, pids);
    }

    [Fact]
    public async Task Close_fails_every_waiter_with_PoolClosed_and_waits_for_connections_in_use()
    {
        var pool = new ConnectionPool(db.ConnString, minSize: 1, maxSize: 1, timeout: TimeSpan.FromSeconds(30));
        var held = pool.Connection();
        var pid = held.Info.BackendPid;
        var syncWaiter = Task.Run(() => pool.Connection());
        var asyncWaiter = pool.ConnectionAsync();
        Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == 2, what: "two requests queued");
        var closing = pool.CloseAsync(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<PoolClosed>(() => syncWaiter.WaitAsync(TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAsync<PoolClosed>(() => asyncWaiter.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(closing.IsCompleted);   // still waiting for the connection in use
        Assert.Equal(1, held.Execute("SELECT 1").FetchOne<int>());
        held.Dispose();
        await closing.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(pool.Closed);
        Assert.Throws<PoolClosed>(() => pool.Connection());
        Db.WaitUntil(() => !Db.Backends(db.Name).Contains(pid), what: "session closed");
    }

    [Fact]
    public void PopStats_returns_the_counters_and_restarts_them()
    {
        using var pool = new ConnectionPool(db.ConnString, minSize: 1);
        for (var i = 0; i < 3; i++) pool.Connection(conn => conn.Execute("SELECT 1"));
        var popped = pool.PopStats();
        Assert.Equal(3, popped["requests_num"]);
        string[] keys = ["pool_min", "pool_max", "pool_size", "pool_available", "requests_waiting", "usage_ms", "requests_num",
            "requests_queued", "requests_wait_ms", "requests_errors", "returns_bad", "connections_num", "connections_ms",
            "connections_errors", "connections_lost"];
        Assert.Equal(keys.Order(), popped.Keys.Order());
        var after = pool.GetStats();
        Assert.Equal(0, after["requests_num"]);
        Assert.Equal(1, after["pool_size"]);   // sizes are measures, not counters
    }

    [Fact]
    public void The_pool_logs_under_Sharpgres_Pool()
    {
        var sink = new ListLoggerProvider();
        var previous = Pg.LoggerFactory;
        ConnectionPool pool;
        Pg.LoggerFactory = sink;
        try { pool = new ConnectionPool(db.ConnString, minSize: 1, name: "logged"); }
        finally { Pg.LoggerFactory = previous; }
        using (pool)
        {
            using (var conn = pool.Connection()) conn.Execute("SELECT 1");   // left in a transaction
        }
        var lines = sink.Lines.Where(l => l.Category == "Sharpgres.Pool").Select(l => l.Message).ToList();
        Assert.Contains(lines, l => l.Contains("'logged': connection opened"));
        Assert.Contains(lines, l => l.Contains("rolling back returned connection"));
        Assert.Contains(lines, l => l.Contains("closed"));
    }

    private sealed class ListLoggerProvider : ILoggerFactory
    {
        public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }

        private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue((category, formatter(state, exception)));
        }
    }
}
