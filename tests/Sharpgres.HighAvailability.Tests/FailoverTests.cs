using Sharpgres.Errors;
using Sharpgres.Pool;
using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>A primary with a synchronous standby (remote_apply): no commit a client saw can be lost by promoting it.</summary>
public sealed class SynchronousPair() : ClusterFixture(1, synchronous: true);

/// <summary>
/// Failover with a writer running: the primary dies (fast stop, immediate stop, SIGKILL of the postmaster), the
/// synchronous standby is promoted, writes resume on it. Measured: time from the primary's death to the first write
/// committed on the new primary, minus the promotion wait. Checked: every id whose commit returned is on the new
/// primary, no id that failed is. One cluster for the three: each round adds a new synchronous standby first.
/// </summary>
public sealed class FailoverTests(SynchronousPair fx) : IClassFixture<SynchronousPair>
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
        Console.WriteLine($"failover ({mode}): death -> first write on the new primary {(firstWrite - died).TotalMilliseconds:0} ms, " +
                         $"promotion wait {(promoted - died).TotalMilliseconds:0} ms, excluding it {(firstWrite - promoted).TotalMilliseconds:0} ms; " +
                         $"committed {committed.Count}, failed {failed.Count}, commit unknown {unknown.Count} ({foundUnknown} of them on the new primary), " +
                         $"found {found.Count} = committed {committed.Count} + unknown found {foundUnknown}");
        foreach (var (id, error) in writer.Errors.Take(5)) Console.WriteLine($"  id {id}: {error.GetType().Name}: {error.Message.Split('\n')[0]}");

        Assert.Empty(committed.Except(found));                  // no silent loss: every commit the caller saw is there
        Assert.Empty(failed.Intersect(found));                  // and nothing reported failed was written
        Assert.Equal(committed.Count + foundUnknown, found.Count);
        Assert.NotEqual(oldPrimary, Cluster.Primary);
        // Every connection to the dead primary was discarded: what committed after the promotion, committed there.
        Assert.All(writer.PortsOfCommitsAfter(promoted), port => Assert.Equal(standby.Port, port));
        var stats = source.Pool.GetStats();
        Console.WriteLine($"  pool: connections_lost {stats["connections_lost"]}, returns_bad {stats["returns_bad"]}, " +
                         $"connections_errors {stats["connections_errors"]}, connections_num {stats["connections_num"]}");
    }

    /// <summary>
    /// efcore.pg #1306: after a failover, pooled connections still on the old primary, now read-only, fail every write
    /// with 25006 "cannot execute INSERT in a read-only transaction" for as long as they live. Here each is discarded
    /// at its first such error (or as soon as the server reports default_transaction_read_only=on).
    /// </summary>
    [Fact]
    public async Task Read_write_pool_discards_connections_on_a_primary_that_turned_read_only()
    {
        if (Cluster.Standbys.Count == 0) await Cluster.AddStandbyAsync();
        var oldPrimary = Cluster.Primary;
        var standby = Cluster.Standbys[0];
        using (var admin = TempClusterTests.Admin(oldPrimary)) admin.Execute("CREATE TABLE fenced (id int)");
        await Cluster.WaitForReplayAsync();

        await using var pool = new ConnectionPool(Cluster.ConnectionString(TargetSessionAttrs.ReadWrite) + " connect_timeout=2",
            minSize: 3, maxSize: 3, timeout: TimeSpan.FromSeconds(20), autocommit: true, name: "fenced");
        pool.Wait(TimeSpan.FromSeconds(30));
        Assert.Equal(oldPrimary.Port, pool.Connection(c => c.Info.Port));

        // The old primary is fenced (sessions default to read-only; each learns it at its next statement) and the
        // standby takes over.
        using (var admin = TempClusterTests.Admin(oldPrimary))
        {
            admin.Execute("ALTER SYSTEM SET default_transaction_read_only = on");
            admin.Execute("SELECT pg_reload_conf()");
        }
        await Cluster.PromoteAsync(standby);

        var readOnlyErrors = 0;
        var ports = new List<int>();
        for (var i = 0; i < 30; i++)
        {
            try
            {
                var port = i % 2 == 0
                    ? pool.Connection(c => { c.Execute("INSERT INTO fenced VALUES (%s)", i); return c.Info.Port; })
                    : await pool.ConnectionAsync(async c => { await c.ExecuteAsync("INSERT INTO fenced VALUES (%s)", [i]); return c.Info.Port; });
                ports.Add(port);
            }
            catch (ReadOnlySqlTransaction)
            {
                readOnlyErrors++;
            }
        }
        var stats = pool.GetStats();
        Console.WriteLine($"fenced primary: {readOnlyErrors} writes failed with 25006 (pool of 3), {ports.Count} then committed on the new primary; " +
                          $"returns_bad {stats["returns_bad"]}");
        Assert.InRange(readOnlyErrors, 0, 3);                 // at most one per connection that was on the old primary
        Assert.Equal(30 - readOnlyErrors, ports.Count);
        Assert.All(ports, p => Assert.Equal(standby.Port, p));
    }
}
