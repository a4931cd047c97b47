using Sharpgres.Errors;
using Sharpgres.Testing;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>
/// A server whose COMMIT waits for a synchronous standby that never comes (synchronous_standby_names names nobody):
/// the real way a COMMIT is sent and left unanswered. Terminating the waiting backend is what a fast shutdown of the
/// primary does to it; the server has committed locally, so the only honest answer is "unknown".
/// </summary>
public sealed class CommitUnknownFixture : IDisposable
{
    public CommitUnknownFixture()
    {
        // A cluster of one: a TempServer that shares the process's one initdb with the other clusters.
        Cluster = TempCluster.Start(standbys: 0, new TempClusterOptions
        {
            Settings = { ["synchronous_commit"] = "on", ["synchronous_standby_names"] = "nobody" },
        });
        Sharpgres.TestSupport.SecretScan.Register(Cluster.Primary.Password);
        using var admin = Admin();
        admin.Execute("CREATE TABLE items (id int PRIMARY KEY, note text)");
        admin.Execute("CREATE TABLE deferred_fk (id int PRIMARY KEY, parent int REFERENCES deferred_fk (id) DEFERRABLE INITIALLY DEFERRED)");
    }

    public TempCluster Cluster { get; }

    public string ConnString => Cluster.Primary.ConnectionString() + " sslmode=disable";

    /// <summary>An autocommit session that doesn't wait for the standby (synchronous_commit=local).</summary>
    public Connection Admin()
    {
        var conn = Pg.Connect(ConnString, autocommit: true);
        conn.Execute("SET synchronous_commit = local");
        return conn;
    }

    public void Dispose() => Cluster.Dispose();
}

public sealed class CommitUnknownTests(CommitUnknownFixture fx) : IClassFixture<CommitUnknownFixture>
{
    private static int _nextId;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_whose_connection_dies_while_waiting_raises_CommitUnknown(bool async)
    {
        var id = Interlocked.Increment(ref _nextId);
        using var conn = Pg.Connect(fx.ConnString);
        conn.Execute("INSERT INTO items VALUES (%s, 'waits for a standby')", id);
        var pid = conn.Info.BackendPid;

        var commit = async ? conn.CommitAsync() : Task.Run(conn.Commit);
        using (var admin = fx.Admin())
        {
            WaitUntil(() => (string?)admin.Execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", pid).FetchOne()?[0] == "SyncRep");
            admin.Execute("SELECT pg_terminate_backend(%s)", pid);
        }

        var error = await Assert.ThrowsAsync<CommitUnknown>(() => commit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.IsAssignableFrom<OperationalError>(error);
        Assert.Contains("may or may not have committed", error.Message);
        Assert.True(conn.Closed);
        // Why "unknown" is the only honest answer: the server did commit locally before it was told to stop waiting.
        using var check = fx.Admin();
        Assert.Equal(1L, check.Execute("SELECT count(*) FROM items WHERE id = %s", id).FetchOne()![0]);
    }

    // The same COMMIT queued in a pipeline: it goes out with the Sync, and the Sync's answer never comes.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Commit_in_a_pipeline_whose_connection_dies_while_waiting_raises_CommitUnknown(bool async)
    {
        var id = Interlocked.Increment(ref _nextId);
        using var conn = Pg.Connect(fx.ConnString);
        var pid = conn.Info.BackendPid;
        var pipeline = conn.Pipeline();
        conn.Execute("INSERT INTO items VALUES (%s, 'pipelined, waits for a standby')", id);
        var commit = async ? conn.CommitAsync() : Task.Run(conn.Commit);
        using (var admin = fx.Admin())
        {
            WaitUntil(() => (string?)admin.Execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s", pid).FetchOne()?[0] == "SyncRep");
            admin.Execute("SELECT pg_terminate_backend(%s)", pid);
        }

        var error = await Assert.ThrowsAsync<CommitUnknown>(() => commit.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("may or may not have committed", error.Message);
        Assert.True(conn.Broken || conn.Closed);
        var leaving = Record.Exception(() => pipeline.Dispose());
        Assert.True(leaving is null or OperationalError, $"leaving the pipeline raised {leaving}");
        using var check = fx.Admin();
        Assert.Equal(1L, check.Execute("SELECT count(*) FROM items WHERE id = %s", id).FetchOne()![0]);
    }

    [Fact]
    public void Commit_rejected_by_the_server_is_its_own_error_not_CommitUnknown()
    {
        using var conn = Pg.Connect(fx.ConnString);
        conn.Execute("SET synchronous_commit = local");
        conn.Execute("INSERT INTO deferred_fk VALUES (1, 42)");
        var error = Assert.Throws<ForeignKeyViolation>(conn.Commit);
        Assert.IsNotType<CommitUnknown>(error);
        Assert.False(conn.Closed);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void Commit_on_a_connection_already_lost_is_not_ambiguous()
    {
        using var conn = Pg.Connect(fx.ConnString);
        conn.Execute("INSERT INTO items VALUES (%s, 'never committed')", 1_000_000 + Interlocked.Increment(ref _nextId));
        var pid = conn.Info.BackendPid;
        using (var admin = fx.Admin())
            admin.Execute("SELECT pg_terminate_backend(%s)", pid);
        WaitUntil(() => { using var a = fx.Admin(); return a.Execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid).FetchOne()![0] is 0L; });
        // The server ended the session before COMMIT was sent: it rolled the transaction back, and the error says so
        // by not being CommitUnknown (or the send itself fails, or the FATAL is read first: all definite failures).
        var error = Assert.ThrowsAny<OperationalError>(conn.Commit);
        Assert.IsNotType<CommitUnknown>(error);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met within 30 s");
            Thread.Sleep(20);
        }
    }
}
