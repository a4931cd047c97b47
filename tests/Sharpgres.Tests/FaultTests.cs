using System.Diagnostics;
using Sharpgres.Tests.Infrastructure;
using static Sharpgres.Tests.Infrastructure.FakeServer;

namespace Sharpgres.Tests;

/// <summary>Protocol faults from a fake peer: each ends in a clear exception, never a hang.</summary>
public class FaultTests
{
    [Fact]
    public void Unsupported_authentication_method_is_named()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await s.WriteAsync(Message('R', Int32(7)), ct);   // AuthenticationGSS
            await Task.Delay(5000, ct);
        });
        var e = Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo()));
        Assert.Contains("authentication method requested by server is not supported: GSSAPI", e.Message);
    }

    [Fact]
    public void A_server_that_never_answers_the_startup_hits_connect_timeout()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await Task.Delay(30_000, ct);
        });
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo("connect_timeout=2")));
        Assert.Contains("timeout expired", e.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_server_that_never_answers_the_startup_hits_connect_timeout_async()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await ReadStartupAsync(s, ct);
            await Task.Delay(30_000, ct);
        });
        var e = await Assert.ThrowsAsync<OperationalError>(() => Pg.ConnectAsync(fake.Conninfo("connect_timeout=2")));
        Assert.Contains("timeout expired", e.Message);
    }

    [Fact]
    public void A_socket_dropped_mid_row_breaks_the_connection()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadMessageAsync(s, ct);   // whatever the query is
            var row = Message('D', Int16(1), Int32(100), new byte[10]);   // promises 100 bytes, sends 10
            await s.WriteAsync(Message('T', Int16(1), CString("x"), Int32(0), Int16(0), Int32(25), Int16(-1), Int32(-1), Int16(0)), ct);
            await s.WriteAsync(row.AsMemory(0, 12), ct);
        });
        using var conn = Pg.Connect(fake.Conninfo());
        var e = Assert.ThrowsAny<Error>(() => conn.Execute("SELECT x"));
        Assert.IsType<OperationalError>(e);
        Assert.True(conn.Broken);
        Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1"));
    }

    [Fact]
    public void Garbage_from_the_server_is_an_interface_error_and_breaks_the_connection()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadMessageAsync(s, ct);
            await s.WriteAsync(new byte[] { (byte)'?', 0, 0, 0, 1 }, ct);   // length < 4
            await Task.Delay(5000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo());
        Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
        Assert.True(conn.Broken);
    }

    [Fact]
    public void An_unexpected_message_is_an_interface_error_and_breaks_the_connection()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            await ReadMessageAsync(s, ct);
            await s.WriteAsync(Message('R', Int32(0)), ct);   // Authentication in the middle of a query
            await Task.Delay(5000, ct);
        });
        using var conn = Pg.Connect(fake.Conninfo());
        Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
        Assert.True(conn.Broken);
    }

    [Fact]
    public async Task A_server_that_ignores_the_cancel_request_cannot_hang_a_cancelled_call()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            // The cancel connection sends 16 bytes and is closed; the session connection stalls forever.
            var first = new byte[8];
            await s.ReadExactlyAsync(first, ct);
            if (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(first.AsSpan(4)) == 80877102) return;
            var rest = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(first) - 8];
            await s.ReadExactlyAsync(rest, ct);
            await s.WriteAsync(Message('R', Int32(0)), ct);
            await s.WriteAsync(Message('Z', "I"u8.ToArray()), ct);
            await ReadMessageAsync(s, ct);
            await Task.Delay(60_000, ct);
        });
        await using var conn = await Pg.ConnectAsync(fake.Conninfo("cancel_timeout=1"));
        using var cts = new CancellationTokenSource(200);
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Error>(() => conn.Cursor().ExecuteAsync("SELECT pg_sleep(100)", null, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(conn.Broken);
    }
}
