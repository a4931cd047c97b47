using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>One TempCluster for a test class (xunit class fixture); removed when the class is done.</summary>
public abstract class ClusterFixture : IDisposable
{
    protected ClusterFixture(int standbys, bool synchronous = false, Dictionary<string, string>? settings = null)
    {
        Cluster = TempCluster.Start(standbys, new TempClusterOptions
        {
            SynchronousStandby = synchronous,
            Settings = settings ?? new Dictionary<string, string>(),
        });
        Sharpgres.TestSupport.SecretScan.Register(Cluster.Primary.Password);
        Console.WriteLine($"{GetType().Name}: {Cluster} started in {Cluster.StartDuration.TotalSeconds:0.0} s " +
                          $"(initdb {Cluster.Primary.InitDbDuration.TotalSeconds:0.0} s, pg_ctl start per node " +
                          $"{string.Join(" / ", Cluster.Nodes.Select(n => n.StartDuration.TotalSeconds.ToString("0.0")))} s)");
    }

    public TempCluster Cluster { get; }

    public void Dispose() => Cluster.Dispose();
}

/// <summary>A primary and two streaming standbys, every statement logged (to see which queries routing sends).</summary>
public sealed class PrimaryAndTwoStandbys() : ClusterFixture(2, settings: new() { ["log_statement"] = "all" });

/// <summary>The classes that only read the topology share one primary + 2 standbys (run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class SharedCluster : ICollectionFixture<PrimaryAndTwoStandbys>
{
    public const string Name = "primary + 2 standbys";
}

/// <summary>A primary and one streaming standby.</summary>
public sealed class PrimaryAndOneStandby() : ClusterFixture(1);
