using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sharpgres.Tests.Infrastructure;

/// <summary>
/// An in-process TCP peer speaking just enough of the protocol to inject faults the real server can't produce on
/// demand: unsupported auth requests, stalls, a socket dropped mid-row, garbage. Never used for database behaviour.
/// </summary>
public sealed class FakeServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public FakeServer(Func<NetworkStream, CancellationToken, Task> script)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch { return; }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            // A CancelRequest (its own connection) is counted and answered by closing, as the server
                            // does; scripts only see session connections.
                            if (await IsCancelRequestAsync(client, _stop.Token)) { Interlocked.Increment(ref _cancelRequests); return; }
                            await script(client.GetStream(), _stop.Token);
                        }
                        catch { /* the client went away */ }
                    }
                });
            }
        });
    }

    private int _cancelRequests;

    /// <summary>How many CancelRequests arrived (each on its own connection).</summary>
    public int CancelRequests => Volatile.Read(ref _cancelRequests);

    private static async Task<bool> IsCancelRequestAsync(TcpClient client, CancellationToken ct)
    {
        var head = new byte[8];
        var got = 0;
        while (got < 8)
        {
            var n = await client.Client.ReceiveAsync(head.AsMemory(got), SocketFlags.Peek, ct);
            if (n == 0) return false;
            if (n == got) await Task.Yield();   // peek returns what is there; wait for the rest of the 8 bytes
            got = n;
        }
        return BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(4)) == 80877102;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Conninfo(string extra = "") => $"host=127.0.0.1 port={Port} user=u dbname=d password=p sslmode=disable {extra}";

    /// <summary>Reads the untyped StartupMessage.</summary>
    public static async Task ReadStartupAsync(NetworkStream s, CancellationToken ct)
    {
        var len = new byte[4];
        await s.ReadExactlyAsync(len, ct);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(len) - 4];
        await s.ReadExactlyAsync(body, ct);
    }

    /// <summary>Reads one typed frontend message, returning its type byte.</summary>
    public static async Task<byte> ReadMessageAsync(NetworkStream s, CancellationToken ct) => (await ReadMessageWithBodyAsync(s, ct)).Type;

    /// <summary>Reads one typed frontend message: its type byte and body.</summary>
    public static async Task<(byte Type, byte[] Body)> ReadMessageWithBodyAsync(NetworkStream s, CancellationToken ct)
    {
        var header = new byte[5];
        await s.ReadExactlyAsync(header, ct);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1)) - 4];
        await s.ReadExactlyAsync(body, ct);
        return (header[0], body);
    }

    public static byte[] Message(char code, params byte[][] parts)
    {
        var length = 4 + parts.Sum(p => p.Length);
        var m = new byte[1 + length];
        m[0] = (byte)code;
        BinaryPrimitives.WriteInt32BigEndian(m.AsSpan(1), length);
        var at = 5;
        foreach (var p in parts) { p.CopyTo(m, at); at += p.Length; }
        return m;
    }

    /// <summary>Reads frontend messages up to and including Sync (one extended-protocol round trip), returning their types.</summary>
    public static async Task<string> ReadUntilSyncAsync(NetworkStream s, CancellationToken ct)
    {
        var types = new StringBuilder();
        byte type;
        do { type = await ReadMessageAsync(s, ct); types.Append((char)type); } while (type != (byte)'S' && type != (byte)'Q');
        return types.ToString();
    }

    /// <summary>A RowDescription of text columns (type text, text format).</summary>
    public static byte[] RowDescription(params string[] names) =>
        Message('T', [Int16((short)names.Length), .. names.SelectMany(n => new[] { CString(n), Int32(0), Int16(0), Int32(25), Int16(-1), Int32(-1), Int16(0) })]);

    /// <summary>A DataRow of text values (null for SQL NULL).</summary>
    public static byte[] DataRow(params string?[] values) =>
        Message('D', [Int16((short)values.Length), .. values.SelectMany(v => v is null ? new[] { Int32(-1) } : new[] { Int32(Encoding.UTF8.GetByteCount(v)), Encoding.UTF8.GetBytes(v) })]);

    public static byte[] CommandComplete(string tag) => Message('C', CString(tag));
    public static byte[] ReadyForQuery(char status = 'I') => Message('Z', [(byte)status]);

    /// <summary>An ErrorResponse from (type, value) fields, e.g. ('S', "ERROR"), ('C', "42P01"), ('M', "...").</summary>
    public static byte[] ErrorResponse(params (char Type, string Value)[] fields) =>
        Message('E', [.. fields.SelectMany(f => new[] { new[] { (byte)f.Type }, CString(f.Value) }), [0]]);

    public static byte[] Int32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return b; }
    public static byte[] Int16(short v) { var b = new byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); return b; }
    public static byte[] CString(string s) => Encoding.UTF8.GetBytes(s + "\0");

    /// <summary>AuthenticationOk, BackendKeyData, ReadyForQuery(idle): a session that is up.</summary>
    public static async Task AcceptSessionAsync(NetworkStream s, CancellationToken ct)
    {
        await ReadStartupAsync(s, ct);
        await s.WriteAsync(Message('R', Int32(0)), ct);
        await s.WriteAsync(Message('K', Int32(1234), Int32(5678)), ct);
        await s.WriteAsync(Message('Z', "I"u8.ToArray()), ct);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(2000); } catch { /* stopping */ }
    }
}
