using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>No cluster needed: hosts that time out and a port nobody listens on.</summary>
public sealed class AllHostsDownTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_hosts_failure_is_listed_in_one_error_within_the_sum_of_connect_timeouts(bool async)
    {
        using var first = new Blackhole();
        using var second = new Blackhole();
        var refused = UnusedPort();
        var conninfo = $"host=127.0.0.1,127.0.0.1,127.0.0.1 port={first.Port},{refused},{second.Port} user=postgres dbname=postgres " +
                       "sslmode=disable connect_timeout=2 host_recheck_seconds=0";
        var watch = Stopwatch.StartNew();
        var error = async
            ? await Assert.ThrowsAsync<OperationalError>(() => Pg.ConnectAsync(conninfo))
            : Assert.Throws<OperationalError>(() => Pg.Connect(conninfo));
        watch.Stop();
        Console.WriteLine($"3 hosts down (2 x timeout 2 s, 1 refused): failed after {watch.Elapsed.TotalSeconds:0.00} s\n{error.Message}");
        var lines = error.Message.Split('\n').Where(l => l.StartsWith("connection to server", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal($"connection to server at \"127.0.0.1\", port {first.Port} failed: timeout expired", lines[0]);
        Assert.StartsWith($"connection to server at \"127.0.0.1\", port {refused} failed: Connection refused", lines[1]);
        Assert.StartsWith($"connection to server at \"127.0.0.1\"", lines[2]);
        Assert.EndsWith($"port {second.Port} failed: timeout expired", lines[2]);
        Assert.Equal(1, first.Connections);
        Assert.Equal(1, second.Connections);
        // Each host gets its own connect_timeout: 2 + 0 + 2 s, plus slack for a loaded machine, never unbounded.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(15));
    }

    internal static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
