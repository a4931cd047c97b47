using Sharpgres.Tests.Infrastructure;
using Sharpgres.Errors;

namespace Sharpgres.Pool.Tests;

/// <summary>psycopg_pool's NullConnectionPool: the pool API, no idle connections.</summary>
public sealed class NullPoolTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Every_checkout_opens_a_new_connection_and_giving_it_back_closes_it()
    {
        using var pool = new NullConnectionPool(db.ConnString);
        Assert.Equal(0, pool.MinSize);
        Assert.Equal(0, pool.MaxSize);
        int first;
        using (var conn = pool.Connection()) first = conn.Info.BackendPid;
        Db.WaitUntil(() => Db.Backends(db.Name).Length == 0, what: "the connection closed on return");
        using (var conn = pool.Connection()) Assert.NotEqual(first, conn.Info.BackendPid);
        var stats = pool.GetStats();
        Assert.Equal(0, stats["pool_size"]);
        Assert.Equal(0, stats["pool_available"]);
        Assert.Equal(2, stats["connections_num"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NullConnectionPool(db.ConnString, minSize: 1, open: false));
    }

    [Fact]
    public async Task With_maxSize_requests_wait_and_get_the_connection_given_back()
    {
        await using var pool = new NullConnectionPool(db.ConnString, maxSize: 1, timeout: TimeSpan.FromSeconds(20));
        var held = await pool.ConnectionAsync();
        var pid = held.Info.BackendPid;
        var waiting = pool.ConnectionAsync();
        Db.WaitUntil(() => pool.GetStats()["requests_waiting"] == 1, what: "request queued");
        Assert.Throws<PoolTimeout>(() => pool.Connection(TimeSpan.FromMilliseconds(200)));
        await held.DisposeAsync();
        await using var got = await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(pid, got.Info.BackendPid);
        Assert.Equal(TransactionStatus.Idle, got.TransactionStatus);
    }

    [Fact]
    public void Wait_checks_that_a_connection_can_be_opened()
    {
        using var pool = new NullConnectionPool(db.ConnString, open: false);
        pool.Open(wait: true, timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(0, pool.GetStats()["pool_size"]);
        using var bad = new NullConnectionPool("host=127.0.0.1 port=1 user=x dbname=x sslmode=disable", open: false);
        bad.Open();
        Assert.Throws<PoolTimeout>(() => bad.Wait(TimeSpan.FromSeconds(5)));
        Assert.True(bad.Closed);
    }
}
