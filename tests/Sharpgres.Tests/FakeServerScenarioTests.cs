using System.Net.Sockets;
using System.Text;
using Sharpgres.Tests.Infrastructure;
using static Sharpgres.Tests.Infrastructure.FakeServer;

namespace Sharpgres.Tests;

/// <summary>
/// Issue 16 §1: a scripted fake server stalls, drops the socket and lies at each point of a session; every scenario
/// asserts the exact exception type and that the call returned within its bound (Scenario records both).
/// </summary>
public class FakeServerScenarioTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>An idle session, then <paramref name="answer"/> for the first statement, then silence (the stall).</summary>
    private static FakeServer AnswerThenStall(params byte[][] answer) => new(async (s, ct) =>
    {
        await AcceptSessionAsync(s, ct);
        await ReadUntilSyncAsync(s, ct);
        foreach (var part in answer) await s.WriteAsync(part, ct);
        await s.FlushAsync(ct);
        await Task.Delay(60_000, ct);
    });

    /// <summary>An idle session, then <paramref name="answer"/> for the first statement, then the socket closed.</summary>
    private static FakeServer AnswerThenDrop(params byte[][] answer) => new(async (s, ct) =>
    {
        await AcceptSessionAsync(s, ct);
        await ReadUntilSyncAsync(s, ct);
        foreach (var part in answer) await s.WriteAsync(part, ct);
        await s.FlushAsync(ct);
    });

    private static byte[] Half(byte[] message) => message[..(message.Length / 2)];

    private static readonly byte[] Row = DataRow("a value long enough to be cut in half");
    private static readonly byte[] Description = RowDescription("x");
    private static readonly byte[] CopyOut = Message('H', [0], Int16(1), Int16(0));
    private static readonly byte[] CopyRow = Message('d', Encoding.UTF8.GetBytes("1\t2\n"));

    public static TheoryData<string> StallPoints => ["mid-RowDescription", "mid-DataRow", "mid-COPY"];

    private static byte[][] AnswerUpTo(string point) => point switch
    {
        "mid-RowDescription" => [Message('1'), Message('2'), Half(Description)],
        "mid-DataRow" => [Message('1'), Message('2'), Description, Row, Half(Row)],
        _ => [CopyOut, CopyRow, Half(CopyRow)],
    };

    /// <summary>
    /// Runs <paramref name="cancel"/> from another thread once the connection's operation has started, and a moment
    /// into it. A fixed 300 ms from the test's start raced a slow start on a loaded CI machine: the cancel found
    /// nothing running (a token cancelled before the call, a Cancel with no statement to arm cancel_timeout for), and
    /// the stall then ran to the scenario's bound.
    /// </summary>
    private static void CancelOnceRunning(Connection conn, Action cancel) =>
        new Thread(() =>
        {
            SpinWait.SpinUntil(() => conn.Session.IsBusy, Bound);
            Thread.Sleep(100);
            cancel();
        }) { IsBackground = true }.Start();

    private static void Act(Connection conn, string point)
    {
        if (point == "mid-COPY")
        {
            using var copy = conn.Cursor().Copy("COPY t TO STDOUT");
            while (!copy.Read().IsEmpty) { }
        }
        else conn.Cursor().Execute("SELECT x").FetchAll();
    }

    private static async Task ActAsync(Connection conn, string point, CancellationToken ct)
    {
        if (point == "mid-COPY")
        {
            await using var copy = await conn.Cursor().CopyAsync("COPY t TO STDOUT", (object?[]?)null, ct);
            while (!(await copy.ReadAsync(ct)).IsEmpty) { }
        }
        else (await conn.Cursor().ExecuteAsync("SELECT x", null, ct)).FetchAll();
    }

    [Theory]
    [MemberData(nameof(StallPoints))]
    public async Task A_stall_ends_at_cancel_timeout_after_a_cancelled_token(string point)
    {
        using var fake = AnswerThenStall(AnswerUpTo(point));
        await using var conn = await Pg.ConnectAsync(fake.Conninfo("cancel_timeout=1"), autocommit: true);
        using var cts = new CancellationTokenSource();
        CancelOnceRunning(conn, cts.Cancel);
        var e = await Scenario.RunAsync($"stall {point}, token cancelled, silent server", Bound,
            () => Assert.ThrowsAsync<OperationalError>(() => ActAsync(conn, point, cts.Token)));
        Assert.Contains("cancel_timeout", e.Message);
        Assert.True(conn.Broken);
        Db.WaitUntil(() => fake.CancelRequests == 1);   // the CancelRequest was sent first
    }

    [Theory]
    [MemberData(nameof(StallPoints))]
    public void A_stall_ends_at_cancel_timeout_after_conn_Cancel_from_another_thread(string point)
    {
        using var fake = AnswerThenStall(AnswerUpTo(point));
        using var conn = Pg.Connect(fake.Conninfo("cancel_timeout=1"), autocommit: true);
        var e = Scenario.Run($"stall {point}, conn.Cancel() from another thread, silent server", Bound, () =>
        {
            CancelOnceRunning(conn, conn.Cancel);
            return Assert.Throws<OperationalError>(() => Act(conn, point));
        });
        Assert.Contains("cancel_timeout", e.Message);
        Assert.True(conn.Broken);
        Assert.Equal("the connection is lost", Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1")).Message);
    }

    [Theory]
    [MemberData(nameof(StallPoints))]
    public void A_socket_dropped_at_each_point_is_an_operational_error_and_breaks_the_connection(string point)
    {
        using var fake = AnswerThenDrop(AnswerUpTo(point));
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        Scenario.Run($"drop {point}", Bound, () => Assert.Throws<OperationalError>(() => Act(conn, point)));
        Assert.True(conn.Broken);
    }

    [Fact]
    public void A_stall_after_authentication_hits_connect_timeout()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await s.WriteAsync(Message('R', Int32(0)), ct);   // AuthenticationOk, then never ReadyForQuery
            await Task.Delay(60_000, ct);
        });
        var e = Scenario.Run("stall after authentication (connect_timeout=2)", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo("connect_timeout=2"))));
        Assert.Contains("timeout expired", e.Message);
    }

    [Fact]
    public async Task A_stall_after_the_startup_message_hits_connect_timeout_async()
    {
        using var fake = new FakeServer(async (s, ct) => { await ReadStartupAsync(s, ct); await Task.Delay(60_000, ct); });
        var e = await Scenario.RunAsync("stall after StartupMessage, async (connect_timeout=2)", Bound,
            () => Assert.ThrowsAsync<OperationalError>(() => Pg.ConnectAsync(fake.Conninfo("connect_timeout=2"))));
        Assert.Contains("timeout expired", e.Message);
    }

    [Theory]
    [InlineData("after StartupMessage")]
    [InlineData("after authentication")]
    public void A_socket_dropped_while_connecting_is_an_operational_error(string point)
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            if (point == "after authentication") await s.WriteAsync(Message('R', Int32(0)), ct);
        });
        Scenario.Run($"drop {point}", Bound, () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "a garbage byte", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "an unknown message type", Message('x', Int32(7)) },
        { "a negative length", [(byte)'C', 0xFF, 0xFF, 0xFF, 0xF0] },
        { "a length below 4", [(byte)'C', 0, 0, 0, 3] },
        { "a 1 GiB CommandComplete", [(byte)'C', 0x40, 0, 0, 0, (byte)'S', (byte)'E'] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_from_the_server_is_an_interface_error_and_breaks_the_connection(string what, byte[] bytes)
    {
        using var fake = AnswerThenStall(bytes);
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        // The per-thread counter (the call is sync I/O on the scenario's thread): the process-wide one also counted
        // other classes running in parallel, e.g. the 100 MB bytea round trip.
        long allocated = 0;
        Scenario.Run($"garbage: {what}", Bound, () =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        Assert.True(allocated < 64 << 20, $"no allocation sized by the length field ({allocated:N0} bytes)");
        Assert.True(conn.Broken);
    }

    [Fact]
    public void A_DataRow_claiming_1_GiB_allocates_only_what_arrives()
    {
        var huge = Message('D', Int16(1), Int32(1 << 30), new byte[1000]);
        huge[1] = 0x40; huge[2] = 0; huge[3] = 0; huge[4] = 10;   // message length 1 GiB + 10
        using var fake = AnswerThenDrop(Message('1'), Message('2'), Description, huge);
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        Scenario.Run("a 1 GiB DataRow length, then the socket dropped", Bound,
            () => Assert.Throws<OperationalError>(() => conn.Execute("SELECT x")));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocated < 64 << 20, "no 1 GiB allocation");
        Assert.True(conn.Broken);
    }

    public static TheoryData<string, byte[]> BadRows => new()
    {
        { "two columns for a one-column description", DataRow("a", "b") },
        { "no columns", DataRow() },
        { "a value longer than the message", Message('D', Int16(1), Int32(50), "abc"u8.ToArray()) },
        { "bytes after the last value", Message('D', Int16(1), Int32(1), "abc"u8.ToArray()) },
        { "a negative value length", Message('D', Int16(1), Int32(-7)) },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void A_DataRow_that_disagrees_with_the_RowDescription_is_an_interface_error(string what, byte[] row)
    {
        using var fake = AnswerThenStall(Message('1'), Message('2'), Description, row, CommandComplete("SELECT 1"), ReadyForQuery());
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        Scenario.Run($"DataRow: {what}", Bound, () => Assert.Throws<InterfaceError>(() => conn.Execute("SELECT x")));
        Assert.True(conn.Broken);
    }

    [Theory]
    [MemberData(nameof(BadRows))]
    public void A_bad_DataRow_buffered_behind_a_good_one_breaks_a_stream_on_the_fast_path_too(string what, byte[] row)
    {
        // Both rows arrive in one write, so the second is already buffered when the first is handed out: the
        // stream's no-state-machine path peeks at it, must refuse it, and leave the error to the general path.
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadUntilSyncAsync(s, ct);
            await s.WriteAsync((byte[])[.. Message('1'), .. Message('t', Int16(0)), .. Description, .. ReadyForQuery()], ct);
            while (await ReadMessageAsync(s, ct) != (byte)'E') { }
            await s.WriteAsync((byte[])[.. Message('1'), .. Message('2'), .. Description, .. DataRow("good"), .. DataRow("good too"), .. row, .. CommandComplete("SELECT 3"), .. ReadyForQuery()], ct);
            await Task.Delay(60_000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        var seen = new List<string>();
        var e = Scenario.Run($"streamed DataRow: {what}", Bound, () => Assert.Throws<InterfaceError>(() =>
        {
            foreach (var value in conn.Cursor().Stream<string>("SELECT x")) seen.Add(value);
        }));
        Assert.Equal(["good", "good too"], seen);
        Assert.Contains("malformed DataRow", e.Message);
        Assert.True(conn.Broken);
    }

    [Fact]
    public void A_DataRow_that_disagrees_with_the_description_breaks_a_stream_too()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadUntilSyncAsync(s, ct);   // a first stream is described first: Parse Describe Sync
            await s.WriteAsync((byte[])[.. Message('1'), .. Message('t', Int16(0)), .. Description, .. ReadyForQuery()], ct);
            while (await ReadMessageAsync(s, ct) != (byte)'E') { }   // Bind Execute, then Flush or Sync
            // Parse, Bind and Describe answer as a real server's would, so the row itself is what is refused.
            await s.WriteAsync((byte[])[.. Message('1'), .. Message('2'), .. Description, .. DataRow("a", "b")], ct);
            await Task.Delay(60_000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        var e = Scenario.Run("DataRow with two columns, streamed", Bound,
            () => Assert.Throws<InterfaceError>(() => conn.Cursor().Stream("SELECT x").ToList()));
        Assert.Contains("2 columns, but the RowDescription has 1", e.Message);
        Assert.True(conn.Broken);
    }

    [Fact]
    public void An_ErrorResponse_without_a_SQLSTATE_is_a_database_error_and_the_connection_stays_usable()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadUntilSyncAsync(s, ct);
            await s.WriteAsync(ErrorResponse(('S', "ERROR"), ('M', "something odd happened")), ct);
            await s.WriteAsync(ReadyForQuery(), ct);
            await ReadUntilSyncAsync(s, ct);
            await s.WriteAsync((byte[])[.. Message('1'), .. Message('2'), .. Message('n'), .. CommandComplete("SET"), .. ReadyForQuery()], ct);
            await Task.Delay(60_000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        var e = Scenario.Run("ErrorResponse without SQLSTATE", Bound, () => Assert.Throws<DatabaseError>(() => conn.Execute("SELECT 1")));
        Assert.Equal(typeof(DatabaseError), e.GetType());
        Assert.Contains("something odd happened", e.Message);
        Assert.Null(e.SqlState);
        Assert.False(conn.Broken);
        Assert.Equal("SET", conn.Cursor().Execute("SET x = 1").StatusMessage);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void NegotiateProtocolVersion_is_refused_since_3_0_was_asked_with_no_options(int minor)
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await s.WriteAsync(Message('v', Int32(minor), Int32(0)), ct);
            await Task.Delay(60_000, ct);
        });
        var e = Scenario.Run($"NegotiateProtocolVersion 3.{minor}", Bound, () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("invalid protocol negotiation message", e.Message);
    }

    [Theory]
    [InlineData(2, "Kerberos V5")]
    [InlineData(9, "SSPI")]
    [InlineData(99, "request 99")]
    public void An_unsupported_authentication_request_is_named(int request, string name)
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await s.WriteAsync(Message('R', Int32(request)), ct);
            await Task.Delay(60_000, ct);
        });
        var e = Scenario.Run($"unsupported auth request {request}", Bound, () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("authentication method requested by server is not supported: " + name, e.Message);
    }
}
