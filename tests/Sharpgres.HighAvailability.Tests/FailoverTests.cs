using Sharpgres.Testing;
using Xunit.Abstractions;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>A primary with a synchronous standby (remote_apply): no commit a client saw can be lost by promoting it.</summary>
public sealed class SynchronousPair() : ClusterFixture(1, synchronous: true);

/// <summary>
/// Failover with a writer running: the primary dies (fast stop, immediate stop, SIGKILL of the postmaster), the
/// synchronous standby is promoted, writes resume on it. Measured: time from the primary's death to the first write
/// committed on the new primary, minus the promotion wait. Checked: every id whose commit returned is on the new
/// primary, no id that failed is. One cluster for the three: each round adds a new synchronous standby first.
/// </summary>
public sealed class FailoverTests(SynchronousPair fx, ITestOutputHelper output) : IClassFixture<SynchronousPair>
{
    private TempCluster Cluster => fx.Cluster;

    public static TheoryData<string> Modes => new() { "fast", "immediate", "kill" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Writes_survive_the_primary_dying_and_none_is_lost(string mode)
    {
        // The rounds of this theory run one after another on the same cluster: the last failover left no standby.
        if (Cluster.Standbys.Count == 0) await Cluster.AddStandbyAsync();
        var table = "writes";
        using (var admin = TempClusterTests.Admin(Cluster.Primary))
            admin.Execute($"CREATE TABLE IF NOT EXISTS {table} (id int PRIMARY KEY, at timestamptz DEFAULT now()); TRUNCATE {table}");
        var oldPrimary = Cluster.Primary;
        var standby = Cluster.Standbys[0];

        await using var source = ConnectionSource.Create(Cluster.ConnectionString(TargetSessionAttrs.ReadWrite) + " connect_timeout=2");
        var writer = new WriterLoop(source.CheckoutAsync, source.GiveBackAsync);
        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => writer.RunAsync(stop.Token));

        writer.WaitForCommitsAfter(TimeSpan.Zero, 30, TimeSpan.FromSeconds(60));
        switch (mode)
        {
            case "fast": await oldPrimary.StopAsync(ShutdownMode.Fast); break;
            case "immediate": await oldPrimary.StopAsync(ShutdownMode.Immediate); break;
            default: oldPrimary.Kill(); break;
        }
        var died = writer.Now;
        await Cluster.PromoteAsync(standby);
        var promoted = writer.Now;
        var firstWrite = writer.WaitForCommitsAfter(promoted, 20, TimeSpan.FromSeconds(60));
        stop.Cancel();
        await loop.WaitAsync(TimeSpan.FromSeconds(60));

        using var check = TempClusterTests.Admin(Cluster.Primary);
        var found = check.Execute($"SELECT id FROM {table}").FetchAll().Select(r => (int)r[0]!).ToHashSet();
        var committed = writer.Committed.ToHashSet();
        var failed = writer.Failed.ToHashSet();
        var unknown = writer.Unknown.ToHashSet();
        var foundUnknown = unknown.Count(found.Contains);
        output.WriteLine($"failover ({mode}): death -> first write on the new primary {(firstWrite - died).TotalMilliseconds:0} ms, " +
                         $"promotion wait {(promoted - died).TotalMilliseconds:0} ms, excluding it {(firstWrite - promoted).TotalMilliseconds:0} ms; " +
                         $"committed {committed.Count}, failed {failed.Count}, commit unknown {unknown.Count} ({foundUnknown} of them on the new primary), " +
                         $"found {found.Count} = committed {committed.Count} + unknown found {foundUnknown}");
        foreach (var (id, error) in writer.Errors.Take(5)) output.WriteLine($"  id {id}: {error.GetType().Name}: {error.Message.Split('\n')[0]}");

        Assert.Empty(committed.Except(found));                  // no silent loss: every commit the caller saw is there
        Assert.Empty(failed.Intersect(found));                  // and nothing reported failed was written
        Assert.Equal(committed.Count + foundUnknown, found.Count);
        Assert.NotEqual(oldPrimary, Cluster.Primary);
    }
}
