using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>Pipeline mode as psycopg's conn.pipeline(): queued statements, results at sync, PipelineAborted.</summary>
public class PipelineTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Statements_are_sent_without_waiting_and_results_arrive_in_order()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE pl (id int, v text)");
        Cursor a, b, c;
        using (var p = conn.Pipeline())
        {
            a = conn.Cursor().Execute("INSERT INTO pl VALUES (%s, %s)", 1, "one");
            b = conn.Cursor().Execute("INSERT INTO pl VALUES (%s, %s) RETURNING id * 10", 2, "two");
            c = conn.Cursor().Execute("SELECT count(*) FROM pl");
            Assert.Equal(3, p.PendingCount);
            Assert.Equal(20, b.FetchOne()!.Get<int>(0));   // fetching a pending result reads up to it (Flush, as psycopg)
            Assert.Equal(1, p.PendingCount);                 // c is still in flight, the batch not yet synced
        }
        Assert.Equal(1, a.RowCount);
        Assert.Equal(2L, c.FetchOne()![0]);
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
    }

    [Fact]
    public void An_error_aborts_the_following_statements_until_sync()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE pl_err (id int PRIMARY KEY)");
        using (var p = conn.Pipeline())
        {
            var ok = conn.Cursor().Execute("INSERT INTO pl_err VALUES (%s)", 1);
            var bad = conn.Cursor().Execute("SELECT 1 / %s", 0);
            var skipped = conn.Cursor().Execute("INSERT INTO pl_err VALUES (%s)", 2);
            Assert.Throws<DivisionByZero>(() => p.Sync());
            Assert.Throws<DivisionByZero>(() => bad.FetchOne());
            Assert.Throws<PipelineAborted>(() => skipped.FetchOne());
            // After the sync the pipeline works again.
            var after = conn.Cursor().Execute("INSERT INTO pl_err VALUES (%s)", 3);
            p.Sync();
            Assert.Equal(1, after.RowCount);
        }
        // In autocommit the failing batch was one implicit transaction: only the later insert stays.
        Assert.Equal([3], conn.Execute("SELECT id FROM pl_err ORDER BY id").FetchAll<int>());
    }

    [Fact]
    public void Transactions_and_blocks_work_inside_a_pipeline()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE pl_tx (x int)");
        conn.Commit();
        using (conn.Pipeline())
        {
            conn.Cursor().Execute("INSERT INTO pl_tx VALUES (%s)", 1);
            conn.Commit();
            conn.Cursor().Execute("INSERT INTO pl_tx VALUES (%s)", 2);
            conn.Rollback();
            conn.Transaction(tx =>
            {
                conn.Cursor().Execute("INSERT INTO pl_tx VALUES (%s)", 3);
                conn.Transaction(inner =>
                {
                    conn.Cursor().Execute("INSERT INTO pl_tx VALUES (%s)", 4);
                    throw new Rollback();
                });
            });
        }
        using var check = db.Connect(autocommit: true);
        Assert.Equal([1, 3], check.Execute("SELECT x FROM pl_tx ORDER BY x").FetchAll<int>());
    }

    [Fact]
    public async Task ExecuteMany_inside_a_pipeline_and_async_sync()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE pl_many (x int)");
        await using (var p = conn.Pipeline())
        {
            var cur = conn.Cursor();
            await cur.ExecuteManyAsync("INSERT INTO pl_many VALUES (%s)", Enumerable.Range(1, 50).Select(i => new object?[] { i }));
            Assert.Equal(50, cur.RowCount);
            await cur.ExecuteAsync("SELECT sum(x) FROM pl_many");
            await p.SyncAsync();
            Assert.Equal(1275L, cur.FetchOne()![0]);
        }
    }

    [Fact]
    public void Prepared_statements_are_used_inside_a_pipeline()
    {
        using var conn = db.Connect(autocommit: true);
        var cursors = new List<Cursor>();
        using (conn.Pipeline())
        {
            for (var i = 0; i < 12; i++) cursors.Add(conn.Cursor().Execute("SELECT %s::int4 * 3", i));
        }
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i * 3), cursors.Select(c => c.FetchOne()!.Get<int>(0)));
        using (conn.Pipeline())
        {
            cursors.Clear();
            for (var i = 0; i < 3; i++) cursors.Add(conn.Cursor().Execute("SELECT %s::int4 * 3", i));
        }
        Assert.Equal([0, 3, 6], cursors.Select(c => c.FetchOne()!.Get<int>(0)));
        Assert.Equal(1L, conn.Execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int4 * 3'").FetchOne()![0]);
    }

    [Fact]
    public void A_value_that_cannot_be_encoded_leaves_nothing_behind()
    {
        using var conn = db.Connect();
        using (conn.Pipeline())
        {
            Assert.Throws<DataError>(() => conn.Execute("SELECT %s::text", "nul\0byte"));
            var ok = conn.Cursor().Execute("SELECT %s::text", "fine");
            Assert.Equal("fine", ok.FetchOne()![0]);
        }
        Assert.Throws<DataError>(() => conn.Cursor().ExecuteMany("SELECT %s::text", new[] { "a", "nul\0" }));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
        conn.Rollback();
    }

    [Fact]
    public void Several_statements_in_one_execute_are_refused_in_a_pipeline()
    {
        using var conn = db.Connect(autocommit: true);
        using var p = conn.Pipeline();
        Assert.Throws<ProgrammingError>(() => conn.Execute("SELECT 1; SELECT 2"));
    }
}
