using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sharpgres.Tests.Infrastructure;

/// <summary>
/// A loopback relay between the driver and the real test server that records the frontend messages going through
/// it, so a test can see what was actually put on the wire (Bind's parameter format codes, Parse's OIDs, how many
/// Syncs a batch carried). It forwards every byte unchanged both ways: the server's behaviour is the real one.
/// Plaintext by default (connect through <see cref="ConnString"/>, which sets sslmode=disable); a tap made with
/// <c>tls: true</c> relays a TLS session (sslmode=require) without reading it, for faults in the middle of a record.
/// </summary>
public sealed class WireTap : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FrontendMessage> _messages = [];
    private readonly string _baseConnString;
    private readonly bool _tls;

    /// <summary>A relay to the server of <paramref name="connString"/> (its host and port).</summary>
    public WireTap(string connString, bool tls = false)
    {
        _baseConnString = connString;
        _tls = tls;
        var info = ConnectionInfo.Parse(connString);
        var host = info.Host ?? "127.0.0.1";
        var port = int.Parse(info.Port ?? "5432");
        _listener.Start();
        _ = Task.Run(() => AcceptLoopAsync(host, port));
    }

    /// <summary>The conninfo to connect through the tap.</summary>
    public string ConnString => ConnectionInfo.Parse(_baseConnString)
        .With("host", "127.0.0.1").With("port", ((IPEndPoint)_listener.LocalEndpoint).Port.ToString())
        .With("sslmode", _tls ? "require" : "disable").With("gssencmode", "disable").ToConnectionString(includePassword: true);

    /// <summary>The frontend messages seen so far, in order (startup packet excluded).</summary>
    public IReadOnlyList<FrontendMessage> Messages { get { lock (_messages) return _messages.ToArray(); } }

    /// <summary>How many separate socket reads carried frontend bytes (a driver's sends, as far as TCP keeps them apart).</summary>
    public int Chunks => Volatile.Read(ref _chunks);
    private int _chunks;

    /// <summary>Forgets what was recorded (e.g. after connecting), so a test sees only its own statements.</summary>
    public void Clear() { lock (_messages) _messages.Clear(); }

    /// <summary>The parameter format codes of each Bind, one per parameter (0 text, 1 binary), expanded as the protocol defines.</summary>
    public IReadOnlyList<short[]> BindFormats() => Messages.Where(m => m.Type == 'B').Select(m => m.BindParameterFormats()).ToArray();

    /// <summary>The parameter type OIDs of each Parse (0 = left for the server to infer).</summary>
    public IReadOnlyList<uint[]> ParseOids() => Messages.Where(m => m.Type == 'P').Select(m => m.ParseParameterOids()).ToArray();

    public int Count(char type) => Messages.Count(m => m.Type == type);

    /// <summary>While true, the server's bytes are read but not passed on: the driver waits on an answer that never comes.</summary>
    public bool HoldReplies { get; set; }

    /// <summary>
    /// Set to N: of the server's next chunk only the first N bytes are passed on, then that connection's replies are
    /// held (as <see cref="HoldReplies"/>, for it alone): over TLS, the driver sees a record begin that never ends,
    /// while connections opened later through the tap work.
    /// </summary>
    public int? StallNextReplyAfter { get => Volatile.Read(ref _stallAfter) is >= 0 and var n ? n : null; set => Volatile.Write(ref _stallAfter, value ?? -1); }
    private int _stallAfter = -1;

    /// <summary>Driver-side sockets the relay still has open (a driver that closed its socket is gone from here).</summary>
    public int OpenClients => Volatile.Read(ref _openClients);
    private int _openClients;

    private async Task AcceptLoopAsync(string host, int port)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch { return; }
            _ = Task.Run(async () =>
            {
                using var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
                Interlocked.Increment(ref _openClients);
                using (client)
                {
                    try
                    {
                        await server.ConnectAsync(host, port, _stop.Token);
                        var up = PumpUpAsync(client, server);
                        var down = PumpAsync(server, client);
                        await Task.WhenAny(up, down);
                    }
                    catch { /* either side went away */ }
                }
                Interlocked.Decrement(ref _openClients);
            });
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        var stalled = false;
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0) { to.Shutdown(SocketShutdown.Send); return; }
            if (HoldReplies || stalled) continue;
            if (Interlocked.Exchange(ref _stallAfter, -1) is >= 0 and var after)
            {
                n = Math.Min(n, after);
                stalled = true;
            }
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
        }
    }

    /// <summary>Client to server: forwards, and splits the stream into messages as it goes.</summary>
    private async Task PumpUpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        var pending = new List<byte>();
        var startup = true;
        while (true)
        {
            var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            if (n == 0) { to.Shutdown(SocketShutdown.Send); return; }
            Interlocked.Increment(ref _chunks);
            if (!_tls)
            {
                pending.AddRange(buffer.AsSpan(0, n));
                while (TryTake(pending, ref startup)) { }
            }
            await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
        }
    }

    private bool TryTake(List<byte> pending, ref bool startup)
    {
        var head = startup ? 4 : 5;
        if (pending.Count < head) return false;
        var lengthAt = startup ? 0 : 1;
        var length = BinaryPrimitives.ReadInt32BigEndian(pending.GetRange(lengthAt, 4).ToArray());
        var total = lengthAt + length;
        if (pending.Count < total) return false;
        if (!startup)
        {
            var message = new FrontendMessage((char)pending[0], pending.GetRange(5, length - 4).ToArray());
            lock (_messages) _messages.Add(message);
        }
        startup = false;
        pending.RemoveRange(0, total);
        return true;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}

/// <summary>One frontend message as it went over the wire: its type byte and body.</summary>
public sealed record FrontendMessage(char Type, byte[] Body)
{
    /// <summary>Bind: the format code of each parameter (a Bind may send 0 codes = all text, or 1 code = all the same).</summary>
    public short[] BindParameterFormats()
    {
        var at = SkipCString(SkipCString(0));   // portal, statement
        var codes = ReadInt16(at); at += 2;
        var formats = new short[codes];
        for (var i = 0; i < codes; i++) formats[i] = ReadInt16(at + 2 * i);
        at += 2 * codes;
        var parameters = ReadInt16(at);
        return codes switch
        {
            0 => new short[parameters],
            1 => Enumerable.Repeat(formats[0], parameters).ToArray(),
            _ => formats,
        };
    }

    /// <summary>Parse: the parameter type OIDs it declares.</summary>
    public uint[] ParseParameterOids()
    {
        var at = SkipCString(SkipCString(0));   // statement, query
        var count = ReadInt16(at); at += 2;
        return Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadUInt32BigEndian(Body.AsSpan(at + 4 * i))).ToArray();
    }

    /// <summary>Parse / Query: the SQL text.</summary>
    public string Sql => Type switch
    {
        'P' => CString(SkipCString(0)),
        'Q' => CString(0),
        _ => throw new InvalidOperationException($"message '{Type}' has no SQL"),
    };

    private short ReadInt16(int at) => BinaryPrimitives.ReadInt16BigEndian(Body.AsSpan(at));
    private int SkipCString(int at) => Array.IndexOf(Body, (byte)0, at) + 1;
    private string CString(int at) => Encoding.UTF8.GetString(Body, at, Array.IndexOf(Body, (byte)0, at) - at);
}
