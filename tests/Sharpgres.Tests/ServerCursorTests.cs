using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>conn.Cursor("name"): psycopg's ServerCursor — DECLARE, FETCH, MOVE, CLOSE, hold across commit.</summary>
public class ServerCursorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static int[] Ints(IEnumerable<Row> rows) => rows.Select(r => r.Get<int>(0)).ToArray();

    [Fact]
    public void Fetchmany_fetchone_and_fetchall_walk_the_result_as_psycopg()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor("foo");
        Assert.Null(cur.RowNumber);
        cur.Execute("SELECT generate_series(1, %s) AS bar", 5);
        Assert.Equal(0, cur.RowNumber);
        Assert.Equal(-1, cur.RowCount);
        Assert.Equal("bar", Assert.Single(cur.Description!).Name);
        Assert.Equal([1, 2, 3], Ints(cur.FetchMany(3)));
        Assert.Equal(3, cur.RowNumber);
        Assert.Equal(3, cur.RowCount);
        Assert.Equal(4, cur.FetchOne()!.Get<int>(0));
        Assert.Equal([5], Ints(cur.FetchMany(3)));
        Assert.Empty(cur.FetchMany(3));
        Assert.Null(cur.FetchOne());
        Assert.Equal(5, cur.RowNumber);
        Assert.Equal(5, cur.RowCount);
        Assert.Equal("(5,)", conn.Cursor("again").Execute("SELECT 5").FetchAll().Single().ToString());
        conn.Rollback();
    }

    [Fact]
    public void Iteration_fetches_item_size_rows_per_round_trip()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor("iter");
        cur.ItemSize = 7;
        cur.Execute("SELECT g, g::text FROM generate_series(1, 100) g");
        Assert.Equal(1, cur.FetchOne()![0]);
        var rownumbers = new List<int>();
        var sum = 0;
        foreach (var row in cur)
        {
            sum += row.Get<int>(0);
            rownumbers.Add(cur.RowNumber!.Value);
        }
        Assert.Equal(5049, sum);
        Assert.Equal(Enumerable.Range(2, 99), rownumbers);
        Assert.Equal(100, cur.RowCount);
        Assert.Equal(1L, conn.Execute("SELECT count(*) FROM pg_cursors WHERE name = 'iter'").FetchOne()![0]);
        cur.Close();
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM pg_cursors WHERE name = 'iter'").FetchOne()![0]);
        conn.Rollback();
    }

    [Fact]
    public void Scroll_moves_with_MOVE_and_a_scrollable_cursor_goes_backwards()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor("scroller", scrollable: true);
        cur.Execute("SELECT generate_series(0, 9)");
        cur.Scroll(2);
        Assert.Equal(2, cur.RowNumber);
        Assert.Equal(2, cur.FetchOne()![0]);
        cur.Scroll(2);
        Assert.Equal(5, cur.FetchOne()![0]);
        cur.Scroll(9, ScrollMode.Absolute);
        Assert.Equal(9, cur.RowNumber);
        Assert.Equal(9, cur.FetchOne()![0]);
        cur.Scroll(-3);
        Assert.Equal(7, cur.FetchOne()![0]);
        cur.Scroll(0, ScrollMode.Absolute);
        Assert.Equal(0, cur.FetchOne()![0]);
        cur.Close();

        using var forward = conn.Cursor("forward_only", scrollable: false);
        forward.Execute("SELECT generate_series(0, 5)");
        forward.Scroll(5);
        Assert.Throws<ObjectNotInPrerequisiteState>(() => forward.Scroll(-1));
        conn.Rollback();
    }

    [Fact]
    public void A_cursor_with_hold_survives_commit()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor("held", withHold: true);
        cur.Execute("SELECT generate_series(0, 5)");
        Assert.Equal(0, cur.FetchOne()![0]);
        conn.Commit();
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(1, cur.FetchOne()![0]);
        // Fetching never opens a transaction of its own.
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal([2, 3, 4, 5], Ints(cur.FetchAll()));
        cur.Close();
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM pg_cursors WHERE name <> ''").FetchOne()![0]);
        conn.Rollback();
    }

    [Fact]
    public void A_cursor_without_hold_is_gone_after_commit()
    {
        using var conn = db.Connect();
        var cur = conn.Cursor("nohold");
        cur.Execute("SELECT generate_series(0, 2)");
        Assert.Equal(0, cur.FetchOne()![0]);
        conn.Commit();
        var e = Assert.Throws<InvalidCursorName>(() => cur.FetchOne());
        Assert.Equal("34000", e.SqlState);
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        cur.Close();   // nothing to CLOSE on the server: no error
        Assert.True(cur.Closed);
        Assert.Throws<InterfaceError>(() => cur.FetchOne());
    }

    [Fact]
    public void ExecuteMany_is_not_supported_and_errors_leave_the_connection_usable()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor("errs");
        Assert.Throws<NotSupportedError>(() => cur.ExecuteMany("SELECT %s", [[1], [2]]));
        // Without hold, DECLARE needs a transaction block.
        Assert.Throws<NoActiveSqlTransaction>(() => cur.Execute("SELECT 1"));
        Assert.Throws<SyntaxError>(() => cur.Execute("wat"));
        Assert.ThrowsAny<ProgrammingError>(() => cur.Execute("SELECT 1; SELECT 2"));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
        using var held = conn.Cursor("held_auto", withHold: true);
        held.Execute("SELECT g FROM generate_series(1, 3) g");
        Assert.Equal([1, 2, 3], Ints(held.FetchAll()));
    }

    [Fact]
    public void Names_are_quoted_and_execute_again_redeclares()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor("1-2 \"3\" %s");
        cur.Execute("SELECT generate_series(1, %s) AS foo", 3);
        Assert.Equal(1, cur.FetchOne()![0]);
        cur.Execute("SELECT %s::text AS bar, %s::text AS baz", "hello", "world");
        Assert.Equal("('hello', 'world')", cur.FetchOne()!.ToString());
        Assert.Equal(["bar", "baz"], cur.Description!.Select(c => c.Name));
        Assert.Equal(1L, conn.Execute("SELECT count(*) FROM pg_cursors WHERE name <> ''").FetchOne()![0]);
        conn.Rollback();
    }

    public record Item(int Id, string Label);

    [Fact]
    public async Task Async_typed_and_stolen_cursors()
    {
        await using var conn = await db.ConnectAsync();
        await using (var cur = conn.Cursor("typed"))
        {
            await cur.ExecuteAsync("SELECT g AS id, 'n' || g AS label FROM generate_series(1, 250) g");
            Assert.Equal(new Item(1, "n1"), await cur.FetchOneAsync<Item>());
            Assert.Equal(2, (await cur.FetchManyAsync<Item>(2)).Count);
            var n = 0;
            await foreach (var row in cur) n++;
            Assert.Equal(247, n);
            Assert.Equal(250, cur.RowNumber);
        }
        await conn.Cursor().ExecuteAsync("DECLARE stolen CURSOR FOR SELECT generate_series(1, 6)");
        var stolen = conn.Cursor("stolen");
        Assert.Equal(1, (await stolen.FetchOneAsync())![0]);
        Assert.Equal(new[] { 2, 3, 4 }, Ints(await stolen.FetchManyAsync(3)));
        Assert.Equal(new[] { 5, 6 }, Ints(await stolen.FetchAllAsync()));
        await stolen.CloseAsync();
        Assert.Equal(0L, (await conn.ExecuteAsync("SELECT count(*) FROM pg_cursors WHERE name <> ''")).FetchOne()![0]);
        await conn.RollbackAsync();
    }
}
