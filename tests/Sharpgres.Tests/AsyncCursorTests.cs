using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>The cursor and transaction model through the async twins.</summary>
public class AsyncCursorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Aborted_transaction_and_recovery_async()
    {
        await using var conn = await db.ConnectAsync();
        var cur = conn.Cursor();
        await Assert.ThrowsAsync<UndefinedTable>(() => cur.ExecuteAsync("SELECT * FROM test_table1"));
        var e = await Assert.ThrowsAsync<InFailedSqlTransaction>(() => cur.ExecuteAsync("SELECT 1"));
        Assert.Equal("25P02", e.SqlState);
        await conn.RollbackAsync();
        await cur.ExecuteAsync("SELECT %s::int4 * 2", [21]);
        Assert.Equal(42, (await cur.FetchOneAsync())!.Get<int>(0));
        await conn.CommitAsync();
    }

    [Fact]
    public async Task ExecuteAsync_gives_the_cursor_back_and_reports_every_failure_through_its_task()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var cur = conn.Cursor();
        // Most of these finish while the read spins (the task kept per cursor), the pg_sleep one after a real wait.
        for (var i = 0; i < 50; i++) Assert.Same(cur, await cur.ExecuteAsync("SELECT %s::int4", [i]));
        Assert.Equal(49, cur.FetchOne<int>());
        Assert.Same(cur, await cur.ExecuteAsync("SELECT pg_sleep(0.2), %s::int4", [7]));
        Assert.Equal(7, cur.FetchOne()!.Get<int>(1));
        Assert.Same(cur, await cur.ExecuteAsync("SELECT %(x)s::int4", new { x = 8 }));
        Assert.Same(cur, await cur.ExecuteAsync("SELECT %s::int4", [9], prepare: true));
        Assert.Equal(9, cur.FetchOne<int>());

        // Arguments the query can't take: faulted tasks, never a throw out of the call itself.
        var wrongCount = cur.ExecuteAsync("SELECT %s, %s", [1]);
        var missingName = cur.ExecuteAsync("SELECT %(a)s", new Dictionary<string, object?> { ["b"] = 1 });
        Assert.True(wrongCount.IsFaulted && missingName.IsFaulted);
        await Assert.ThrowsAsync<ProgrammingError>(() => wrongCount);
        await Assert.ThrowsAsync<ProgrammingError>(() => missingName);
        // The server's errors, before and after a wait, and a cancelled wait, end their tasks the same way.
        await Assert.ThrowsAsync<DivisionByZero>(() => cur.ExecuteAsync("SELECT 1 / %s", [0]));
        await Assert.ThrowsAsync<DivisionByZero>(() => cur.ExecuteAsync("SELECT 1 / (pg_sleep(0.2)::text <> '')::int"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var cancelled = cur.ExecuteAsync("SELECT pg_sleep(10)", null, cts.Token);
        await Assert.ThrowsAsync<QueryCanceled>(() => cancelled);   // the server's answer to the CancelRequest
        Assert.True(cancelled.IsFaulted);
        Assert.Equal(2, (await cur.ExecuteAsync("SELECT %s::int4 + 1", [1])).FetchOne<int>());
    }

    [Fact]
    public async Task Named_parameters_rowcount_and_typed_reads_async()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var cur = conn.Cursor();
        await cur.ExecuteAsync("CREATE TABLE a_people (id serial, name text, city text)");
        await cur.ExecuteAsync("INSERT INTO a_people (name, city) VALUES (%(name)s, %(city)s)", new { name = "Jane Lee", city = "Rustmore" });
        Assert.Equal(1, cur.RowCount);
        await cur.ExecuteManyAsync("INSERT INTO a_people (name, city) VALUES (%s, %s)", [("A", "X"), ("B", "X")]);
        Assert.Equal(2, cur.RowCount);
        await cur.ExecuteAsync("UPDATE a_people SET city = %s WHERE city = %s", ["Y", "X"]);
        Assert.Equal(2, cur.RowCount);
        await cur.ExecuteAsync("SELECT id, name, city FROM a_people ORDER BY id");
        var people = await cur.FetchAllAsync<(int, string, string)>();
        Assert.Equal([(1, "Jane Lee", "Rustmore"), (2, "A", "Y"), (3, "B", "Y")], people);
    }

    [Fact]
    public async Task Transaction_blocks_async()
    {
        await using var conn = await db.ConnectAsync();
        await conn.ExecuteAsync("CREATE TABLE a_tx (x int)");
        await conn.CommitAsync();
        await using (var tx = await conn.TransactionAsync())
        {
            await conn.Cursor().ExecuteAsync("INSERT INTO a_tx VALUES (%s)", [1]);
            await using (var inner = await conn.TransactionAsync())
            {
                await conn.Cursor().ExecuteAsync("INSERT INTO a_tx VALUES (%s)", [2]);
            }
            await tx.CommitAsync();
        }
        var cur = await conn.ExecuteAsync("SELECT array_agg(x)::text FROM a_tx");
        Assert.Equal("{1}", (await cur.FetchOneAsync())![0]);
        await conn.RollbackAsync();
    }

    [Fact]
    public async Task Stale_prepared_plan_is_prepared_again_transparently()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE a_plan (a int)");
        await conn.ExecuteAsync("INSERT INTO a_plan VALUES (1)");
        var cur = conn.Cursor();
        for (var i = 0; i < 8; i++) await cur.ExecuteAsync("SELECT * FROM a_plan WHERE a = %s", [1]);
        Assert.Equal(1L, (await conn.ExecuteAsync("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT * FROM a_plan%'")).FetchOne()![0]);
        await conn.ExecuteAsync("ALTER TABLE a_plan ADD COLUMN b text DEFAULT 'new'");
        await cur.ExecuteAsync("SELECT * FROM a_plan WHERE a = %s", [1]);
        Assert.Equal("(1, 'new')", cur.FetchOne()!.ToString());
    }
}
