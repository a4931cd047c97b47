using System.Diagnostics;
using Sharpgres.Errors;
using Sharpgres.Pool;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// How synchronous calls wait on each kind of socket (Protocol/SocketStream): a blocking one (a sync connect without
/// a timeout) and a non-blocking one (an async connect, a connect_timeout, or an async call since), where the driver
/// waits in poll(2) itself instead of the runtime's emulated blocking. Each way must carry big sends and receives
/// whole, honour a close from another thread promptly, and keep the socket out of the runtime's socket engine
/// while it is only used synchronously.
/// </summary>
public class SocketWaitTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string> Ways() => new()
    {
        { "sync", "sslmode=disable" },
        { "sync", "sslmode=disable connect_timeout=10" },
        { "async", "sslmode=disable" },
        { "async then sync", "sslmode=disable" },
        { "sync", "sslmode=require connect_timeout=10" },
        { "async then sync", "sslmode=require" },
    };

    private async Task<Connection> OpenAsync(string way, string options)
    {
        var conninfo = db.ConnString + " " + options;
        if (way == "sync") return Pg.Connect(conninfo, autocommit: true);
        var conn = await Pg.ConnectAsync(conninfo, autocommit: true);
        if (way == "async then sync") Assert.Equal(1, (await conn.ExecuteAsync("SELECT 1")).FetchOne<int>());
        return conn;
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Sync_calls_send_and_receive_big_values_whole(string way, string options)
    {
        using var conn = await OpenAsync(way, options);
        // 16 MB each way: more than the kernel's socket buffers, so sends and receives wait on the socket partway.
        var big = new string('x', 16 * 1024 * 1024);
        var back = Scenario.Run($"{way} ({options}): 16 MB there and back", Bound,
            () => conn.Execute("SELECT %s::text || 'y'", big).FetchOne<string>());
        Assert.Equal(big.Length + 1, back!.Length);
        Assert.EndsWith("xy", back);
        Assert.Equal(500, conn.Execute("SELECT count(*) FROM generate_series(1, 500)").FetchOne<long>());
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task A_close_from_another_thread_ends_a_waiting_sync_call_promptly(string way, string options)
    {
        var conn = await OpenAsync(way, options);
        using var admin = db.Connect(autocommit: true);
        var pid = conn.Info.BackendPid;
        var query = Task.Run(() => conn.Execute("SELECT pg_sleep(60)"));
        Db.WaitUntil(() => admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'", pid).FetchOne<long>() == 1,
            TimeSpan.FromSeconds(20));
        var closing = Stopwatch.StartNew();
        conn.Dispose();
        await Scenario.RunAsync($"{way} ({options}): Dispose() from another thread", Bound,
            () => Assert.ThrowsAnyAsync<Error>(() => query));
        Assert.True(closing.Elapsed < TimeSpan.FromSeconds(10), $"the waiting call ended {closing.Elapsed} after the close");
    }

    /// <summary>
    /// Whether the descriptor is blocking at the OS level (O_NONBLOCK in /proc/self/fdinfo), and whether the driver's
    /// view of it (Socket.Blocking) agrees: where they disagree, .NET emulates each sync call through its socket engine.
    /// </summary>
    private static bool BlockingAsTheDriverKnows(Connection conn)
    {
        var socket = conn.Session.Reader.Socket!.Socket;
        var flags = File.ReadLines($"/proc/self/fdinfo/{socket.Handle}").First(l => l.StartsWith("flags:", StringComparison.Ordinal));
        const long ONonBlock = 0x800;   // 04000 octal, asm-generic/fcntl.h
        var osBlocking = (Convert.ToInt64(flags["flags:".Length..].Trim(), 8) & ONonBlock) == 0;
        Assert.Equal(osBlocking, socket.Blocking);
        return osBlocking;
    }

    [Fact]
    public async Task Only_a_sync_connect_without_a_timeout_leaves_a_blocking_socket_and_an_async_call_ends_it()
    {
        using (var conn = await OpenAsync("sync", "sslmode=disable"))
        {
            Assert.True(BlockingAsTheDriverKnows(conn));
            Assert.Equal(1, (await conn.ExecuteAsync("SELECT 1")).FetchOne<int>());
            Assert.False(BlockingAsTheDriverKnows(conn));   // the async call made the descriptor non-blocking for good
            Assert.Equal(2, conn.Execute("SELECT 2").FetchOne<int>());
        }
        using (var conn = await OpenAsync("sync", "sslmode=disable connect_timeout=10")) Assert.False(BlockingAsTheDriverKnows(conn));
        using (var conn = await OpenAsync("async", "sslmode=disable")) Assert.False(BlockingAsTheDriverKnows(conn));
    }

    [Fact]
    public void A_pool_opens_its_connections_synchronously_on_its_worker_threads_so_sync_use_keeps_a_blocking_socket()
    {
        using var pool = new ConnectionPool(db.ConnString + " sslmode=disable", minSize: 2, name: "socket-wait");
        pool.Wait(TimeSpan.FromSeconds(20));
        using var conn = pool.Connection();
        Assert.True(BlockingAsTheDriverKnows(conn));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne<int>());
        Assert.True(BlockingAsTheDriverKnows(conn));
    }
}
