using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Sharpgres;
using Sharpgres.Testing;

// Runs inside a fresh network namespace (unshare -n): brings its loopback up, starts a TempServer on it, and for each
// scenario connects, starts the operation, then makes the host vanish by dropping every packet (tc qdisc pfifo
// limit 0: nothing is answered, no RST, no FIN, as a pulled cable or a dead VM). Each scenario prints one line
// "scenario<TAB>name<TAB>elapsed ms<TAB>exception type<TAB>message"; the exit code is 0 when all ran.
if (!Run("ip", "link set lo up")) return 2;
using var server = TempServer.Start(new TempServerOptions { AuthMethod = AuthMethod.Trust, Settings = { ["fsync"] = "off" } });
var bound = TimeSpan.FromSeconds(15);

// tcp_user_timeout bounds data left unacknowledged: a statement sent to a host that is already gone. Dropping on this
// namespace's own loopback is enough for it (the data is queued and never acknowledged).
var userTimeout = server.ConnectionString() + " sslmode=disable tcp_user_timeout=2000";
await Scenario("tcp_user_timeout: query sent to a vanished host (sync)", () => Pg.Connect(userTimeout, autocommit: true),
    conn => Task.Run(() => conn.Execute("SELECT 1")), "lo", dropFirst: true);
await Scenario("tcp_user_timeout: query sent to a vanished host (async)", () => Pg.Connect(userTimeout, autocommit: true),
    async conn => await conn.ExecuteAsync("SELECT 1"), "lo", dropFirst: true);

// Keepalives need the drop on the far side: Linux doesn't count a keepalive probe its own device refused to send
// (local congestion, tcp_keepalive_timer), so dropping on the client's loopback never fires them. So the client
// lives in a second namespace, joined to this one by a veth pair; the server's side of the pair drops everything it
// sends: the client's probes leave and arrive, their answers never come back, as from a host that died.
using var far = FarSide.Create(server.Port);
var keepalives = $"host={FarSide.ServerAddress} port={far.RelayPort} user={server.SuperUser} dbname=postgres sslmode=disable "
    + "keepalives=1 keepalives_idle=1 keepalives_interval=1 keepalives_count=2";
await Scenario("keepalives: idle Notifies loop (sync)", () => far.ConnectFromClientSide(keepalives), conn =>
{
    conn.Execute("LISTEN vanished");
    return Task.Run(() => conn.Notifies(timeout: TimeSpan.FromMinutes(1)).ToList());
}, FarSide.ServerDevice);
await Scenario("keepalives: idle Notifies loop (async)", () => far.ConnectFromClientSide(keepalives), async conn =>
{
    await conn.ExecuteAsync("LISTEN vanished");
    await foreach (var _ in conn.NotifiesAsync(timeout: TimeSpan.FromMinutes(1))) { }
}, FarSide.ServerDevice);
await Scenario("keepalives: running query (sync)", () => far.ConnectFromClientSide(keepalives),
    conn => Task.Run(() => conn.Execute("SELECT pg_sleep(60)")), FarSide.ServerDevice);
await Scenario("keepalives: running query (async)", () => far.ConnectFromClientSide(keepalives),
    async conn => await conn.ExecuteAsync("SELECT pg_sleep(60)"), FarSide.ServerDevice);
return 0;

async Task Scenario(string name, Func<Connection> connect, Func<Connection, Task> operation, string device, bool dropFirst = false)
{
    var conn = connect();
    Task running;
    var clock = Stopwatch.StartNew();
    if (dropFirst)
    {
        Drop(device, true);
        clock.Restart();
        running = operation(conn);
    }
    else
    {
        running = operation(conn);
        await Task.Delay(300);   // the operation is waiting on the socket
        Drop(device, true);
        clock.Restart();
    }
    string outcome;
    if (await Task.WhenAny(running, Task.Delay(bound)) != running) outcome = "hang\tstill running at the bound";
    else if (running.Exception?.GetBaseException() is { } e) outcome = $"{e.GetType().Name}\t{e.Message.ReplaceLineEndings(" ")}";
    else outcome = "none\tthe operation ended without an error";
    Console.WriteLine($"scenario\t{name}\t{clock.ElapsedMilliseconds}\t{outcome}");
    Drop(device, false);
    try { conn.Dispose(); } catch { /* broken, as it should be */ }
}

static void Drop(string device, bool on)
{
    if (!Run("tc", on ? $"qdisc add dev {device} root pfifo limit 0" : $"qdisc del dev {device} root"))
        throw new InvalidOperationException("tc failed");
}

static bool Run(string file, string args) => Shell.Run(file, args);

static class Shell
{
    public static bool Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        if (p.ExitCode != 0) Console.Error.WriteLine($"{file} {args}: exit {p.ExitCode}: {p.StandardError.ReadToEnd()}");
        return p.ExitCode == 0;
    }
}

/// <summary>
/// The client's namespace (named, so a thread can enter it with setns) and the veth pair joining it to this one, plus
/// a relay here from the pair's address to the TempServer on loopback. Sockets belong to the namespace of the thread
/// that creates them, so connecting from a thread that entered the client namespace puts that connection across the
/// pair; everything else in this process stays here.
/// </summary>
sealed class FarSide : IDisposable
{
    public const string ServerAddress = "10.213.0.2";
    public const string ServerDevice = "sgfar0";
    private const string ClientAddress = "10.213.0.1";
    private const string ClientDevice = "sgfar1";
    private const int CloneNewNet = 0x40000000;

    private readonly string _namespace;
    private readonly TcpListener _relay;

    private FarSide(string ns, TcpListener relay) => (_namespace, _relay) = (ns, relay);

    public int RelayPort => ((IPEndPoint)_relay.LocalEndpoint).Port;

    public static FarSide Create(int serverPort)
    {
        var ns = $"sgfar{Environment.ProcessId}";
        Must("ip", $"netns add {ns}");
        Must("ip", $"link add {ServerDevice} type veth peer name {ClientDevice} netns {ns}");
        Must("ip", $"addr add {ServerAddress}/24 dev {ServerDevice}");
        Must("ip", $"link set {ServerDevice} up");
        Must("ip", $"netns exec {ns} ip addr add {ClientAddress}/24 dev {ClientDevice}");
        Must("ip", $"netns exec {ns} ip link set {ClientDevice} up");
        Must("ip", $"netns exec {ns} ip link set lo up");
        var relay = new TcpListener(IPAddress.Parse(ServerAddress), 0);
        relay.Start();
        var side = new FarSide(ns, relay);
        _ = side.RelayAsync(serverPort);
        return side;
    }

    /// <summary>Connects on a thread that entered the client namespace, so the connection's socket is created there.</summary>
    public Connection ConnectFromClientSide(string conninfo)
    {
        Connection? conn = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{_namespace}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
                conn = Pg.Connect(conninfo, autocommit: true);
            }
            catch (Exception e) { error = e; }
        });
        thread.Start();
        thread.Join();
        return conn ?? throw new InvalidOperationException("connecting from the client namespace failed", error);
    }

    private async Task RelayAsync(int serverPort)
    {
        while (true)
        {
            TcpClient client;
            try { client = await _relay.AcceptTcpClientAsync(); }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { return; }
            var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, serverPort);
            _ = Pump(client, upstream);
            _ = Pump(upstream, client);
        }
    }

    private static async Task Pump(TcpClient from, TcpClient to)
    {
        try { await from.GetStream().CopyToAsync(to.GetStream()); }
        catch (Exception) { /* the other side went away: the scenario is over */ }
        finally { from.Dispose(); to.Dispose(); }
    }

    public void Dispose()
    {
        _relay.Stop();
        Shell.Run("ip", $"netns del {_namespace}");   // takes the veth pair with it
    }

    private static void Must(string file, string args)
    {
        if (!Shell.Run(file, args)) throw new InvalidOperationException($"{file} {args} failed");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
