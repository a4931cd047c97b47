using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>
/// A statement whose whole result was fetched as one row type maps the rows of its next run as they arrive
/// (Results/EagerFetch): the rows, the cursor's positions and the errors must be exactly those of the ordinary fetch,
/// whatever the application does next.
/// </summary>
public class EagerFetchTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Rows =
        "SELECT g, 'name ' || g, g * 1.5::float8, '2020-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, %s) g";

    private static (int, string, double, DateTime) Expected(int g) =>
        (g, "name " + g, g * 1.5, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(g));

    private static void AssertRows(int count, IReadOnlyList<(int, string, double, DateTime)> rows)
    {
        Assert.Equal(count, rows.Count);
        for (var i = 0; i < count; i++)
        {
            var (g, name, value, ts) = rows[i];
            var (eg, ename, evalue, ets) = Expected(i + 1);
            Assert.Equal((eg, ename, evalue), (g, name, value));
            Assert.Equal(ets, ts.ToUniversalTime());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_repeated_whole_fetch_is_mapped_as_it_arrives_on_new_cursors_and_sizes_sync_and_async(bool async)
    {
        using var conn = db.Connect();
        // 3,000 rows grow past the first array's 1,024; then smaller and bigger results than the one learned.
        int[] sizes = [3000, 3000, 3, 0, 5000, 1, 2500, 2500];
        for (var run = 0; run < sizes.Length; run++)
        {
            using var cur = conn.Cursor();   // what a run teaches lives with the statement, not the cursor
            if (async) await cur.ExecuteAsync(Rows, [sizes[run]]);
            else cur.Execute(Rows, sizes[run]);
            Assert.Equal(run > 0, cur.HasEarlyMappedRows);
            Assert.Equal(sizes[run], cur.RowCount);
            var rows = async ? await cur.FetchAllAsync<(int, string, double, DateTime)>() : cur.FetchAll<(int, string, double, DateTime)>();
            AssertRows(sizes[run], rows);
            Assert.False(cur.HasEarlyMappedRows);
            Assert.Equal(sizes[run], cur.RowNumber);
            Assert.Null(cur.FetchOne());
            Assert.Empty(cur.FetchAll<(int, string, double, DateTime)>());
            if (sizes[run] > 0)
            {
                // The buffered rows are still the cursor's: scrolling back reads them again, typed or boxed.
                cur.Scroll(0, ScrollMode.Absolute);
                Assert.Equal(Expected(1).Item2, cur.FetchOne<(int, string, double, DateTime)>().Item2);
                Assert.Equal(sizes[run] == 1 ? null : (object)2, cur.FetchOne()?[0]);
            }
        }
    }

    [Fact]
    public void A_prepared_statement_whose_describe_is_skipped_maps_early_too()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        for (var run = 0; run < 12; run++)   // past the prepare threshold: Bind/Execute only, the description known
        {
            var n = run % 3 == 2 ? 0 : 40 + run;
            cur.Execute(Rows, n);
            // An empty result of a described statement has nothing to map; it keeps what the statement learned.
            if (n > 0) Assert.Equal(run > 0, cur.HasEarlyMappedRows);
            AssertRows(n, cur.FetchAll<(int, string, double, DateTime)>());
        }
    }

    [Fact]
    public void Transactions_begun_in_the_same_round_trip_keep_mapping_early()
    {
        // Not autocommit, committed after each run: every Execute sends BEGIN ahead of the statement, whose
        // CommandComplete comes first and must not be taken for the statement's result.
        using var conn = db.Connect();
        Assert.False(conn.Autocommit);
        for (var run = 0; run < 10; run++)   // past the prepare threshold: the description known, Describe skipped
        {
            using var cur = conn.Cursor();
            cur.Execute(Rows, 25);
            Assert.Equal(run > 0, cur.HasEarlyMappedRows);
            AssertRows(25, cur.FetchAll<(int, string, double, DateTime)>());
            conn.Commit();
        }
    }

    [Fact]
    public void Fetching_otherwise_gets_the_same_rows_and_the_statement_stops_mapping_early()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        cur.Execute(Rows, 50);
        AssertRows(50, cur.FetchAll<(int, string, double, DateTime)>());
        cur.Execute(Rows, 50);
        Assert.True(cur.HasEarlyMappedRows);
        // This run's rows are fetched one by one, boxed and as another type: nothing of the early mapping shows.
        Assert.Equal(Expected(1), Normalize(cur.FetchOne<(int, string, double, DateTime)>()));
        Assert.Equal(2, cur.FetchOne()![0]);
        Assert.Equal([3L, 4L], cur.FetchMany<(long, string, double, DateTime)>(2).Select(r => r.Item1));
        Assert.Equal(46, cur.FetchAll<(int, string, double, DateTime)>().Count);   // not from position 0: mapped now
        // The mapped rows were never taken: the next run maps nothing early, and a whole fetch teaches it again.
        cur.Execute(Rows, 50);
        Assert.False(cur.HasEarlyMappedRows);
        Assert.Equal(50, cur.FetchAll<(long, string, double, DateTime)>().Count);
        cur.Execute(Rows, 50);
        Assert.True(cur.HasEarlyMappedRows);
        // A whole fetch as another row type than the one learned: mapped as usual, and it is what the next run learns.
        AssertRows(50, cur.FetchAll<(int, string, double, DateTime)>());
        cur.Execute(Rows, 50);
        Assert.True(cur.HasEarlyMappedRows);
        AssertRows(50, cur.FetchAll<(int, string, double, DateTime)>());
    }

    private static (int, string, double, DateTime) Normalize((int, string, double, DateTime) row) => row with { Item4 = row.Item4.ToUniversalTime() };

    [Fact]
    public void A_value_that_does_not_map_raises_at_the_fetch_as_before_and_the_cursor_stays_usable()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        const string sql = "SELECT CASE WHEN g = %s THEN NULL ELSE g END, 'x' || g FROM generate_series(1, 2000) g";
        cur.Execute(sql, 0);
        Assert.Equal(2000, cur.FetchAll<(int, string)>().Count);
        cur.Execute(sql, 1500);   // a NULL in row 1,500: the early mapping stops there
        Assert.False(cur.HasEarlyMappedRows);
        var early = Assert.Throws<InvalidCastException>(() => cur.FetchAll<(int, string)>());
        // The same statement on a connection that never learned it raises the same error from the fetch.
        using var fresh = db.Connect();
        using var plain = fresh.Cursor();
        plain.Execute(sql, 1500);
        var usual = Assert.Throws<InvalidCastException>(() => plain.FetchAll<(int, string)>());
        Assert.Equal(usual.Message, early.Message);
        // Nullable columns map that result; the row that failed is still there to fetch.
        cur.Scroll(0, ScrollMode.Absolute);
        var rows = cur.FetchAll<(int?, string)>();
        Assert.Null(rows[1499].Item1);
        cur.Execute(sql, 0);
        Assert.Equal(2000, cur.FetchAll<(int, string)>()[1999].Item1);
    }

    [Fact]
    public void A_server_error_in_the_middle_of_the_rows_raises_at_execute_and_the_next_run_is_whole()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        const string sql = "SELECT g, 10 / (g - %s) FROM generate_series(1, 3000) g";
        cur.Execute(sql, 0);
        Assert.Equal(3000, cur.FetchAll<(int, int)>().Count);
        var e = Assert.Throws<DivisionByZero>(() => cur.Execute(sql, 2900));
        Assert.Equal("22012", e.SqlState);
        cur.Execute(sql, 0);
        var rows = cur.FetchAll<(int, int)>();
        Assert.Equal(3000, rows.Count);
        Assert.Equal((3000, 0), rows[^1]);
    }

    [Fact]
    public void Two_cursors_running_the_statement_in_turn_each_get_their_own_rows()
    {
        using var conn = db.Connect();
        using var a = conn.Cursor();
        using var b = conn.Cursor();
        a.Execute(Rows, 30);
        AssertRows(30, a.FetchAll<(int, string, double, DateTime)>());
        a.Execute(Rows, 20);
        b.Execute(Rows, 10);   // a's early rows are not taken yet: b's run maps nothing early
        Assert.True(a.HasEarlyMappedRows);
        Assert.False(b.HasEarlyMappedRows);
        AssertRows(10, b.FetchAll<(int, string, double, DateTime)>());
        AssertRows(20, a.FetchAll<(int, string, double, DateTime)>());
    }

    public sealed record Person(int Id, string Name);

    [Fact]
    public void Mappings_that_run_application_code_or_columns_with_their_own_loaders_are_never_mapped_early()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        // A record: its constructor is the application's code, run only when the application fetches.
        const string people = "SELECT g AS id, 'p' || g AS name FROM generate_series(1, 5) g";
        for (var run = 0; run < 3; run++)
        {
            cur.Execute(people);
            Assert.False(cur.HasEarlyMappedRows);
            Assert.Equal(new Person(5, "p5"), cur.FetchAll<Person>()[4]);
        }
        // json (its loads may be the application's) and arrays (containers): mapped at the fetch.
        foreach (var sql in new[] { "SELECT g, json_build_object('g', g)::text::json FROM generate_series(1, 3) g", "SELECT g, ARRAY[g, g] FROM generate_series(1, 3) g" })
            for (var run = 0; run < 3; run++)
            {
                cur.Execute(sql);
                Assert.False(cur.HasEarlyMappedRows);
                Assert.Equal(3, cur.FetchAll<(int, object)>().Count);
            }
        // Scalars and bytea (byte[]) are plain.
        for (var run = 0; run < 2; run++)
        {
            cur.Execute("SELECT decode(lpad(to_hex(g), 2, '0'), 'hex') FROM generate_series(1, 3) g");
            Assert.Equal(run > 0, cur.HasEarlyMappedRows);
            Assert.Equal(new byte[] { 3 }, cur.FetchAll<byte[]>()[2]);
        }
    }
}
