using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>Transaction blocks as psycopg's conn.transaction(), and the first tutorial's CALL in a block.</summary>
public class TransactionTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private long Count(Connection conn, string table) => conn.Execute($"SELECT count(*) FROM {table}").FetchOne()!.Get<long>(0);

    [Fact]
    public void Nested_blocks_inner_rollback_keeps_outer_work()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TABLE nest (x int)");
        conn.Commit();
        using (var outer = conn.Transaction())
        {
            conn.Execute("INSERT INTO nest VALUES (1)");
            using (var inner = conn.Transaction())
            {
                Assert.NotNull(inner.SavepointName);
                conn.Execute("INSERT INTO nest VALUES (2)");
            }   // disposed without Commit: rolled back to the savepoint
            using (var inner2 = conn.Transaction())
            {
                conn.Execute("INSERT INTO nest VALUES (3)");
                inner2.Commit();
            }
            outer.Commit();
        }
        using var other = db.Connect(autocommit: true);
        Assert.Equal([1, 3], other.Execute("SELECT x FROM nest ORDER BY x").FetchAll<int>());
    }

    [Fact]
    public void Delegate_blocks_commit_on_success_roll_back_on_throw_and_quietly_on_Rollback()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE TABLE blocks (x int)");
        conn.Transaction(tx => conn.Execute("INSERT INTO blocks VALUES (1)"));
        Assert.Throws<InvalidOperationException>(() => conn.Transaction(tx =>
        {
            conn.Execute("INSERT INTO blocks VALUES (2)");
            throw new InvalidOperationException("boom");
        }));
        conn.Transaction(tx =>
        {
            conn.Execute("INSERT INTO blocks VALUES (3)");
            throw new Rollback();
        });
        conn.Transaction(outer =>
        {
            conn.Execute("INSERT INTO blocks VALUES (4)");
            conn.Transaction(inner =>
            {
                conn.Execute("INSERT INTO blocks VALUES (5)");
                throw new Rollback(outer);
            });
        });
        Assert.Equal([1], conn.Execute("SELECT x FROM blocks ORDER BY x").FetchAll<int>());
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
    }

    [Fact]
    public async Task Async_delegate_block()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE ablocks (x int)");
        await conn.TransactionAsync(async tx => await conn.Cursor().ExecuteAsync("INSERT INTO ablocks VALUES (%s)", [1]));
        await Assert.ThrowsAsync<TimeoutException>(() => conn.TransactionAsync(async tx =>
        {
            await conn.Cursor().ExecuteAsync("INSERT INTO ablocks VALUES (%s)", [2]);
            throw new TimeoutException();
        }));
        Assert.Equal(1L, Count(conn, "ablocks"));
    }

    // psycopg test_transaction.py test_out_of_order_exit / test_out_of_order_implicit_begin: ending the outer block
    // first raises OutOfOrderTransactionNesting on both exits and nothing is committed.
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Out_of_order_exit_raises_OutOfOrderTransactionNesting_and_commits_nothing(bool autocommit, bool commitOuter)
    {
        var table = $"ooo_{(autocommit ? "a" : "i")}_{(commitOuter ? "c" : "r")}";
        using var conn = db.Connect(autocommit: true);
        conn.Execute($"CREATE TABLE {table} (x int)");
        conn.Autocommit = autocommit;
        if (!autocommit) conn.Execute("SELECT 1");   // the implicit BEGIN: both blocks are savepoints
        var t1 = conn.Transaction();
        conn.Execute($"INSERT INTO {table} VALUES (1)");
        var t2 = conn.Transaction();
        conn.Execute($"INSERT INTO {table} VALUES (2)");

        var first = Assert.Throws<Errors.OutOfOrderTransactionNesting>(() => { if (commitOuter) t1.Commit(); else t1.Dispose(); });
        Assert.IsAssignableFrom<ProgrammingError>(first);
        Assert.Throws<Errors.OutOfOrderTransactionNesting>(() => t2.Commit());

        using var other = db.Connect(autocommit: true);
        Assert.Equal(0L, Count(other, table));
        // Nothing was sent: both rows are still there, uncommitted, in the open transaction.
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        Assert.Equal(2L, Count(conn, table));
        conn.Rollback();
        Assert.Equal(0L, Count(conn, table));
        Assert.Equal(0L, Count(other, table));
    }

    [Fact]
    public async Task Out_of_order_exit_async_and_delegate_forms_raise_and_commit_nothing()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        await conn.ExecuteAsync("CREATE TABLE ooo_async (x int)");
        Transaction? inner = null;
        await Assert.ThrowsAsync<Errors.OutOfOrderTransactionNesting>(() => conn.TransactionAsync(async tx =>
        {
            await conn.ExecuteAsync("INSERT INTO ooo_async VALUES (1)");
            inner = await conn.TransactionAsync();   // left open: the delegate's commit of the outer block is out of order
        }));
        using var other = db.Connect(autocommit: true);
        Assert.Equal(0L, Count(other, "ooo_async"));
        await Assert.ThrowsAsync<Errors.OutOfOrderTransactionNesting>(() => inner!.DisposeAsync().AsTask());
        Assert.Equal(0L, Count(other, "ooo_async"));
        await conn.RollbackAsync();
        Assert.Equal(TransactionStatus.Idle, conn.TransactionStatus);
        Assert.Equal(0L, Count(conn, "ooo_async"));
    }

    [Fact]
    public void Explicit_commit_inside_a_block_is_forbidden()
    {
        using var conn = db.Connect();
        using var tx = conn.Transaction();
        Assert.Throws<ProgrammingError>(() => conn.Commit());
    }

    [Fact]
    public void Closing_a_connection_with_an_open_transaction_rolls_it_back()
    {
        using (var conn = db.Connect())
        {
            conn.Execute("CREATE TABLE never (x int)");
        }
        using var check = db.Connect(autocommit: true);
        Assert.Equal(0L, check.Execute("SELECT count(*) FROM pg_tables WHERE tablename = 'never'").FetchOne()!.Get<long>(0));
    }

    [Fact]
    public void Isolation_level_and_read_only_apply_to_the_next_begin()
    {
        using var conn = db.Connect();
        conn.IsolationLevel = IsolationLevel.Serializable;
        conn.ReadOnly = true;
        Assert.Equal("serializable", conn.Execute("SHOW transaction_isolation").FetchOne()![0]);
        Assert.Equal("on", conn.Execute("SHOW transaction_read_only").FetchOne()![0]);
        conn.Rollback();
    }

    [Fact]
    public void Suppliers_tutorial_call_add_new_part_in_a_block()
    {
        using var conn = db.Connect();
        using (var cur = conn.Cursor())
        {
            cur.Execute("CREATE TABLE parts (part_id SERIAL PRIMARY KEY, part_name VARCHAR(255) NOT NULL)");
            cur.Execute("CREATE TABLE vendors (vendor_id SERIAL PRIMARY KEY, vendor_name VARCHAR(255) NOT NULL)");
            cur.Execute("CREATE TABLE vendor_parts (vendor_id INTEGER NOT NULL, part_id INTEGER NOT NULL, PRIMARY KEY (vendor_id, part_id))");
            cur.Execute("""
                CREATE OR REPLACE PROCEDURE add_new_part(new_part_name varchar, new_vendor_name varchar)
                AS $$
                DECLARE v_part_id INT; v_vendor_id INT;
                BEGIN
                  INSERT INTO parts(part_name) VALUES(new_part_name) RETURNING part_id INTO v_part_id;
                  INSERT INTO vendors(vendor_name) VALUES(new_vendor_name) RETURNING vendor_id INTO v_vendor_id;
                  INSERT INTO vendor_parts(part_id, vendor_id) VALUEs(v_part_id, v_vendor_id);
                END;
                $$ LANGUAGE PLPGSQL;
                """);
            conn.Commit();
        }
        conn.Transaction(tx => conn.Cursor().Execute("CALL add_new_part(%s, %s)", "OLED", "LG"));
        using var other = db.Connect(autocommit: true);
        Assert.Equal("(1, 'OLED')", other.Execute("SELECT * FROM parts").FetchOne()!.ToString());
        Assert.Equal("(1, 'LG')", other.Execute("SELECT * FROM vendors").FetchOne()!.ToString());
        Assert.Equal("(1, 1)", other.Execute("SELECT * FROM vendor_parts").FetchOne()!.ToString());
    }

    [Fact]
    public void Procedure_with_inout_parameters_returns_one_row_and_functions_work()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Execute("CREATE PROCEDURE double_it(INOUT x int, INOUT label text) LANGUAGE plpgsql AS $$ BEGIN x := x * 2; label := label || '!'; END $$");
        var row = conn.Execute("CALL double_it(%s, %s)", 21, "hi").FetchOne()!;
        Assert.Equal(42, row["x"]);
        Assert.Equal("hi!", row["label"]);
        conn.Execute("CREATE FUNCTION plus_one(n int) RETURNS TABLE(v int) LANGUAGE sql AS $$ SELECT n + 1 $$");
        Assert.Equal(6, conn.Execute("SELECT * FROM plus_one(%s)", 5).FetchOne()!.Get<int>(0));
    }
}
