using System.Diagnostics;
using Sharpgres.HighAvailability;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>The process-wide host-state cache (host_recheck_seconds), on the shared cluster behind a dead host.</summary>
[Collection(SharedCluster.Name)]
public sealed class HostCacheTests(PrimaryAndTwoStandbys fx)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_found_dead_is_tried_last_until_the_recheck_period_is_over(bool async)
    {
        using var dead = new Blackhole();
        var node = fx.Cluster.Primary;
        var conninfo = $"host=127.0.0.1,127.0.0.1 port={dead.Port},{node.Port} user=postgres dbname=postgres sslmode=disable connect_timeout=2";
        async Task<TimeSpan> ConnectAsync(string extra)
        {
            var watch = Stopwatch.StartNew();
            await using var conn = async ? await Pg.ConnectAsync(conninfo + extra) : Pg.Connect(conninfo + extra);
            Assert.Equal(node.Port, conn.Info.Port);
            return watch.Elapsed;
        }

        var first = await ConnectAsync(" host_recheck_seconds=30");
        Assert.Equal(1, dead.Connections);
        var later = new List<TimeSpan>();
        for (var i = 0; i < 5; i++) later.Add(await ConnectAsync(" host_recheck_seconds=30"));
        Console.WriteLine($"dead host first: first connect {first.TotalMilliseconds:0} ms (waits connect_timeout), " +
                          $"next 5 (dead host skipped): {string.Join(", ", later.Select(t => $"{t.TotalMilliseconds:0}"))} ms");
        Assert.Equal(1, dead.Connections);   // skipped: never contacted again within the recheck period

        // host_recheck_seconds=0 turns the cache off for the attempt: the dead host is tried in its place again.
        await ConnectAsync(" host_recheck_seconds=0");
        Assert.Equal(2, dead.Connections);
    }

    [Fact]
    public void A_host_that_is_the_only_candidate_left_is_still_tried()
    {
        using var dead = new Blackhole();
        var conninfo = $"host=127.0.0.1 port={dead.Port} user=postgres dbname=postgres sslmode=disable connect_timeout=2 host_recheck_seconds=30";
        Assert.Throws<OperationalError>(() => Pg.Connect(conninfo));
        Assert.Throws<OperationalError>(() => Pg.Connect(conninfo));
        Assert.Equal(2, dead.Connections);
    }

    [Fact]
    public void A_standby_learnt_by_a_read_write_attempt_is_skipped_by_the_next_one()
    {
        var standby = fx.Cluster.Standbys[0];
        var primary = fx.Cluster.Primary;
        var conninfo = $"host=127.0.0.1,127.0.0.1 port={standby.Port},{primary.Port} user=postgres dbname=postgres sslmode=disable " +
                       "target_session_attrs=read-write host_recheck_seconds=30";
        using (var conn = Pg.Connect(conninfo)) Assert.Equal(primary.Port, conn.Info.Port);
        var target = new ConnectTarget("127.0.0.1", null, standby.Port, null);
        Assert.Equal(HostKind.Standby, HostStates.Get(target, TimeSpan.FromSeconds(30)));
        Assert.Equal(HostKind.Primary, HostStates.Get(target with { Port = primary.Port }, TimeSpan.FromSeconds(30)));
        var order = HostStates.Order([target, target with { Port = primary.Port }], TargetSessionAttrs.ReadWrite, TimeSpan.FromSeconds(30), dropUnsuitable: false);
        Assert.Equal(primary.Port, order[0].Port);
    }
}
