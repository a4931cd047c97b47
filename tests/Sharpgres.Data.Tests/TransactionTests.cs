using System.Data;
using System.Data.Common;

namespace Sharpgres.Data.Tests;

/// <summary>DbTransaction: commit, rollback, isolation levels, savepoints, what another connection sees.</summary>
public sealed class TransactionTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    private long Count(string table)
    {
        using var other = db.Open();
        return Convert.ToInt64(new SharpgresCommand($"SELECT count(*) FROM {table}", other).ExecuteScalar());
    }

    [Fact]
    public void Commit_makes_rows_visible_and_Rollback_discards_them()
    {
        db.Execute("CREATE TABLE IF NOT EXISTS tx1 (id int)");
        using var c = db.Open();
        using (var t = c.BeginTransaction())
        {
            Assert.Same(c, t.Connection);
            Assert.Equal(System.Data.IsolationLevel.ReadCommitted, t.IsolationLevel);
            new SharpgresCommand("INSERT INTO tx1 VALUES (1)", c, t).ExecuteNonQuery();
            Assert.Equal(0, Count("tx1"));
            t.Commit();
            Assert.Null(t.Connection);
            Assert.Throws<InvalidOperationException>(() => t.Commit());
            Assert.Throws<InvalidOperationException>(() => t.Rollback());
        }
        Assert.Equal(1, Count("tx1"));
        using (var t = c.BeginTransaction())
        {
            new SharpgresCommand("INSERT INTO tx1 VALUES (2)", c, t).ExecuteNonQuery();
            t.Rollback();
        }
        Assert.Equal(1, Count("tx1"));
        using (var t = c.BeginTransaction())
        {
            new SharpgresCommand("INSERT INTO tx1 VALUES (3)", c, t).ExecuteNonQuery();
        }   // disposed without commit: rolled back
        Assert.Equal(1, Count("tx1"));
        // Back in autocommit afterwards.
        new SharpgresCommand("INSERT INTO tx1 VALUES (4)", c).ExecuteNonQuery();
        Assert.Equal(2, Count("tx1"));
    }

    [Theory]
    [InlineData(System.Data.IsolationLevel.Serializable, "serializable")]
    [InlineData(System.Data.IsolationLevel.RepeatableRead, "repeatable read")]
    [InlineData(System.Data.IsolationLevel.ReadCommitted, "read committed")]
    [InlineData(System.Data.IsolationLevel.Snapshot, "repeatable read")]
    public async Task BeginTransaction_sets_the_isolation_level(System.Data.IsolationLevel level, string shown)
    {
        await using var c = await db.OpenAsync();
        await using var t = await c.BeginTransactionAsync(level);
        using var cmd = new SharpgresCommand("SHOW transaction_isolation", c, (SharpgresTransaction)t);
        Assert.Equal(shown, await cmd.ExecuteScalarAsync());
        await t.CommitAsync();
    }

    [Fact]
    public void A_second_BeginTransaction_is_refused()
    {
        using var c = db.Open();
        using var t = c.BeginTransaction();
        Assert.Throws<InvalidOperationException>(() => c.BeginTransaction());
        using var cmd = c.CreateCommand();
        Assert.Null(cmd.Transaction);
    }

    [Fact]
    public void Savepoints_undo_part_of_a_transaction()
    {
        db.Execute("CREATE TABLE IF NOT EXISTS tx2 (id int)");
        using var c = db.Open();
        using var t = c.BeginTransaction();
        Assert.True(t.SupportsSavepoints);
        t.Save("start");   // before any statement: the BEGIN goes first
        new SharpgresCommand("INSERT INTO tx2 VALUES (1)", c, t).ExecuteNonQuery();
        t.Save("one");
        new SharpgresCommand("INSERT INTO tx2 VALUES (2)", c, t).ExecuteNonQuery();
        t.Rollback("one");
        t.Save("again");
        t.Release("again");
        t.Commit();
        Assert.Equal(1, Count("tx2"));
    }

    [Fact]
    public void A_failed_transaction_rolls_back_and_Commit_says_so()
    {
        db.Execute("CREATE TABLE IF NOT EXISTS tx3 (id int)");
        using var c = db.Open();
        var t = c.BeginTransaction();
        new SharpgresCommand("INSERT INTO tx3 VALUES (1)", c, t).ExecuteNonQuery();
        Assert.ThrowsAny<DbException>(() => new SharpgresCommand("SELECT 1/0", c, t).ExecuteNonQuery());
        var e = Assert.ThrowsAny<DbException>(() => new SharpgresCommand("SELECT 1", c, t).ExecuteNonQuery());
        Assert.Equal("25P02", e.SqlState);
        Assert.ThrowsAny<DbException>(() => t.Commit());
        Assert.Equal(0, Count("tx3"));
        Assert.Equal(1, new SharpgresCommand("SELECT 1", c).ExecuteScalar());
    }

    [Fact]
    public void Closing_the_connection_rolls_back_its_transaction()
    {
        db.Execute("CREATE TABLE IF NOT EXISTS tx4 (id int)");
        var c = db.Open();
        var t = c.BeginTransaction();
        new SharpgresCommand("INSERT INTO tx4 VALUES (1)", c, t).ExecuteNonQuery();
        c.Close();
        Assert.Null(t.Connection);
        Assert.Equal(0, Count("tx4"));
    }
}
