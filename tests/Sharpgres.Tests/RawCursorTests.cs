using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>psycopg's RawCursor (tests/test_rawcursor.py): the query's own $1, $2 placeholders, positional arguments only.</summary>
public class RawCursorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Raw_cursor_passes_dollar_placeholders_untouched()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.RawCursor();
        Assert.Equal(Binding.Raw, cur.Binding);
        Assert.Equal(3, cur.Execute("SELECT $1::int + $2::int", 1, 2).FetchOne()![0]);
        // A placeholder used twice, and a % that means nothing to a raw query.
        Assert.Equal((5, 10, "100%"), cur.Execute("SELECT $1::int, $1::int * 2, '100%'", 5).FetchOne<(int, int, string)>());
        Assert.Equal("a%b", cur.Execute("SELECT $1 || '%' || $2", "a", "b").FetchOne()![0]);
        // Without arguments too: nothing is rewritten.
        Assert.Equal("%s", cur.Execute("SELECT '%s'").FetchOne()![0]);
    }

    [Fact]
    public void Raw_cursor_refuses_named_arguments()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor(binding: Binding.Raw);
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT $1", new Dictionary<string, object?> { ["x"] = 1 }));
        // One object is one positional value, not a source of names.
        var id = Guid.NewGuid();
        Assert.Equal(id, cur.Execute("SELECT $1", id).FetchOne()![0]);
    }

    [Fact]
    public void A_wrong_number_of_arguments_is_the_servers_error_and_the_connection_stays_usable()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.RawCursor();
        var error = Assert.ThrowsAny<Error>(() => cur.Execute("SELECT $1::int + $2::int", 1));
        Assert.Equal("08P01", error.SqlState);
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public async Task Raw_cursor_fetches_streams_and_executes_many_as_a_normal_cursor()
    {
        await using var conn = await db.ConnectAsync();
        await using var cur = conn.Cursor(RowFactory.Dict, Binding.Raw);
        await cur.ExecuteAsync("CREATE TEMP TABLE items (id int, label text)");
        cur.ExecuteMany("INSERT INTO items VALUES ($1, $2)", Enumerable.Range(1, 1500).Select(i => new object?[] { i, $"item {i}%" }));
        Assert.Equal(1500, cur.RowCount);
        await cur.ExecuteAsync("SELECT id, label FROM items WHERE id <= $1 ORDER BY id", [2]);
        Assert.Equal("item 1%", (await cur.FetchOneAsync())!["label"]);
        Assert.Equal([(1, "item 1%"), (2, "item 2%")], cur.Stream<(int, string)>("SELECT id, label FROM items WHERE id <= $1 ORDER BY id", 2));
        var total = 0L;
        await foreach (var row in cur.StreamAsync("SELECT count(*) AS n FROM items WHERE label = $1", ["item 1%"])) total = (long)row["n"]!;
        Assert.Equal(1L, total);
        cur.ExecuteMany("UPDATE items SET label = $2 WHERE id = $1 RETURNING id", [(1, "one"), (2, "two")], returning: true);
        Assert.Equal(2, cur.RowCount);
    }
}
