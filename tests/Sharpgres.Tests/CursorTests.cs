using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>The second tutorial's steps (test_table, placeholders, fetch positions, commit/rollback, aborted transactions).</summary>
public class CursorTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Fetch_positions_rowcount_and_rownumber_follow_psycopg()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        Assert.Equal(-1, cur.RowCount);
        Assert.Null(cur.RowNumber);
        cur.Execute("SELECT * FROM pg_timezone_names");
        var total = cur.RowCount;
        Assert.True(total > 100);
        Assert.Equal(0, cur.RowNumber);
        Assert.NotNull(cur.FetchOne());
        Assert.Equal(1, cur.RowNumber);
        var two = cur.FetchMany(2);
        Assert.Equal(2, two.Count);
        Assert.Equal(3, cur.RowNumber);
        var rest = cur.FetchAll();
        Assert.Equal(total - 3, rest.Count);
        Assert.Equal((int)total, cur.RowNumber);
        Assert.Null(cur.FetchOne());
        Assert.Empty(cur.FetchAll());
        Assert.Equal(4, cur.Description!.Count);
        Assert.Equal("name", cur.Description[0].Name);
        Assert.Equal("text", cur.Description[0].TypeName);
    }

    [Fact]
    public void Test_table_parametrized_named_and_returning_inserts()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        cur.Execute("CREATE TABLE test_table (my_id SERIAL PRIMARY KEY, my_name VARCHAR(20), my_number INTEGER, my_float FLOAT, my_date DATE, my_timestamp TIMESTAMP, my_timestamp_tz TIMESTAMPTZ, my_time TIME, my_json JSON, my_jsonb JSONB)");
        Assert.Equal(-1, cur.RowCount);
        cur.Execute("ALTER TABLE test_table ADD COLUMN new_name VARCHAR(100)");
        cur.Execute("ALTER TABLE test_table DROP COLUMN new_name ");
        var pyName = "first'last%s";
        cur.Execute("INSERT INTO test_table (my_name, my_number, my_float) VALUES (%s, %s, %s)", pyName, 1234, 3.14);
        Assert.Equal(1, cur.RowCount);
        Assert.Equal("INSERT 0 1", cur.StatusMessage);
        var e = Assert.Throws<ProgrammingError>(() => cur.FetchOne());
        Assert.Contains("didn't produce a result", e.Message);
        cur.Execute("INSERT INTO test_table (my_name, my_number) VALUES (%(param_name)s, %(param_number)s)", new { param_number = 1234, param_name = pyName });
        cur.Execute("INSERT INTO test_table (my_name, my_number) VALUES (%(param_name)s, %(param_number)s)",
            new Dictionary<string, object?> { ["param_number"] = 99, ["param_name"] = "dict" });
        cur.Execute("INSERT INTO test_table (my_name) VALUES (%s) RETURNING my_id", pyName);
        Assert.Equal(4, cur.FetchOne()!.Get<int>(0));
        cur.Execute("SELECT my_name, my_number FROM test_table WHERE my_name = %s ORDER BY my_id", pyName);
        var rows = cur.FetchAll();
        Assert.Equal(3, rows.Count);
        Assert.Equal(pyName, rows[0]["my_name"]);
        Assert.Equal(1234, rows[0].Get<int>("my_number"));
        Assert.Equal("(\"first'last%s\", 1234)", rows[0].ToString());
        conn.Rollback();
    }

    [Fact]
    public void Uncommitted_rows_are_invisible_to_another_connection_until_commit()
    {
        using var conn = db.Connect();
        using var other = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE visibility (id int)");
        conn.Execute("INSERT INTO visibility VALUES (%s)", 1);
        Assert.Throws<UndefinedTable>(() => other.Execute("SELECT * FROM visibility"));
        conn.Commit();
        Assert.Equal(1, other.Execute("SELECT count(*) FROM visibility").FetchOne()!.Get<long>(0));
        conn.Execute("INSERT INTO visibility VALUES (%s)", 2);
        conn.Execute("SELECT * FROM visibility WHERE id = %s", 2);
        Assert.NotNull(conn.Cursor().Execute("SELECT * FROM visibility WHERE id = %s", 2).FetchOne());
        conn.Rollback();
        Assert.Null(conn.Cursor().Execute("SELECT * FROM visibility WHERE id = %s", 2).FetchOne());
        conn.Execute("DROP TABLE visibility");
        conn.Commit();
    }

    [Fact]
    public void Aborted_transaction_needs_rollback_as_in_the_tutorial()
    {
        using var conn = db.Connect();
        using var cur = conn.Cursor();
        var e1 = Assert.Throws<UndefinedTable>(() => cur.Execute("SELECT * FROM test_table1"));
        Assert.Contains("relation \"test_table1\" does not exist", e1.Message);
        Assert.Equal("42P01", e1.SqlState);
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        var e2 = Assert.Throws<InFailedSqlTransaction>(() => cur.Execute("SELECT 1"));
        Assert.Equal("current transaction is aborted, commands ignored until end of transaction block", e2.Message);
        Assert.IsAssignableFrom<InternalError>(e2);
        conn.Rollback();
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()!.Get<int>(0));
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        conn.Rollback();
    }

    [Fact]
    public void Placeholder_errors_are_raised_before_sending()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT %s, %s", 1));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT %s", 1, 2));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT %(a)s, %s", 1));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT %(a)s", new Dictionary<string, object?> { ["b"] = 1 }));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT %x", 1));
        Assert.Throws<ProgrammingError>(() => cur.Execute("SELECT 1 %", 1));
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal("a%", cur.Execute("SELECT 'a%'").FetchOne()![0]);
        Assert.Equal("50%", cur.Execute("SELECT %s || '%%'", "50").FetchOne()![0]);
        Assert.Equal(3, cur.Execute("SELECT %(x)s::int + %(x)s::int + 1", new { x = 1 }).FetchOne()!.Get<int>(0));
        Assert.Equal("txt", cur.Execute("SELECT %t::text", "txt").FetchOne()![0]);
        Assert.Equal(5, cur.Execute("SELECT %b::int4", 5).FetchOne()![0]);
    }

    [Fact]
    public void Interpolated_strings_bind_hostile_values_as_parameters()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("CREATE TEMP TABLE people_i (name text, city text)");
        var hostile = "x'); DROP TABLE people_i; --";
        var pct = "100%s";
        cur.Execute($"INSERT INTO people_i VALUES ({hostile}, {pct})");
        cur.Execute($"SELECT name, city FROM people_i WHERE city = {pct}");
        var row = cur.FetchOne()!;
        Assert.Equal(hostile, row[0]);
        Assert.Equal(pct, row[1]);
    }

    [Fact]
    public void Several_statements_without_arguments_give_one_result_each()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("SELECT 1; SELECT 'two', 2; CREATE TEMP TABLE ms (x int)");
        Assert.Equal(1, cur.FetchOne()![0] is int or string ? 1 : 0);
        Assert.True(cur.NextSet());
        var row = cur.FetchOne()!;
        Assert.Equal("two", row[0]);
        Assert.True(cur.NextSet());
        Assert.Equal("CREATE TABLE", cur.StatusMessage);
        Assert.False(cur.NextSet());
    }

    [Fact]
    public void Scroll_moves_within_the_result_and_rejects_out_of_range()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("SELECT g FROM generate_series(1, 5) g");
        cur.Scroll(2);
        Assert.Equal(3, cur.FetchOne()!.Get<int>(0));
        cur.Scroll(0, ScrollMode.Absolute);
        Assert.Equal(1, cur.FetchOne()!.Get<int>(0));
        Assert.Throws<IndexOutOfRangeException>(() => cur.Scroll(10));
        Assert.Throws<IndexOutOfRangeException>(() => cur.Scroll(-1, ScrollMode.Absolute));
        Assert.Equal(1, cur.RowNumber);
    }

    [Fact]
    public void Empty_select_gives_null_and_foreach_walks_rows()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("SELECT 1 WHERE false");
        Assert.Equal(0, cur.RowCount);
        Assert.Null(cur.FetchOne());
        cur.Execute("SELECT g FROM generate_series(1, 4) g");
        var sum = 0;
        foreach (var row in cur) sum += row.Get<int>(0);
        Assert.Equal(10, sum);
    }

    public record Person(int Id, string Name, string? City);
    public class PersonClass { public int Id { get; set; } public string FullName { get; set; } = ""; }

    [Fact]
    public void Typed_rows_map_onto_records_classes_tuples_and_scalars()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        cur.Execute("SELECT 1 AS id, 'Jane Lee' AS name, NULL::text AS city");
        Assert.Equal(new Person(1, "Jane Lee", null), cur.FetchOne<Person>());
        cur.Execute("SELECT 7 AS id, 'Ann' AS full_name");
        var p = cur.FetchOne<PersonClass>()!;
        Assert.Equal((7, "Ann"), (p.Id, p.FullName));
        cur.Execute("SELECT 3, 'x'");
        Assert.Equal((3, "x"), cur.FetchOne<(int, string)>());
        cur.Execute("SELECT count(*) FROM generate_series(1, 3)");
        Assert.Equal(3L, cur.FetchOne<long>());
        cur.Execute("SELECT 1 AS nope");
        Assert.Throws<ProgrammingError>(() => cur.FetchOne<Person>());
        var dict = conn.Cursor(RowFactory.Dict).Execute("SELECT 1 AS a, 'b' AS b").FetchOne()!;
        Assert.Equal(1, dict["a"]);
        Assert.Equal("b", dict["b"]);
    }

    [Fact]
    public void Rows_compare_by_value_and_deconstruct()
    {
        using var conn = db.Connect(autocommit: true);
        var a = conn.Execute("SELECT 1, 'x'").FetchOne()!;
        var b = conn.Execute("SELECT 1, 'x'").FetchOne()!;
        Assert.Equal(a, b);
        var (one, x) = a;
        Assert.Equal(1, one);
        Assert.Equal("x", x);
        Assert.Equal("(5,)", conn.Execute("SELECT 5").FetchOne()!.ToString());
        Assert.Equal("(2022-12-25, 23:22:21.00002, 2022-12-25 23:22:21, True, None)",
            conn.Execute("SELECT '2022-12-25'::date, '23:22:21.000020'::time, '2022-12-25 23:22:21'::timestamp, true, NULL").FetchOne()!.ToString());
    }

    [Theory]
    [InlineData(3)]    // narrow: a column is walked to on each access
    [InlineData(12)]   // wide: the offsets are kept after the first access
    public void Row_values_read_the_same_in_any_order_buffered_and_streamed(int columns)
    {
        using var conn = db.Connect(autocommit: true);
        var select = "SELECT " + string.Join(", ", Enumerable.Range(0, columns).Select(i =>
            i % 3 == 1 ? $"NULL::text AS c{i}" : i % 3 == 2 ? $"'v{i}' || g AS c{i}" : $"g * {i + 1} AS c{i}")) + " FROM generate_series(1, 3) g";
        var buffered = conn.Execute(select).FetchAll();
        var streamed = conn.Cursor().Stream(select).ToList();
        Assert.Equal(buffered, streamed);
        foreach (var row in buffered.Concat(streamed))
        {
            var g = row.Get<int>(0);
            for (var i = columns - 1; i >= 0; i--)   // backwards, then by name, then enumerated
            {
                object? expected = i % 3 == 1 ? null : i % 3 == 2 ? $"v{i}{g}" : g * (i + 1);
                Assert.Equal(expected, row[i]);
                Assert.Equal(expected, row[$"c{i}"]);
                Assert.Equal(expected is null, row.IsNull(i));
            }
            Assert.Equal(row.ToArray(), row.ToList());
            Assert.Equal(row[columns - 1], row[columns - 1]);
            Assert.Throws<IndexOutOfRangeException>(() => row[columns]);
            Assert.Throws<IndexOutOfRangeException>(() => row.Get<int>(-1));
        }
    }

    [Fact]
    public async Task Async_execute_and_fetch()
    {
        await using var conn = await db.ConnectAsync();
        var cur = conn.Cursor();
        await cur.ExecuteAsync("SELECT g FROM generate_series(1, 3) g WHERE g > %s", [1]);
        var rows = await cur.FetchAllAsync();
        Assert.Equal(2, rows.Count);
        await conn.RollbackAsync();
        var n = 0;
        await cur.ExecuteAsync("SELECT g FROM generate_series(1, 3) g");
        await foreach (var _ in cur) n++;
        Assert.Equal(3, n);
        await conn.CommitAsync();
    }

    [Fact]
    public void Autocommit_mode_commits_each_statement_and_cannot_change_inside_a_transaction()
    {
        using var conn = db.Connect();
        conn.Execute("SELECT 1");
        Assert.Throws<ProgrammingError>(() => conn.Autocommit = true);
        conn.Rollback();
        conn.Autocommit = true;
        conn.Execute("SELECT 1");
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
    }

    [Fact]
    public void Prepared_statements_are_reused_after_the_threshold()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        for (var i = 0; i < 7; i++) Assert.Equal(i + 1, cur.Execute("SELECT %s::int4 + 1", i).FetchOne()!.Get<int>(0));
        var prepared = conn.Execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::int4 + 1'").FetchOne()!.Get<long>(0);
        Assert.Equal(1, prepared);
        cur.Execute("SELECT %s::text", ["forced"], prepare: true);
        Assert.Equal(1L, conn.Execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1::text'").FetchOne()!.Get<long>(0));
    }

    [Fact]
    public void Server_errors_carry_diagnostics_and_leave_the_connection_usable()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TEMP TABLE uq (id int PRIMARY KEY)");
        conn.Execute("INSERT INTO uq VALUES (%s)", 1);
        var e = Assert.Throws<UniqueViolation>(() => conn.Execute("INSERT INTO uq VALUES (%s)", 1));
        Assert.Equal("23505", e.SqlState);
        Assert.Equal("uq_pkey", e.Diagnostics!.ConstraintName);
        Assert.Equal("uq", e.Diagnostics.TableName);
        Assert.Contains("Key (id)=(1) already exists.", e.Diagnostics.MessageDetail);
        Assert.IsAssignableFrom<IntegrityError>(e);
        Assert.Throws<DivisionByZero>(() => conn.Execute("SELECT 1 / %s", 0));
        Assert.Throws<SyntaxError>(() => conn.Execute("SELEC 1"));
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }
}
