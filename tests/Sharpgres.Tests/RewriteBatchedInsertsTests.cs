using Sharpgres.Errors;
using Sharpgres.Queries;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>Connection.RewriteBatchedInserts: ExecuteMany of a plain INSERT ... VALUES sends many rows per statement.</summary>
public class RewriteBatchedInsertsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Theory]
    [InlineData("INSERT INTO t (a, b) VALUES ($1, $2)", "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6)")]
    [InlineData("insert into t values ($1, lower($2)::text, 'x$1,)') ;", "insert into t values ($1, lower($2)::text, 'x$1,)'), ($3, lower($4)::text, 'x$1,)'), ($5, lower($6)::text, 'x$1,)') ;")]
    [InlineData("INSERT INTO t VALUES ($2, $1, $2)", "INSERT INTO t VALUES ($2, $1, $2), ($4, $3, $4), ($6, $5, $6)")]
    [InlineData("INSERT INTO t VALUES ($1, E'it\\'s $1', $2)", "INSERT INTO t VALUES ($1, E'it\\'s $1', $2), ($3, E'it\\'s $1', $4), ($5, E'it\\'s $1', $6)")]
    [InlineData("INSERT INTO t (\"values\") VALUES /* VALUES */ ($1, DEFAULT, $2)", "INSERT INTO t (\"values\") VALUES /* VALUES */ ($1, DEFAULT, $2), ($3, DEFAULT, $4), ($5, DEFAULT, $6)")]
    public void A_plain_insert_values_is_rewritten_row_after_row(string sql, string firstThreeRows)
    {
        var rewritten = MultiRowInsert.For(sql, 2)!;
        Assert.Equal(100, rewritten.Rows);
        Assert.StartsWith(firstThreeRows.TrimEnd(';', ' '), rewritten.Sql);
        Assert.Contains("$200", rewritten.Sql);
        Assert.DoesNotContain("$201", rewritten.Sql);
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES ($1) ON CONFLICT DO NOTHING")]
    [InlineData("INSERT INTO t VALUES ($1) RETURNING id")]
    [InlineData("INSERT INTO t VALUES ($1), ($2)")]
    [InlineData("INSERT INTO t SELECT $1")]
    [InlineData("INSERT INTO t SELECT * FROM (VALUES ($1)) v")]
    [InlineData("WITH x AS (SELECT $1 AS a) INSERT INTO t SELECT a FROM x")]
    [InlineData("INSERT INTO t (a) SELECT $1 WHERE $2 VALUES ($3)")]
    [InlineData("UPDATE t SET a = $1")]
    [InlineData("INSERT INTO t DEFAULT VALUES")]
    [InlineData("INSERT INTO t VALUES (1)")]
    [InlineData("INSERT INTO t VALUES ($1); INSERT INTO u VALUES ($1)")]
    public void Anything_else_is_left_alone(string sql) => Assert.Null(MultiRowInsert.For(sql, 1));

    [Fact]
    public void Rows_per_statement_stay_under_the_protocols_parameter_limit()
    {
        var columns = string.Join(", ", Enumerable.Range(1, 1000).Select(i => "$" + i));
        Assert.Equal(65, MultiRowInsert.For($"INSERT INTO wide VALUES ({columns})", 1000)!.Rows);
    }

    [Fact]
    public void The_rows_are_the_same_and_statement_triggers_show_fewer_statements()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("""
            CREATE TABLE rewrite_rows (id int, name text, at timestamptz, score float8, doc jsonb);
            CREATE TABLE rewrite_statements (n int);
            CREATE FUNCTION rewrite_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO rewrite_statements VALUES (1); RETURN NULL; END $$;
            CREATE TRIGGER rewrite_per_statement AFTER INSERT ON rewrite_rows FOR EACH STATEMENT EXECUTE FUNCTION rewrite_count();
            """);
        var start = new DateTime(2024, 2, 29, 12, 0, 0, DateTimeKind.Utc);
        var sets = Enumerable.Range(0, 10_050).Select(i => new object?[]
        {
            i, i % 7 == 0 ? null : $"name\t'{i}'\n\\ é", start.AddSeconds(i), i % 5 == 0 ? null : i * 0.25,
            i % 3 == 0 ? null : new Jsonb(new Dictionary<string, object?> { ["i"] = i }),
        }).ToList();
        const string insert = "INSERT INTO rewrite_rows (id, name, at, score, doc) VALUES (%s, %s, %s, %s, %s)";

        conn.RewriteBatchedInserts = true;
        Assert.Equal(10_050, conn.Cursor().ExecuteMany(insert, sets).RowCount);
        var statements = conn.Execute("SELECT count(*) FROM rewrite_statements").FetchOne()!.Get<long>(0);
        Assert.InRange(statements, 2, 2_000);

        var stored = conn.Execute("SELECT id, name, at, score, doc->>'i' FROM rewrite_rows ORDER BY id").FetchAll();
        Assert.Equal(10_050, stored.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            Assert.Equal(i, stored[i][0]);
            Assert.Equal(sets[i][1], stored[i][1]);
            Assert.Equal(start.AddSeconds(i), ((DateTimeOffset)stored[i][2]!).UtcDateTime);
            Assert.Equal(sets[i][3], stored[i][3]);
            Assert.Equal(i % 3 == 0 ? null : i.ToString(), stored[i][4]);
        }

        conn.Execute("TRUNCATE rewrite_statements");
        conn.RewriteBatchedInserts = false;
        conn.Cursor().ExecuteMany(insert, sets.Take(3_000));
        Assert.Equal(3_000L, conn.Execute("SELECT count(*) FROM rewrite_statements").FetchOne()!.Get<long>(0));
    }

    [Theory]
    [InlineData(5_555)]
    [InlineData(1_000)]
    [InlineData(9_999)]
    public void A_failure_in_autocommit_is_still_found_exactly_and_only_the_sets_before_it_are_committed(int failing)
    {
        using var conn = db.Connect(autocommit: true);
        conn.RewriteBatchedInserts = true;
        var table = $"rewrite_fail_ac_{failing}";
        conn.Execute($"CREATE TABLE {table} (id int PRIMARY KEY, name text)");
        var sets = Enumerable.Range(0, 12_000).Select(i => (i == failing ? 3 : i, "n" + i));
        var e = Assert.Throws<UniqueViolation>(() => conn.Cursor().ExecuteMany($"INSERT INTO {table} VALUES (%s, %s)", sets));
        Assert.Contains($"parameter set {failing} (0-based) failed; the {failing} parameter set(s) before it were committed", e.Message);
        Assert.Contains("Key (id)=(3) already exists", e.Diagnostics!.MessageDetail);
        var row = conn.Execute($"SELECT count(*), max(id) FROM {table}").FetchOne()!;
        Assert.Equal((long)failing, row[0]);
        Assert.Equal(failing - 1, row[1]);
    }

    [Fact]
    public void A_failure_in_a_transaction_names_the_failing_statements_sets_and_commits_nothing()
    {
        using var conn = db.Connect();
        conn.RewriteBatchedInserts = true;
        conn.Execute("CREATE TABLE rewrite_fail_tx (id int PRIMARY KEY)");
        conn.Commit();
        var sets = Enumerable.Range(0, 12_000).Select(i => new object?[] { i == 5_555 ? 3 : i });
        var e = Assert.Throws<UniqueViolation>(() => conn.Cursor().ExecuteMany("INSERT INTO rewrite_fail_tx VALUES (%s)", sets));
        Assert.Contains("one of parameter sets 5500 to 5599 (0-based, sent as one multi-row INSERT) failed", e.Message);
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        conn.Rollback();
        Assert.Equal(0L, conn.Execute("SELECT count(*) FROM rewrite_fail_tx").FetchOne()!.Get<long>(0));
    }

    [Fact]
    public void Parameter_types_that_change_between_sets_are_parsed_again()
    {
        using var conn = db.Connect(autocommit: true);
        conn.RewriteBatchedInserts = true;
        conn.Execute("CREATE TABLE rewrite_types (v numeric)");
        // ints, then longs, decimals and NULLs: the multi-row statement is parsed again when the types differ.
        var sets = Enumerable.Range(0, 5_000).Select(i => new object?[]
            { (i / 1_000) switch { 0 => i, 1 => (long)i, 2 => (decimal)i, 3 => null, _ => (short)(i - 3_000) } });
        Assert.Equal(5_000, conn.Cursor().ExecuteMany("INSERT INTO rewrite_types VALUES (%s)", sets).RowCount);
        var row = conn.Execute("SELECT count(v), sum(v) FROM rewrite_types").FetchOne()!;
        Assert.Equal(4_000L, row[0]);
        Assert.Equal(Enumerable.Range(0, 3_000).Sum(i => (decimal)i) + Enumerable.Range(4_000, 1_000).Sum(i => (decimal)(i - 3_000)), row[1]);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(null)]
    public void Multi_row_and_single_row_statements_alternating_in_chunks_bind_to_their_own_statement(int? prepareThreshold)
    {
        // 700 parameters per set: 93 sets per statement, so each chunk of 1,000 sets is 10 multi-row statements and
        // 70 single-row ones, alternating chunk after chunk (on the unnamed statement when nothing is prepared).
        using var conn = db.Connect(autocommit: true);
        conn.RewriteBatchedInserts = true;
        conn.PrepareThreshold = prepareThreshold;
        var table = $"rewrite_wide_{(prepareThreshold is null ? "unprepared" : "prepared")}";
        conn.Execute($"CREATE TABLE {table} ({string.Join(", ", Enumerable.Range(0, 700).Select(i => $"c{i} int"))})");
        var insert = $"INSERT INTO {table} VALUES ({string.Join(", ", Enumerable.Repeat("%s", 700))})";
        var sets = Enumerable.Range(0, 3_500).Select(r => Enumerable.Range(0, 700).Select(c => (object?)(r * 1000 + c)).ToArray());
        Assert.Equal(3_500, conn.Cursor().ExecuteMany(insert, sets).RowCount);
        var row = conn.Execute($"SELECT count(*), sum(c0), sum(c699) FROM {table}").FetchOne()!;
        Assert.Equal(3_500L, row[0]);
        Assert.Equal(Enumerable.Range(0, 3_500).Sum(r => (long)r * 1000), Convert.ToInt64(row[1]));
        Assert.Equal(Enumerable.Range(0, 3_500).Sum(r => (long)r * 1000 + 699), Convert.ToInt64(row[2]));
    }
}
