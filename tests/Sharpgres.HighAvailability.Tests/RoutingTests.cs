using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>libpq's target_session_attrs on a real primary + 2 standbys, hosts listed primary first.</summary>
[Collection(SharedCluster.Name)]
public sealed class RoutingTests(PrimaryAndTwoStandbys fx)
{
    private TempCluster Cluster => fx.Cluster;

    public static TheoryData<TargetSessionAttrs, bool, bool> Cases()
    {
        var data = new TheoryData<TargetSessionAttrs, bool, bool>();
        foreach (var async in (bool[])[false, true])
        {
            data.Add(TargetSessionAttrs.Any, false, async);
            data.Add(TargetSessionAttrs.ReadWrite, false, async);
            data.Add(TargetSessionAttrs.Primary, false, async);
            data.Add(TargetSessionAttrs.ReadOnly, true, async);
            data.Add(TargetSessionAttrs.Standby, true, async);
            data.Add(TargetSessionAttrs.PreferStandby, true, async);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_target_session_attrs_value_reaches_the_right_kind_of_node(TargetSessionAttrs attrs, bool wantStandby, bool async)
    {
        var conninfo = Cluster.ConnectionString(attrs);
        await using var conn = async ? await Pg.ConnectAsync(conninfo, autocommit: true) : Pg.Connect(conninfo, autocommit: true);
        var inRecovery = (bool)conn.Execute("SELECT pg_is_in_recovery()").FetchOne()![0]!;
        Assert.Equal(wantStandby, inRecovery);
        Assert.Equal(wantStandby ? "on" : "off", conn.Info.ParameterStatus("in_hot_standby"));
        if (wantStandby) Assert.Contains(conn.Info.Port, Cluster.Standbys.Select(s => s.Port));
        else Assert.Equal(Cluster.Primary.Port, conn.Info.Port);
    }

    [Fact]
    public void Routing_on_14_plus_reads_the_ParameterStatus_reports_and_sends_no_query()
    {
        // Every statement is logged on these nodes: a routing decision made by query would show up in the log.
        using (Pg.Connect(Cluster.ConnectionString(TargetSessionAttrs.Standby) + " host_recheck_seconds=0")) { }
        using (Pg.Connect(Cluster.ConnectionString(TargetSessionAttrs.ReadWrite) + " host_recheck_seconds=0")) { }
        using (var probe = Pg.Connect(Cluster.Primary.ConnectionString() + " sslmode=disable", autocommit: true))
            probe.Execute("SELECT 'routing-log-probe'");   // the positive control: statements do reach the log
        Wait.Until(() => Log(Cluster.Primary).Contains("routing-log-probe"), what: "the probe statement in the primary's log");
        foreach (var node in Cluster.Nodes)
        {
            var log = Log(node);
            Assert.DoesNotContain("SHOW transaction_read_only", log);
            Assert.DoesNotContain("SELECT pg_catalog.pg_is_in_recovery()", log);
        }
    }

    [Fact]
    public void Standby_only_with_no_standby_in_the_list_fails_with_each_hosts_reason()
    {
        var conninfo = $"host=127.0.0.1 port={Cluster.Primary.Port} user=postgres dbname=postgres sslmode=disable target_session_attrs=standby";
        var error = Assert.Throws<OperationalError>(() => Pg.Connect(conninfo));
        Assert.Contains($"connection to server at \"127.0.0.1\", port {Cluster.Primary.Port} failed: server is not in hot standby mode", error.Message);
    }

    private static string Log(TempServer node)
    {
        using var stream = new FileStream(node.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
