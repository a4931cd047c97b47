using System.Net;
using System.Net.Sockets;
using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// Issue 16 §2: the bounds a user sets and what happens at them, on the real server: cancellation by token and by
/// conn.Cancel(), statement_timeout, lock_timeout, idle_in_transaction_session_timeout, deadlocks, serialization
/// failures; and the TCP options that let a vanished host be noticed.
/// </summary>
public class ServerBoundTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static void AssertUsable(Connection conn)
    {
        Assert.False(conn.Broken);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }

    [Fact]
    public async Task A_cancelled_token_ends_the_statement_with_QueryCanceled_and_the_connection_stays_usable()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Scenario.RunAsync("token cancelled, real server", Bound,
            () => Assert.ThrowsAsync<QueryCanceled>(() => conn.Cursor().ExecuteAsync("SELECT pg_sleep(30)", null, cts.Token)));
        AssertUsable(conn);
    }

    [Fact]
    public void Cancel_from_another_thread_ends_a_sync_call_with_QueryCanceled()
    {
        using var conn = db.Connect(autocommit: true);
        using var admin = db.Connect(autocommit: true);
        var pid = conn.Info.BackendPid;
        Scenario.Run("conn.Cancel() from another thread, real server", Bound, () =>
        {
            var query = Task.Run(() => conn.Execute("SELECT pg_sleep(30)"));
            Db.WaitUntil(() => admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s AND wait_event = 'PgSleep'", pid).FetchOne()!.Get<long>(0) == 1,
                TimeSpan.FromSeconds(20));
            conn.Cancel();
            Assert.Throws<QueryCanceled>(() => query.GetAwaiter().GetResult());
        });
        AssertUsable(conn);
    }

    [Fact]
    public void Statement_timeout_raises_QueryCanceled()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("SET statement_timeout = '200ms'");
        var e = Scenario.Run("statement_timeout", Bound, () => Assert.Throws<QueryCanceled>(() => conn.Execute("SELECT pg_sleep(30)")));
        Assert.Contains("statement timeout", e.Message);
        AssertUsable(conn);
    }

    [Fact]
    public void Lock_timeout_raises_LockNotAvailable()
    {
        using var holder = db.Connect();
        holder.Execute("CREATE TABLE IF NOT EXISTS bound_lock (id int PRIMARY KEY)");
        holder.Commit();
        holder.Execute("LOCK TABLE bound_lock IN ACCESS EXCLUSIVE MODE");
        using var waiter = db.Connect(autocommit: true);
        waiter.Execute("SET lock_timeout = '200ms'");
        Scenario.Run("lock_timeout", Bound, () => Assert.Throws<LockNotAvailable>(() => waiter.Execute("SELECT * FROM bound_lock")));
        AssertUsable(waiter);
        holder.Rollback();
    }

    [Fact]
    public void Idle_in_transaction_session_timeout_is_an_operational_error_and_breaks_the_connection()
    {
        using var conn = db.Connect();
        using var admin = db.Connect(autocommit: true);
        var pid = conn.Info.BackendPid;
        conn.Execute("SET idle_in_transaction_session_timeout = '200ms'");   // opens the transaction it then idles in
        Db.WaitUntil(() => admin.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid).FetchOne()!.Get<long>(0) == 0,
            TimeSpan.FromSeconds(20));
        var e = Scenario.Run("idle_in_transaction_session_timeout", Bound, () => Assert.ThrowsAny<OperationalError>(() => conn.Execute("SELECT 1")));
        Assert.Equal("25P03", e.SqlState);
        Assert.Contains("idle-in-transaction timeout", e.Message);
        Assert.True(conn.Broken);
    }

    [Fact]
    public void A_deadlock_fails_one_side_with_DeadlockDetected_and_the_other_proceeds()
    {
        using (var setup = db.Connect(autocommit: true))
        {
            setup.Execute("CREATE TABLE IF NOT EXISTS bound_deadlock (id int PRIMARY KEY, v int)");
            setup.Execute("INSERT INTO bound_deadlock VALUES (1, 0), (2, 0) ON CONFLICT DO NOTHING");
        }
        using var a = db.Connect();
        using var b = db.Connect();
        a.Execute("UPDATE bound_deadlock SET v = v + 1 WHERE id = 1");
        b.Execute("UPDATE bound_deadlock SET v = v + 1 WHERE id = 2");
        var outcomes = Scenario.Run("deadlock", Bound, () =>
        {
            var first = Task.Run(() => Outcome(() => a.Execute("UPDATE bound_deadlock SET v = v + 1 WHERE id = 2")));
            var second = Task.Run(() => Outcome(() => b.Execute("UPDATE bound_deadlock SET v = v + 1 WHERE id = 1")));
            return new[] { first.GetAwaiter().GetResult(), second.GetAwaiter().GetResult() };
        });
        Assert.Single(outcomes, o => o is DeadlockDetected);
        Assert.Single(outcomes, o => o is null);
        var winner = outcomes[0] is null ? a : b;
        winner.Commit();
        (outcomes[0] is null ? b : a).Rollback();
    }

    private static Exception? Outcome(Action act)
    {
        try { act(); return null; }
        catch (Error e) { return e; }
    }

    [Fact]
    public void Write_skew_under_serializable_raises_SerializationFailure()
    {
        using (var setup = db.Connect(autocommit: true))
            setup.Execute("CREATE TABLE IF NOT EXISTS bound_skew (class int, v int)");
        using var a = db.Connect();
        using var b = db.Connect();
        a.IsolationLevel = IsolationLevel.Serializable;
        b.IsolationLevel = IsolationLevel.Serializable;
        a.Execute("SELECT sum(v) FROM bound_skew WHERE class = 1").FetchAll();
        b.Execute("SELECT sum(v) FROM bound_skew WHERE class = 2").FetchAll();
        a.Execute("INSERT INTO bound_skew VALUES (2, 10)");
        b.Execute("INSERT INTO bound_skew VALUES (1, 20)");
        a.Commit();
        Scenario.Run("serialization failure", Bound, () => Assert.Throws<SerializationFailure>(() => b.Commit()));
        AssertUsable(b);
    }

    [Fact]
    public void Keepalive_and_tcp_user_timeout_settings_reach_the_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect((IPEndPoint)listener.LocalEndpoint);
        var settings = ConnectionInfo.Parse("host=h keepalives_idle=7 keepalives_interval=3 keepalives_count=4 tcp_user_timeout=9000").Resolve(_ => null, "/nonexistent");
        Protocol.Transport.ApplyTcpOptions(socket, settings);
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        Assert.Equal(7, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!);
        Assert.Equal(3, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval)!);
        Assert.Equal(4, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount)!);
        if (OperatingSystem.IsLinux())
        {
            var value = new byte[4];
            socket.GetRawSocketOption(6, 18, value);
            Assert.Equal(9000, BitConverter.ToInt32(value));
        }
        var off = ConnectionInfo.Parse("host=h keepalives=0").Resolve(_ => null, "/nonexistent");
        Protocol.Transport.ApplyTcpOptions(socket, off);
        Assert.Equal(0, (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    public void Cancel_timeout_must_be_a_positive_number_of_seconds(string value) =>
        Assert.Throws<ProgrammingError>(() => ConnectionInfo.Parse("host=h cancel_timeout=" + value));
}
