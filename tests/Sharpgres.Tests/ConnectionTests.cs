using System.Diagnostics;
using Sharpgres.Errors;
using Sharpgres.Testing;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>Connecting to the shared test server: what a session knows, how failures look, misuse and cancel.</summary>
public class ConnectionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Connect_over_tcp_reports_session_details()
    {
        using var conn = db.Connect();
        Assert.False(conn.Closed);
        Assert.True(conn.Info.ServerVersion >= 100000);
        Assert.True(conn.Info.BackendPid > 0);
        Assert.Equal(db.Name, conn.Info.DbName);
        Assert.Equal("UTF8", conn.Info.ParameterStatus("client_encoding"));
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        var pid = conn.Execute("SELECT pg_backend_pid()").FetchOne()!.Get<int>(0);
        Assert.Equal(conn.Info.BackendPid, pid);
    }

    [Fact]
    public void Connect_over_unix_socket()
    {
        if (TestServer.IsExternal) return;
        var server = TestServer.Shared;
        using var conn = Pg.Connect(server.ConnectionString(db.Name, unixSocket: true));
        Assert.StartsWith("/", conn.Info.Host);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }

    [Fact]
    public void Named_arguments_override_the_conninfo_string()
    {
        if (TestServer.IsExternal) return;
        var server = TestServer.Shared;
        using var conn = Pg.Connect($"host=127.0.0.1 port={server.Port} dbname=wrong_db user=nobody", dbname: db.Name,
            user: server.SuperUser, password: server.Password, applicationName: "sharpgres-test");
        Assert.Equal("sharpgres-test", conn.Execute("SHOW application_name").FetchOne()![0]);
    }

    [Fact]
    public void Missing_database_is_an_operational_error_with_libpq_wording()
    {
        var info = ConnectionInfo.Parse(db.ConnString).With("dbname", "no_such_db");
        var e = Assert.ThrowsAny<OperationalError>(() => Pg.Connect(info));
        Assert.Contains("failed: FATAL:  database \"no_such_db\" does not exist", e.Message);
        Assert.StartsWith("connection to server at \"127.0.0.1\"", e.Message);
        Assert.Equal("3D000", e.SqlState);
    }

    [Fact]
    public void Wrong_password_is_an_operational_error_that_never_shows_the_password()
    {
        var info = ConnectionInfo.Parse(db.ConnString).With("password", "not-the-Secret-42");
        var e = Assert.ThrowsAny<OperationalError>(() => Pg.Connect(info));
        Assert.Contains("password authentication failed for user", e.Message);
        Assert.IsType<InvalidPassword>(e);
        Assert.DoesNotContain("not-the-Secret-42", e.ToString());
        Assert.DoesNotContain("not-the-Secret-42", info.ToString());
    }

    [Fact]
    public void Refused_port_is_an_operational_error()
    {
        var port = FreePort();
        var e = Assert.Throws<OperationalError>(() => Pg.Connect($"host=127.0.0.1 port={port} user=x dbname=x connect_timeout=5"));
        Assert.Contains($"connection to server at \"127.0.0.1\", port {port} failed: Connection refused", e.Message);
    }

    [Fact]
    public async Task Refused_port_async()
    {
        var port = FreePort();
        await Assert.ThrowsAsync<OperationalError>(() => Pg.ConnectAsync($"host=127.0.0.1 port={port} user=x dbname=x"));
    }

    [Fact]
    public void Malformed_conninfo_is_a_programming_error()
    {
        Assert.Throws<ProgrammingError>(() => Pg.Connect("host=localhost bogus_key=1"));
        Assert.Throws<ProgrammingError>(() => Pg.Connect("host='unterminated"));
    }

    [Fact]
    public void Multi_host_falls_over_to_the_second_host()
    {
        if (TestServer.IsExternal) return;
        var server = TestServer.Shared;
        var dead = FreePort();
        using var conn = Pg.Connect($"host=127.0.0.1,127.0.0.1 port={dead},{server.Port} dbname={db.Name} user={server.SuperUser} password='{server.Password}'");
        Assert.Equal(server.Port, conn.Info.Port);
    }

    [Fact]
    public void Dispose_twice_is_harmless_and_use_after_close_is_an_interface_error()
    {
        var conn = db.Connect();
        var cur = conn.Cursor();
        conn.Dispose();
        conn.Dispose();
        conn.Close();
        Assert.True(conn.Closed);
        Assert.False(conn.Broken);
        Assert.Throws<OperationalError>(() => cur.Execute("SELECT 1"));
        Assert.Throws<OperationalError>(() => conn.Cursor());
    }

    [Fact]
    public async Task Dispose_async_twice_is_harmless()
    {
        var conn = await db.ConnectAsync();
        await conn.DisposeAsync();
        await conn.DisposeAsync();
        Assert.True(conn.Closed);
    }

    [Fact]
    public void Notices_reach_the_handler()
    {
        using var conn = db.Connect(autocommit: true);
        var notices = new List<string>();
        conn.Notice += (_, e) => notices.Add(e.Diagnostics.MessagePrimary!);
        conn.Execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$");
        Assert.Equal(["hello 42"], notices);
    }

    [Fact]
    public void Cancel_from_another_thread_ends_with_query_canceled_and_the_connection_stays_usable()
    {
        using var conn = db.Connect();
        var watch = Stopwatch.StartNew();
        var canceller = new Thread(() =>
        {
            Db.WaitUntil(() => conn.TransactionStatus == TransactionStatus.Active);
            Thread.Sleep(100);
            conn.Cancel();
        });
        canceller.Start();
        var e = Assert.Throws<QueryCanceled>(() => conn.Execute("SELECT pg_sleep(10)"));
        canceller.Join();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("57014", e.SqlState);
        Assert.IsAssignableFrom<OperationalError>(e);
        conn.Rollback();
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }

    [Fact]
    public async Task Cancel_through_a_token_ends_with_query_canceled_and_the_connection_stays_usable()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var cur = conn.Cursor();
        await Assert.ThrowsAsync<QueryCanceled>(() => cur.ExecuteAsync("SELECT pg_sleep(10)", null, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {watch.Elapsed}");   // ~0.35 s on an idle machine
        await cur.ExecuteAsync("SELECT 2");
        Assert.Equal(2, cur.FetchOne()!.Get<int>(0));
    }

    [Fact]
    public async Task A_connect_given_up_by_its_token_closes_its_socket()
    {
        // The server got the startup packet but its answer is held back: the attempt is mid-handshake when the token
        // fires. A socket left open here kept its backend alive until the finalizer ran (a closing pool's filler).
        using var tap = new WireTap(db.ConnString);
        tap.HoldReplies = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var info = ConnectionInfo.Parse(tap.ConnString);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Pg.ConnectAsync(info, cancellationToken: cts.Token));
        Db.WaitUntil(() => tap.OpenClients == 0, TimeSpan.FromSeconds(5), "the abandoned attempt's socket to close");
    }

    [Fact]
    public async Task Two_operations_at_once_get_an_interface_error()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var slow = conn.Cursor().ExecuteAsync("SELECT pg_sleep(0.5)");
        Db.WaitUntil(() => conn.TransactionStatus == TransactionStatus.Active);
        var e = Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
        Assert.Contains("another command is already in progress", e.Message);
        await slow;
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }

    internal static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
