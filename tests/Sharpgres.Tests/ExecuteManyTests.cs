using Bogus;
using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>ExecuteMany and the third tutorial's people table, in the tutorial's order.</summary>
public class ExecuteManyTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void People_tutorial_with_one_hundred_generated_records()
    {
        using var conn = db.Connect();
        conn.Autocommit = true;
        using var cur = conn.Cursor();
        cur.Execute("""
            CREATE TABLE people(
            id SERIAL PRIMARY KEY,
            name varchar(50) NOT NULL,
            city varchar(40),
            profession varchar(60));
            """);
        const string insert = "INSERT INTO people (name,city,profession) VALUES (%s, %s, %s);";
        cur.Execute(insert, "Jane Lee", "Rustmore", "Rust programmer");
        Randomizer.Seed = new Random(42);
        var faker = new Faker();
        string[] cities = ["Johnsonmouth", "East Jill", "Lake Mark", "Hayesfort", "Carlshire", "Torreston"];
        var records = Enumerable.Range(0, 100).Select(_ => (faker.Name.FullName(), faker.PickRandom(cities), faker.Name.JobTitle())).ToList();
        cur.ExecuteMany(insert, records);
        Assert.Equal(100, cur.RowCount);

        cur.Execute("SELECT * FROM people;");
        Assert.Equal(101, cur.RowCount);
        Assert.Equal("(1, 'Jane Lee', 'Rustmore', 'Rust programmer')", cur.FetchOne()!.ToString());
        Assert.Equal(1, cur.RowNumber);
        var ten = cur.FetchMany(10);
        Assert.Equal(10, ten.Count);
        Assert.Equal(2, ten[0].Get<int>("id"));
        Assert.Equal(records[0].Item1, ten[0]["name"]);
        Assert.Equal(11, cur.RowNumber);
        Assert.Equal(90, cur.FetchAll().Count);
        Assert.Equal(101, cur.RowNumber);

        cur.Execute("SELECT city, COUNT(*) FROM people GROUP BY city HAVING COUNT(*)>1 ORDER BY city;");
        var repeated = cur.FetchAll();
        var expected = records.GroupBy(r => r.Item2).Where(g => g.Count() > 1).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, repeated.Count);
        var johnson = repeated.Single(r => (string)r[0]! == "Johnsonmouth");
        var johnsonCount = records.Count(r => r.Item2 == "Johnsonmouth");
        Assert.Equal((long)johnsonCount, johnson[1]);

        cur.Execute("UPDATE people SET city=%s WHERE city=%s", "Mathville", "Johnsonmouth");
        Assert.Equal(johnsonCount, cur.RowCount);
        cur.Execute("DELETE FROM people WHERE city=%s;", "Mathville");
        Assert.Equal(johnsonCount, cur.RowCount);
        Assert.Equal("DELETE " + johnsonCount, cur.StatusMessage);
    }

    [Fact]
    public void Returning_gives_one_result_per_statement_through_NextSet()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TABLE ret (id serial, v text)");
        cur.ExecuteMany("INSERT INTO ret (v) VALUES (%s) RETURNING id, v", new[] { "a", "b", "c" }, returning: true);
        var seen = new List<string>();
        do { seen.Add(cur.FetchOne()!.ToString()); } while (cur.NextSet());
        Assert.Equal(["(1, 'a')", "(2, 'b')", "(3, 'c')"], seen);
    }

    [Fact]
    public void Named_parameter_sets_and_changing_parameter_types()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TABLE named (a bigint, b text)");
        cur.ExecuteMany("INSERT INTO named VALUES (%(a)s, %(b)s)", new object[]
        {
            new { a = 1, b = "x" }, new { a = (long?)null, b = "y" }, new { a = 3L, b = (string?)null },
            new Dictionary<string, object?> { ["a"] = 4, ["b"] = "z" },
        });
        Assert.Equal(4, cur.RowCount);
        Assert.Equal("[(1, 'x'), (None, 'y'), (3, None), (4, 'z')]",
            "[" + string.Join(", ", cur.Execute("SELECT * FROM named ORDER BY a NULLS FIRST").FetchAll().OrderBy(r => r.Get<long?>(0) ?? 2)) + "]");
    }

    [Fact]
    public void A_failing_set_in_a_transaction_commits_nothing()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE many_tx (id int PRIMARY KEY)");
        conn.Commit();
        var ids = Enumerable.Range(0, 10_000).Select(i => new object?[] { i == 5000 ? 4999 : i });
        var e = Assert.Throws<UniqueViolation>(() => conn.Cursor().ExecuteMany("INSERT INTO many_tx VALUES (%s)", ids));
        Assert.Contains("parameter set 5000", e.Message);
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        conn.Rollback();
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM many_tx").FetchOne()!.Get<long>(0));
    }

    [Fact]
    public async Task A_failing_set_in_autocommit_keeps_exactly_the_sets_before_it()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE many_ac (id int PRIMARY KEY)");
        var ids = Enumerable.Range(0, 10_000).Select(i => new object?[] { i == 5500 ? 10 : i });
        var e = await Assert.ThrowsAsync<UniqueViolation>(() => conn.Cursor().ExecuteManyAsync("INSERT INTO many_ac VALUES (%s)", ids));
        Assert.Contains("parameter set 5500 (0-based) failed; the 5500 parameter set(s) before it were committed", e.Message);
        var row = conn.Execute("SELECT count(*), max(id) FROM many_ac").FetchOne()!;
        Assert.Equal(5500L, row[0]);
        Assert.Equal(5499, row[1]);
    }

    [Fact]
    public void Empty_parameter_sets_do_nothing()
    {
        using var conn = db.Connect(autocommit: true);
        var cur = conn.Cursor().ExecuteMany("SELECT %s", Array.Empty<object?[]>());
        Assert.Equal(0, cur.RowCount);
    }

    [Fact]
    public void Many_sets_are_sent_to_one_prepared_statement_that_survives_deallocate_all()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE many_prep (id int, name text)");
        const string insert = "INSERT INTO many_prep (id, name) VALUES (%s, %s)";
        var cur = conn.Cursor().ExecuteMany(insert, Enumerable.Range(0, 2500).Select(i => (i, "n" + i)));
        Assert.Equal(2500, cur.RowCount);
        const string count = "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'INSERT INTO many_prep (id, name) VALUES ($1, $2)'";
        Assert.Equal(1L, conn.Execute(count).FetchOne()!.Get<long>(0));

        // Deallocated behind the driver's back: the next ExecuteMany prepares it again instead of failing.
        conn.Execute("DEALLOCATE ALL");
        cur.ExecuteMany(insert, Enumerable.Range(2500, 10).Select(i => (i, "n" + i)));
        Assert.Equal(10, cur.RowCount);
        Assert.Equal(2510L, conn.Execute("SELECT count(DISTINCT id) FROM many_prep").FetchOne()!.Get<long>(0));
        Assert.Equal(1L, conn.Execute(count).FetchOne()!.Get<long>(0));
    }

    [Fact]
    public void A_few_sets_or_prepare_threshold_none_use_the_unnamed_statement()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE many_unnamed (id int)");
        conn.Cursor().ExecuteMany("INSERT INTO many_unnamed VALUES (%s)", new[] { 1, 2, 3 });
        conn.PrepareThreshold = null;
        conn.Cursor().ExecuteMany("INSERT INTO many_unnamed VALUES (%s)", Enumerable.Range(0, 100));
        Assert.Equal(103L, conn.Execute("SELECT count(*) FROM many_unnamed").FetchOne()!.Get<long>(0));
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO many_unnamed%'").FetchOne()!.Get<long>(0));
    }

    [Fact]
    public void A_prepared_executemany_that_returns_rows_without_returning_still_reads_them()
    {
        using var conn = db.Connect(autocommit: true);
        var cur = conn.Cursor().ExecuteMany("SELECT %s::int4 * 2", Enumerable.Range(0, 50));
        Assert.Equal(50, cur.RowCount);
        cur.ExecuteMany("SELECT %s::int4 * 2", Enumerable.Range(0, 50));   // the prepared statement again: still described
        Assert.Equal(50, cur.RowCount);
        Assert.Equal(2, conn.Execute("SELECT %s::int4 * 2", 1).FetchOne()!.Get<int>(0));
    }

    // Past its first chunk, ExecuteMany of a statement without rows sends the next chunk before reading the answers of
    // the previous one, in groups of 16 chunks (16,000 sets) that are one implicit transaction each in autocommit.
    [Theory]
    [InlineData(33_333)]   // inside the third group
    [InlineData(17_000)]   // the first set of the second group
    [InlineData(1_000)]    // the first set of the first overlapped group
    [InlineData(999)]      // the last set of the first chunk (sent alone)
    public void Overlapped_chunks_in_autocommit_keep_exactly_the_sets_before_a_failure(int failing)
    {
        using var conn = db.Connect(autocommit: true);
        var table = $"many_overlap_ac_{failing}";
        conn.Execute($"CREATE TABLE {table} (id int PRIMARY KEY)");
        var ids = Enumerable.Range(0, 40_000).Select(i => new object?[] { i == failing ? 7 : i });
        var e = Assert.Throws<UniqueViolation>(() => conn.Cursor().ExecuteMany($"INSERT INTO {table} VALUES (%s)", ids));
        Assert.Contains($"parameter set {failing} (0-based) failed; the {failing} parameter set(s) before it were committed", e.Message);
        var row = conn.Execute($"SELECT count(*), max(id) FROM {table}").FetchOne()!;
        Assert.Equal((long)failing, row[0]);
        Assert.Equal(failing - 1, row[1]);
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);

        var cur = conn.Cursor().ExecuteMany($"INSERT INTO {table} VALUES (%s)", Enumerable.Range(failing, 40_000 - failing));
        Assert.Equal(40_000 - failing, cur.RowCount);
        Assert.Equal(40_000L, conn.Execute($"SELECT count(*) FROM {table}").FetchOne()!.Get<long>(0));
    }

    // In autocommit a failing chunk is rolled back as a whole and the sets before the failing one are run again. Here
    // the replay fails too (the sequence moved on, as a concurrent writer could make it): nothing of the chunk is
    // committed, and the error must not say that the sets before the failing one were.
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A_replay_that_fails_is_raised_and_nothing_is_reported_committed(bool client, bool async)
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var table = $"many_replay_{(client ? "client" : "server")}_{(async ? "async" : "sync")}";
        await conn.ExecuteAsync($"CREATE SEQUENCE {table}_n");
        // First run: n = 1..4 and the fourth set breaks x <> 3; the replay of the first three gets n = 5, 6, 7.
        await conn.ExecuteAsync($"CREATE TABLE {table} (x int CHECK (x <> 3), n int DEFAULT nextval('{table}_n') CHECK (n <> 6))");
        Cursor cur = client ? conn.ClientCursor() : conn.Cursor();
        var sets = new[] { 0, 1, 2, 3 }.Select(x => new object?[] { x });
        var sql = $"INSERT INTO {table} (x) VALUES (%s)";
        var e = async
            ? await Assert.ThrowsAsync<CheckViolation>(() => cur.ExecuteManyAsync(sql, sets))
            : Assert.Throws<CheckViolation>(() => cur.ExecuteMany(sql, sets));
        Assert.Contains("only the 0 parameter set(s) before 0 are committed", e.Message);
        Assert.DoesNotContain("were committed", e.Message);
        Assert.Equal(0L, (await conn.ExecuteAsync($"SELECT count(*) FROM {table}")).FetchOne()!.Get<long>(0));
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
    }

    [Fact]
    public async Task Overlapped_chunks_in_a_transaction_fail_as_a_whole_and_succeed_with_the_total_row_count()
    {
        await using var conn = await db.ConnectAsync();
        await conn.ExecuteAsync("CREATE TABLE many_overlap_tx (id int PRIMARY KEY, name text)");
        await conn.CommitAsync();
        var sets = Enumerable.Range(0, 40_000).Select(i => (i == 30_001 ? 3 : i, "name " + i));
        var e = await Assert.ThrowsAsync<UniqueViolation>(() => conn.Cursor().ExecuteManyAsync("INSERT INTO many_overlap_tx VALUES (%s, %s)", sets));
        Assert.Contains("parameter set 30001 (0-based) failed", e.Message);
        Assert.DoesNotContain("committed", e.Message);
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        await conn.RollbackAsync();
        Assert.Equal(0L, (await conn.ExecuteAsync("SELECT count(*) FROM many_overlap_tx")).FetchOne()!.Get<long>(0));

        var cur = await conn.Cursor().ExecuteManyAsync("INSERT INTO many_overlap_tx VALUES (%s, %s)",
            Enumerable.Range(0, 40_000).Select(i => (i, "name " + i)));
        Assert.Equal(40_000, cur.RowCount);
        await conn.CommitAsync();
        var row = (await conn.ExecuteAsync("SELECT count(*), sum(id), count(DISTINCT name) FROM many_overlap_tx")).FetchOne()!;
        Assert.Equal(40_000L, row[0]);
        Assert.Equal(Enumerable.Range(0, 40_000).Sum(i => (long)i), Convert.ToInt64(row[1]));
        Assert.Equal(40_000L, row[2]);
    }

    [Fact]
    public void An_exception_from_the_callers_sets_mid_way_reaches_the_caller_and_leaves_a_prefix_committed()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE many_overlap_throw (id int PRIMARY KEY)");
        IEnumerable<int> Sets()
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (i == 4_500) throw new InvalidOperationException("the caller's data source failed");
                yield return i;
            }
        }
        var e = Assert.Throws<InvalidOperationException>(() => conn.Cursor().ExecuteMany("INSERT INTO many_overlap_throw VALUES (%s)", Sets()));
        Assert.Equal("the caller's data source failed", e.Message);
        var row = conn.Execute("SELECT count(*), coalesce(max(id), -1) FROM many_overlap_throw").FetchOne()!;
        var count = (long)row[0]!;
        Assert.InRange(count, 1_000, 4_500);
        Assert.Equal(count - 1, (int)row[1]!);   // a prefix of the sets, nothing after a gap
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(10, conn.Cursor().ExecuteMany("INSERT INTO many_overlap_throw VALUES (%s)", Enumerable.Range(20_000, 10)).RowCount);
    }

    [Fact]
    public async Task Cancelling_an_overlapped_executemany_stops_it_keeps_the_sets_it_names_and_the_connection_stays_usable()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE many_overlap_cancel (id int)");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        // About 0.5 ms per set on the server: 40,000 sets would take 20 s; the first chunk (1,000 sets) about 0.5 s.
        var e = await Assert.ThrowsAsync<QueryCanceled>(() => conn.Cursor().ExecuteManyAsync(
            "INSERT INTO many_overlap_cancel SELECT %s FROM pg_sleep(0.0005)", Enumerable.Range(0, 40_000), cancellationToken: cts.Token));
        var said = System.Text.RegularExpressions.Regex.Match(e.Message, @"cancelled at parameter set (\d+) \(0-based\); the (\d+) parameter set\(s\) before \d+ are committed, none after");
        Assert.True(said.Success, e.Message);
        var committed = long.Parse(said.Groups[2].Value);
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        var row = (await conn.ExecuteAsync("SELECT count(*), coalesce(max(id), -1) FROM many_overlap_cancel")).FetchOne()!;
        Assert.Equal(committed, (long)row[0]!);
        Assert.Equal(committed - 1, (long)(int)row[1]!);
        Assert.Equal(2, (await conn.ExecuteAsync("SELECT %s::int4 + 1", [1])).FetchOne()!.Get<int>(0));
    }

    [Fact]
    public async Task A_statement_that_raises_a_large_notice_per_row_completes_and_delivers_every_notice()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("""
            CREATE TABLE many_noisy (id int);
            CREATE FUNCTION many_noisy_notice() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE NOTICE 'row % %', NEW.id, repeat('x', 4000); RETURN NEW; END $$;
            CREATE TRIGGER many_noisy_rows BEFORE INSERT ON many_noisy FOR EACH ROW EXECUTE FUNCTION many_noisy_notice();
            """);
        var notices = 0;
        conn.Notice += (_, _) => Interlocked.Increment(ref notices);
        var insert = Task.Run(() => conn.Cursor().ExecuteMany("INSERT INTO many_noisy VALUES (%s)", Enumerable.Range(0, 5_000)).RowCount);
        Assert.Equal(5_000, await insert.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(5_000, notices);
    }

    // Sets of one call share their bound codecs, formats and OIDs while those stay the same (BoundParameters.CreateLike):
    // each change of type or NULL past the first chunk (the overlapped path) must still bind that set with its own.
    [Fact]
    public void Tuple_sets_whose_types_and_nulls_change_past_the_first_chunk_are_bound_each_with_its_own_types()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE many_types (n bigint, t text, f float8)");
        var sets = Enumerable.Range(0, 5_000).Select(i => (
            i % 1000 == 500 ? null : i % 3 == 0 ? (object)(long)i : i,
            i % 7 == 0 ? null : "s" + i,
            i % 2 == 0 ? (object?)1.5 : null)).ToList();
        var cur = conn.Cursor().ExecuteMany("INSERT INTO many_types VALUES (%s, %s, %s)", sets);
        Assert.Equal(5_000, cur.RowCount);
        var row = conn.Execute("SELECT count(n), sum(n), count(t), sum(length(t)), count(f), sum(f) FROM many_types").FetchOne()!;
        var kept = Enumerable.Range(0, 5_000).Where(i => i % 1000 != 500).ToList();
        Assert.Equal((long)kept.Count, row[0]);
        Assert.Equal((decimal)kept.Sum(i => (long)i), row[1]);
        var texts = Enumerable.Range(0, 5_000).Where(i => i % 7 != 0).ToList();
        Assert.Equal((long)texts.Count, row[2]);
        Assert.Equal((long)texts.Sum(i => ("s" + i).Length), row[3]);
        Assert.Equal(2_500L, row[4]);
        Assert.Equal(3_750.0, row[5]);
        Assert.Equal("s4999", conn.Execute("SELECT t FROM many_types WHERE n = 4999").FetchOne()!.Get<string>(0));
    }
}
