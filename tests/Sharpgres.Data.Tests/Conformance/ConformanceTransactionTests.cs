using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests.Conformance;

/// <summary>DbTransaction rules the ADO.NET specification suite checks (its transaction area), in our words.</summary>
public sealed class ConformanceTransactionTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private DbConnection Opened()
    {
        var c = SharpgresFactory.Instance.CreateConnection()!;
        c.ConnectionString = db.ConnectionString;
        c.Open();
        return c;
    }

    private static object? Scalar(DbConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    [Fact]
    public void BeginTransaction_on_a_closed_connection_or_a_second_at_once_is_InvalidOperation()
    {
        using (var closed = SharpgresFactory.Instance.CreateConnection()!)
            Assert.Throws<InvalidOperationException>(() => closed.BeginTransaction());
        using var c = Opened();
        using (c.BeginTransaction())
            Assert.Throws<InvalidOperationException>(() => c.BeginTransaction());
        using var again = c.BeginTransaction();   // the first one ended with its Dispose
        Assert.NotNull(again);
    }

    [Theory]
    [InlineData(System.Data.IsolationLevel.Serializable, "serializable")]
    [InlineData(System.Data.IsolationLevel.RepeatableRead, "repeatable read")]
    [InlineData(System.Data.IsolationLevel.ReadCommitted, "read committed")]
    [InlineData(System.Data.IsolationLevel.ReadUncommitted, "read uncommitted")]
    [InlineData(System.Data.IsolationLevel.Snapshot, "repeatable read")]
    [InlineData(System.Data.IsolationLevel.Unspecified, "read committed")]
    public void The_isolation_level_is_reported_and_reaches_the_server(System.Data.IsolationLevel level, string server)
    {
        using var c = Opened();
        using var tx = c.BeginTransaction(level);
        Assert.Same(c, tx.Connection);
        Assert.Equal(level == System.Data.IsolationLevel.Unspecified ? System.Data.IsolationLevel.ReadCommitted : level, tx.IsolationLevel);
        Assert.Equal(server, Scalar(c, "SHOW transaction_isolation"));
        tx.Commit();
    }

    [Fact]
    public void Chaos_is_not_supported()
    {
        using var c = Opened();
        Assert.Throws<NotSupportedException>(() => c.BeginTransaction(System.Data.IsolationLevel.Chaos));
        Assert.Equal(1, Scalar(c, "SELECT 1"));
    }

    [Fact]
    public void Commit_ends_the_transaction_clears_Connection_and_a_second_Commit_or_Rollback_is_InvalidOperation()
    {
        using var c = Opened();
        Scalar(c, "CREATE TEMP TABLE t_commit (x int)");
        using var tx = c.BeginTransaction(System.Data.IsolationLevel.Serializable);
        Scalar(c, "INSERT INTO t_commit VALUES (1)");
        tx.Commit();
        Assert.Null(tx.Connection);
        Assert.Throws<InvalidOperationException>(() => tx.Commit());
        Assert.Throws<InvalidOperationException>(() => tx.Rollback());
        Assert.Equal(1L, Scalar(c, "SELECT count(*) FROM t_commit"));
    }

    [Fact]
    public void Rollback_ends_the_transaction_clears_Connection_and_a_second_Rollback_or_Commit_is_InvalidOperation()
    {
        using var c = Opened();
        Scalar(c, "CREATE TEMP TABLE t_rollback (x int)");
        using var tx = c.BeginTransaction(System.Data.IsolationLevel.Serializable);
        Scalar(c, "INSERT INTO t_rollback VALUES (1)");
        tx.Rollback();
        Assert.Null(tx.Connection);
        Assert.Throws<InvalidOperationException>(() => tx.Rollback());
        Assert.Throws<InvalidOperationException>(() => tx.Commit());
        Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM t_rollback"));
    }

    [Fact]
    public void After_Dispose_Commit_and_Rollback_are_ObjectDisposed_and_the_work_was_rolled_back()
    {
        using var c = Opened();
        Scalar(c, "CREATE TEMP TABLE t_dispose (x int)");
        var tx = c.BeginTransaction();
        Scalar(c, "INSERT INTO t_dispose VALUES (1)");
        tx.Dispose();
        tx.Dispose();
        Assert.Throws<ObjectDisposedException>(() => tx.Commit());
        Assert.Throws<ObjectDisposedException>(() => tx.Rollback());
        Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM t_dispose"));
    }

    [Fact]
    public async Task The_async_forms_follow_the_same_rules()
    {
        await using var c = Opened();
        await using var tx = await c.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        Assert.Equal(System.Data.IsolationLevel.RepeatableRead, tx.IsolationLevel);
        await tx.CommitAsync();
        Assert.Null(tx.Connection);
        await Assert.ThrowsAsync<InvalidOperationException>(() => tx.CommitAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => tx.RollbackAsync());
        var cancelled = c.BeginTransactionAsync(new CancellationToken(canceled: true)).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
    }

    [Fact]
    public void Closing_the_connection_rolls_the_transaction_back_and_ends_it()
    {
        using var c = Opened();
        Scalar(c, "CREATE TABLE IF NOT EXISTS t_close (x int)");
        var tx = c.BeginTransaction();
        Scalar(c, "INSERT INTO t_close VALUES (1)");
        c.Close();
        Assert.Null(tx.Connection);
        c.Open();
        Assert.Equal(0L, Scalar(c, "SELECT count(*) FROM t_close"));
        using var next = c.BeginTransaction();
        next.Commit();
    }
}
