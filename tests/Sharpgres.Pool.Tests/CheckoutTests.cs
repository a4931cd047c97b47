using Sharpgres.Tests.Infrastructure;
using System.Diagnostics;
using Sharpgres.Errors;

namespace Sharpgres.Pool.Tests;

/// <summary>Taking connections: the using and delegate forms, sync and async, the FIFO queue, timeouts, cancellation, maxWaiting.</summary>
public sealed class CheckoutTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private ConnectionPool Pool(int min = 1, int? max = null, double timeout = 10, int maxWaiting = 0, string? name = null) =>
        new(db.ConnString, minSize: min, maxSize: max, timeout: TimeSpan.FromSeconds(timeout), maxWaiting: maxWaiting, name: name);

    [Fact]
    public void A_using_block_gives_the_connection_back_and_the_next_checkout_reuses_it()
    {
        using var pool = Pool(min: 1);
        int pid;
        using (var conn = pool.Connection())
        {
            pid = conn.Info.BackendPid;
            Assert.Equal(1, conn.Execute("SELECT 1").FetchOne<int>());
        }
        using (var conn = pool.Connection()) Assert.Equal(pid, conn.Info.BackendPid);
        var stats = pool.GetStats();
        Assert.Equal(2, stats["requests_num"]);
        Assert.Equal(1, stats["pool_size"]);
        Assert.Equal(1, stats["pool_available"]);
    }

    [Fact]
    public async Task Async_checkouts_and_the_async_block_form()
    {
        await using var pool = Pool(min: 1);
        await pool.OpenAsync(wait: true, timeout: TimeSpan.FromSeconds(20));
        await using (var conn = await pool.ConnectionAsync(cancellationToken: CancellationToken.None))
            Assert.Equal(2, (await conn.ExecuteAsync("SELECT 2")).FetchOne<int>());
        var n = await pool.ConnectionAsync(async conn => (await conn.ExecuteAsync("SELECT 3")).FetchOne<int>(), CancellationToken.None);
        Assert.Equal(3, n);
        var c = await pool.GetConnectionAsync();
        await pool.PutConnectionAsync(c);
        Assert.Equal(3, pool.GetStats()["requests_num"]);
    }

    [Fact]
    public void The_block_form_commits_when_it_returns_and_rolls_back_when_it_throws()
    {
        using var pool = Pool(min: 1);
        pool.Connection(conn => conn.Execute("CREATE TABLE IF NOT EXISTS block_form (v int)"));
        pool.Connection(conn => conn.Execute("INSERT INTO block_form VALUES (1)"));
        Assert.Throws<InvalidOperationException>(() => pool.Connection(conn =>
        {
            conn.Execute("INSERT INTO block_form VALUES (2)");
            throw new InvalidOperationException("boom");
        }));
        using var other = Pg.Connect(db.ConnString);
        Assert.Equal([1], other.Execute("SELECT v FROM block_form ORDER BY v").FetchAll().Select(r => r.Get<int>(0)));
    }

    [Fact]
    public void GetConnection_and_PutConnection_pair_and_a_foreign_connection_is_refused()
    {
        using var pool = Pool(min: 1);
        var conn = pool.GetConnection();
        pool.PutConnection(conn);
        pool.PutConnection(conn);   // given back already: nothing happens
        Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
        using var own = Pg.Connect(db.ConnString);
        var e = Assert.Throws<ArgumentException>(() => pool.PutConnection(own));
        Assert.Contains("doesn't come from any pool", e.Message);
        using var other = Pool(min: 1, name: "other-pool");
        var foreign = other.GetConnection();
        Assert.Contains("other-pool", Assert.Throws<ArgumentException>(() => pool.PutConnection(foreign)).Message);
        other.PutConnection(foreign);
    }

    [Fact]
    public async Task Waiters_are_served_first_come_first_served_sync_and_async_mixed()
    {
        using var pool = Pool(min: 1, max: 1, timeout: 30);
        var held = pool.Connection();
        var order = new List<int>();
        var tasks = new List<Task>();
        for (var i = 0; i < 6; i++)
        {
            var id = i;
            var queuedBefore = pool.GetStats()["requests_waiting"];
            tasks.Add(id % 2 == 0
                ? Task.Run(() => { using var c = pool.Connection(); lock (order) order.Add(id); })
                : Task.Run(async () => { await using var c = await pool.ConnectionAsync(); lock (order) order.Add(id); }));
            Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == queuedBefore + 1, what: $"request {id} queued");
        }
        held.Dispose();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([0, 1, 2, 3, 4, 5], order);
    }

    [Fact]
    public void PoolTimeout_after_the_timeout_names_the_pool_and_its_sizes()
    {
        using var pool = Pool(min: 1, max: 1, name: "timeout-pool");
        using var held = pool.Connection();
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<PoolTimeout>(() => pool.Connection(TimeSpan.FromMilliseconds(300)));
        watch.Stop();
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(5));
        Assert.IsAssignableFrom<OperationalError>(e);
        Assert.Contains("'timeout-pool'", e.Message);
        Assert.Contains("1 in use, 0 idle", e.Message);
        Assert.Contains("maxSize 1", e.Message);
        var stats = pool.GetStats();
        Assert.Equal(1, stats["requests_errors"]);
        Assert.Equal(0, stats["requests_waiting"]);
    }

    [Fact]
    public async Task Async_PoolTimeout_and_a_cancelled_token_leave_the_queue()
    {
        await using var pool = Pool(min: 1, max: 1);
        var held = await pool.ConnectionAsync();
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAsync<PoolTimeout>(() => pool.ConnectionAsync(TimeSpan.FromMilliseconds(300)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(5));

        using var cts = new CancellationTokenSource();
        var cancelled = pool.ConnectionAsync(cancellationToken: cts.Token);
        Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == 1, what: "request queued");
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, pool.GetStats()["requests_waiting"]);

        var next = pool.ConnectionAsync();
        Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == 1, what: "request queued");
        var pid = held.Info.BackendPid;
        await held.DisposeAsync();
        await using var got = await next.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(pid, got.Info.BackendPid);   // the cancelled request did not swallow the connection
    }

    [Fact]
    public async Task TooManyRequests_when_maxWaiting_requests_already_wait()
    {
        using var pool = Pool(min: 1, max: 1, maxWaiting: 1, name: "busy-pool");
        var held = pool.Connection();
        var waiting = Task.Run(() => { using var c = pool.Connection(); });
        Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == 1, what: "request queued");
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<TooManyRequests>(() => pool.Connection());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "refused at once, not after a wait");
        Assert.Contains("'busy-pool'", e.Message);
        Assert.IsAssignableFrom<OperationalError>(e);
        held.Dispose();
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void The_pool_grows_to_maxSize_when_requests_wait_and_never_beyond()
    {
        using var pool = Pool(min: 1, max: 3, timeout: 30);
        var held = Enumerable.Range(0, 3).Select(_ => pool.Connection()).ToList();
        Assert.Equal(3, held.Select(c => c.Info.BackendPid).Distinct().Count());
        Assert.Throws<PoolTimeout>(() => pool.Connection(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(3, pool.GetStats()["pool_size"]);
        Assert.Equal(3, Db.Backends(db.Name).Length);
        foreach (var c in held) c.Dispose();
        Assert.Equal(3, pool.GetStats()["pool_available"]);
    }

    [Fact]
    public void A_closed_or_unopened_pool_raises_PoolClosed_and_sizes_are_checked()
    {
        var pool = new ConnectionPool(db.ConnString, minSize: 1, open: false, name: "later");
        Assert.True(pool.Closed);
        Assert.Contains("not open yet", Assert.Throws<PoolClosed>(() => pool.Connection()).Message);
        pool.Open(wait: true, timeout: TimeSpan.FromSeconds(20));
        Assert.False(pool.Closed);
        Assert.Equal(1, pool.MinSize);
        Assert.Equal(1, pool.MaxSize);
        Assert.Equal("later", pool.Name);
        pool.Close();
        Assert.Contains("already closed", Assert.Throws<PoolClosed>(() => pool.Connection()).Message);
        Assert.Throws<OperationalError>(() => pool.Open());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionPool(db.ConnString, minSize: 3, maxSize: 2, open: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionPool(db.ConnString, minSize: 0, open: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionPool(db.ConnString, numWorkers: 0, open: false));
    }
}
