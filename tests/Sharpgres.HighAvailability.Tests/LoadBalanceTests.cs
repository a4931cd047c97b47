using System.Collections.Concurrent;
using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

[Collection(SharedCluster.Name)]
public sealed class LoadBalanceTests(PrimaryAndTwoStandbys fx)
{
    [Fact]
    public async Task Random_order_spreads_1000_connects_over_the_three_nodes()
    {
        // Trust auth and no TLS on the cluster keep each connect to a TCP handshake and a StartupMessage.
        var conninfo = fx.Cluster.ConnectionString(TargetSessionAttrs.Any) + " load_balance_hosts=random";
        var counts = new ConcurrentDictionary<int, int>();
        const int total = 1000;
        var next = 0;
        var started = DateTime.UtcNow;
        // Half sync (on worker threads), half async, 8 at a time.
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                await using var conn = w % 2 == 0 ? Pg.Connect(conninfo) : await Pg.ConnectAsync(conninfo);
                counts.AddOrUpdate(conn.Info.Port, 1, (_, c) => c + 1);
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(2));
        var report = string.Join(", ", fx.Cluster.Nodes.Select(n => $"{n.NodeName} {counts.GetValueOrDefault(n.Port)}"));
        Console.WriteLine($"load_balance_hosts=random, {total} connects in {(DateTime.UtcNow - started).TotalSeconds:0.0} s: {report}");
        Assert.Equal(total, counts.Values.Sum());
        foreach (var node in fx.Cluster.Nodes)
        {
            var share = counts.GetValueOrDefault(node.Port) / (double)total;
            Assert.True(share is >= 0.25 and <= 0.42, $"{node.NodeName} got {share:P1} of the connects ({report})");
        }
    }

    [Fact]
    public void Disable_keeps_the_listed_order()
    {
        var conninfo = fx.Cluster.ConnectionString(TargetSessionAttrs.Any) + " load_balance_hosts=disable";
        for (var i = 0; i < 20; i++)
        {
            using var conn = Pg.Connect(conninfo);
            Assert.Equal(fx.Cluster.Nodes[0].Port, conn.Info.Port);
        }
    }
}
