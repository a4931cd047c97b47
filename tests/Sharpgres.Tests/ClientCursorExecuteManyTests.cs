using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// A ClientCursor's ExecuteMany pipelined as psycopg's (cursor.py runs executemany in pipeline mode; client_cursor.py
/// then sends each merged statement with PQsendQueryParams and no parameters): a chunk of sets per round trip, counted
/// with the session's flush counter and, on the wire, by the Syncs a <see cref="WireTap"/> saw.
/// </summary>
public class ClientCursorExecuteManyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private static long Count(Connection conn, string table) => (long)conn.Execute($"SELECT count(*) FROM {table}").FetchOne()![0]!;

    [Fact]
    public void Sets_go_out_merged_a_chunk_per_round_trip_with_the_total_rowcount()
    {
        using var tap = new WireTap(db.ConnString);
        using var conn = Pg.Connect(tap.ConnString, autocommit: true);
        conn.Execute("CREATE TEMP TABLE cm_rows (id int PRIMARY KEY, note text)");
        using var cur = conn.ClientCursor();
        var sets = Enumerable.Range(1, 2500).Select(i => (i, $"it's {i}")).ToList();
        tap.Clear();
        var flushes = conn.Session.Flushes;

        cur.ExecuteMany("INSERT INTO cm_rows VALUES (%s, %s)", sets);

        Assert.Equal(2500, cur.RowCount);
        // 2,500 sets in chunks of 1,000: three sends, three Syncs, where one Execute per set took 2,500 round trips.
        Assert.Equal(3, conn.Session.Flushes - flushes);
        Assert.Equal(3, tap.Count('S'));
        // Client-side binding: the values are in the statement texts, nothing is bound.
        var parses = tap.Messages.Where(m => m.Type == 'P').ToList();
        Assert.Equal(2500, parses.Count);
        Assert.Equal("INSERT INTO cm_rows VALUES (7, 'it''s 7')", parses[6].Sql);
        Assert.All(tap.BindFormats(), formats => Assert.Empty(formats));
        Assert.Equal(2500, Count(conn, "cm_rows"));
        Assert.Equal("it's 2500", conn.Execute("SELECT note FROM cm_rows WHERE id = 2500").FetchOne()![0]);
    }

    [Fact]
    public async Task Returning_gives_each_statements_rows_as_a_result_set_async()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TEMP TABLE cm_ret (id serial, v text)");
        await using var cur = conn.ClientCursor();
        var flushes = conn.Session.Flushes;
        await cur.ExecuteManyAsync("INSERT INTO cm_ret (v) VALUES (%s) RETURNING id, v", new[] { "a", "b'", "c" }, returning: true);
        Assert.Equal(1, conn.Session.Flushes - flushes);
        Assert.Equal(3, cur.RowCount);
        var got = new List<(int, string)>();
        do got.AddRange(cur.FetchAll<(int, string)>()); while (cur.NextSet());
        Assert.Equal([(1, "a"), (2, "b'"), (3, "c")], got);
    }

    [Fact]
    public void A_failing_set_in_autocommit_commits_exactly_the_sets_before_it()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TEMP TABLE cm_fail (id int PRIMARY KEY)");
        conn.Execute("INSERT INTO cm_fail VALUES (6)");
        using var cur = conn.ClientCursor();
        var e = Assert.Throws<UniqueViolation>(() => cur.ExecuteMany("INSERT INTO cm_fail VALUES (%s)", Enumerable.Range(1, 10).Select(i => new object?[] { i })));
        Assert.Contains("parameter set 5 (0-based) failed; the 5 parameter set(s) before it were committed", e.Message);
        Assert.Equal([1, 2, 3, 4, 5, 6], conn.Execute("SELECT id FROM cm_fail ORDER BY id").FetchAll().Select(r => r.Get<int>(0)));
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
    }

    [Fact]
    public async Task A_failing_set_in_a_transaction_aborts_it_and_names_the_set()
    {
        await using var conn = await db.ConnectAsync();
        await conn.ExecuteAsync("CREATE TEMP TABLE cm_tx (id int PRIMARY KEY) ON COMMIT PRESERVE ROWS");
        await conn.CommitAsync();
        await using var cur = conn.ClientCursor();
        var e = await Assert.ThrowsAsync<UniqueViolation>(() => cur.ExecuteManyAsync("INSERT INTO cm_tx VALUES (%s)", new[] { 1, 2, 2, 3 }));
        Assert.Contains("parameter set 2 (0-based) failed", e.Message);
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        await conn.RollbackAsync();
        Assert.Equal(0, Count(conn, "cm_tx"));
        // The connection goes on; a good batch commits.
        await cur.ExecuteManyAsync("INSERT INTO cm_tx VALUES (%s)", new[] { 1, 2, 3 });
        await conn.CommitAsync();
        Assert.Equal(3, Count(conn, "cm_tx"));
    }

    [Fact]
    public void A_value_that_cannot_be_merged_sends_nothing()
    {
        using var tap = new WireTap(db.ConnString);
        using var conn = Pg.Connect(tap.ConnString, autocommit: true);
        using var cur = conn.ClientCursor();
        tap.Clear();
        Assert.Throws<DataError>(() => cur.ExecuteMany("SELECT %s::text", new[] { "fine", "nul\0" }));
        Assert.Empty(tap.Messages);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }
}
