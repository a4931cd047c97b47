using Sharpgres.HighAvailability;
using Sharpgres.Pool;
using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>
/// On the shared primary + 2 standbys: this class stops and starts nodes, and leaves the cluster as it found it
/// (every node up, standbys streaming, the host-state cache forgotten) for the other classes of the collection.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class ReadPoolTests(PrimaryAndTwoStandbys fx)
{
    private TempCluster Cluster => fx.Cluster;

    [Fact]
    public async Task Prefer_standby_pool_reads_from_standbys_while_the_primary_is_down_then_from_the_primary_when_no_standby_is_up()
    {
        try
        {
            await ReadThroughTheOutagesAsync();
        }
        finally
        {
            // Leave the cluster whole for the other classes of the collection.
            Cluster.Primary.Start();
            foreach (var standby in Cluster.Standbys) standby.Start();
            await Cluster.WaitForReplayAsync(TimeSpan.FromSeconds(120));
            HostStates.Clear();
        }
    }

    private async Task ReadThroughTheOutagesAsync()
    {
        await using var pool = new ConnectionPool(Cluster.ConnectionString(TargetSessionAttrs.PreferStandby) + " connect_timeout=2",
            minSize: 2, maxSize: 4, timeout: TimeSpan.FromSeconds(20), autocommit: true, name: "reads", check: ConnectionPool.CheckConnection);
        var primary = Cluster.Primary;
        var standbyPorts = Cluster.Standbys.Select(s => s.Port).ToHashSet();
        var reads = 0;
        async Task<int> ReadAsync()
        {
            // Sync and async checkouts alternate: both paths go through the same pool and the same checks.
            if (Interlocked.Increment(ref reads) % 2 == 0)
                return pool.Connection(conn => { conn.Execute("SELECT 1"); return conn.Info.Port; });
            return await pool.ConnectionAsync(async conn => { await conn.ExecuteAsync("SELECT 1"); return conn.Info.Port; });
        }

        for (var i = 0; i < 10; i++) Assert.Contains(await ReadAsync(), standbyPorts);

        // The primary goes down: reads carry on from the standbys, on the connections there and on new ones.
        await primary.StopAsync(ShutdownMode.Immediate);
        pool.Drain();
        for (var i = 0; i < 20; i++) Assert.Contains(await ReadAsync(), standbyPorts);

        // The primary comes back and every standby goes down: reads move to the primary; the check replaces the dead
        // standby connections before any caller sees one.
        primary.Start();
        foreach (var standby in Cluster.Standbys) await standby.StopAsync(ShutdownMode.Fast);
        for (var i = 0; i < 20; i++) Assert.Equal(primary.Port, await ReadAsync());
        var stats = pool.GetStats();
        Console.WriteLine($"prefer-standby read pool: {reads} reads, none failed; connections_lost {stats["connections_lost"]}, " +
                          $"connections_num {stats["connections_num"]}, connections_errors {stats["connections_errors"]}");

    }
}
