using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

[Collection(SharedCluster.Name)]
public sealed class TempClusterTests(PrimaryAndTwoStandbys fx)
{
    private TempCluster Cluster => fx.Cluster;

    [Fact]
    public void Starts_a_primary_and_standbys_that_stream_from_it()
    {
        Console.WriteLine($"1 + 2 cluster startup: {Cluster.StartDuration.TotalSeconds:0.0} s");
        Assert.Equal(3, Cluster.Nodes.Count);
        Assert.Same(Cluster.Nodes[0], Cluster.Primary);
        Assert.Equal([Cluster.Nodes[1], Cluster.Nodes[2]], Cluster.Standbys);
        Assert.Equal(3, Cluster.Nodes.Select(n => n.Port).Distinct().Count());
        using var primary = Admin(Cluster.Primary);
        Assert.Equal(false, primary.Execute("SELECT pg_is_in_recovery()").FetchOne()![0]);
        var streaming = primary.Execute("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming' ORDER BY 1").FetchAll().Select(r => (string)r[0]!);
        Assert.Equal(["node1", "node2"], streaming);
        foreach (var standby in Cluster.Standbys)
        {
            using var conn = Admin(standby);
            Assert.Equal(true, conn.Execute("SELECT pg_is_in_recovery()").FetchOne()![0]);
        }
    }

    // Once flaky (a standby missed the table right after WaitForReplay): the wait compared replay with
    // pg_current_wal_lsn(), the WAL *written*, which with the test servers' synchronous_commit = off can be short of
    // the commit record; it now waits for pg_current_wal_insert_lsn().
    [Fact]
    public async Task WaitForReplay_makes_a_committed_row_visible_on_every_standby()
    {
        var table = $"replayed_{Guid.NewGuid():N}";
        using (var primary = Admin(Cluster.Primary))
        {
            primary.Execute($"CREATE TABLE {table} (v int)");
            primary.Execute($"INSERT INTO {table} VALUES (42)");
        }
        await Cluster.WaitForReplayAsync();
        foreach (var standby in Cluster.Standbys)
        {
            using var conn = Admin(standby);
            Assert.Equal(42, conn.Execute($"SELECT v FROM {table}").FetchOne()![0]);
        }
    }

    [Fact]
    public void ConnectionString_lists_every_node_in_order()
    {
        var info = ConnectionInfo.Parse(Cluster.ConnectionString(TargetSessionAttrs.ReadWrite));
        Assert.Equal(string.Join(',', Cluster.Nodes.Select(n => n.Port)), info.Port);
        Assert.Equal("read-write", info.TargetSessionAttrs);
    }

    internal static Connection Admin(TempServer node) => Pg.Connect(node.ConnectionString(unixSocket: true), autocommit: true);
}
