using System.Diagnostics;
using Sharpgres;
using Sharpgres.Testing;

// Runs inside a fresh network namespace (unshare -n): brings its loopback up, starts a TempServer on it, and for each
// scenario connects, starts the operation, then makes the host vanish by dropping every packet on loopback
// (tc qdisc pfifo limit 0: nothing is answered, no RST, no FIN, as a pulled cable or a dead VM). Each scenario prints
// one line "scenario<TAB>name<TAB>elapsed ms<TAB>exception type<TAB>message"; the exit code is 0 when all ran.
if (!Run("ip", "link set lo up")) return 2;
using var server = TempServer.Start(new TempServerOptions { AuthMethod = AuthMethod.Trust, Settings = { ["fsync"] = "off" } });
var userTimeout = server.ConnectionString() + " sslmode=disable tcp_user_timeout=2000";
var bound = TimeSpan.FromSeconds(15);

// Keepalives are not among the scenarios: pfifo limit 0 drops on the sender's own device, which Linux counts as local
// congestion, and tcp_keepalive_timer doesn't count a probe it couldn't send, so a keepalive never fires under this
// fault (measured: 4 keepalive scenarios ran into the 15 s bound). A peer that really went silent needs the drop on
// the far side (a veth pair into a second namespace): notes/round2/issue-16.md.
// tcp_user_timeout bounds data left unacknowledged: a statement sent to a host that is already gone.
await Scenario("tcp_user_timeout: query sent to a vanished host (sync)", userTimeout, conn => Task.Run(() => conn.Execute("SELECT 1")), dropFirst: true);
await Scenario("tcp_user_timeout: query sent to a vanished host (async)", userTimeout, async conn => await conn.ExecuteAsync("SELECT 1"), dropFirst: true);
return 0;

async Task Scenario(string name, string connString, Func<Connection, Task> operation, bool dropFirst = false)
{
    var conn = await Pg.ConnectAsync(connString, autocommit: true);
    Task running;
    var clock = Stopwatch.StartNew();
    if (dropFirst)
    {
        Drop(true);
        clock.Restart();
        running = operation(conn);
    }
    else
    {
        running = operation(conn);
        await Task.Delay(300);   // the operation is waiting on the socket
        Drop(true);
        clock.Restart();
    }
    string outcome;
    if (await Task.WhenAny(running, Task.Delay(bound)) != running) outcome = "hang\tstill running at the bound";
    else if (running.Exception?.GetBaseException() is { } e) outcome = $"{e.GetType().Name}\t{e.Message.ReplaceLineEndings(" ")}";
    else outcome = "none\tthe operation ended without an error";
    Console.WriteLine($"scenario\t{name}\t{clock.ElapsedMilliseconds}\t{outcome}");
    Drop(false);
    try { conn.Dispose(); } catch { /* broken, as it should be */ }
}

void Drop(bool on)
{
    if (!Run("tc", on ? "qdisc add dev lo root pfifo limit 0" : "qdisc del dev lo root"))
        throw new InvalidOperationException("tc failed");
}

static bool Run(string file, string args)
{
    using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
    p.WaitForExit();
    if (p.ExitCode != 0) Console.Error.WriteLine($"{file} {args}: exit {p.ExitCode}: {p.StandardError.ReadToEnd()}");
    return p.ExitCode == 0;
}
