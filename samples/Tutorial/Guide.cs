using Sharpgres;
using Sharpgres.Errors;

namespace Tutorial;

/// <summary>
/// Seed 001, "How to Access PostgreSQL from Python with Psycopg": fetching from pg_timezone_names, test_table with
/// parametrized and named inserts, INSERT ... RETURNING, commit seen from another connection, rollback, the aborted
/// transaction, transaction blocks, dates and times across SET TIME ZONE, JSON.
/// </summary>
public static class Guide
{
    public static void Run(Printer p, ConnectionInfo database)
    {
        using var conn = p.Using("conn", Pg.Connect(database));
        using var cur = p.Using("cur", conn.Cursor());
        Select(p, cur);
        ModifyTables(p, cur);
        ModifyData(p, conn, cur, database);
        AbortedTransaction(p, conn, cur);
        TransactionBlocks(p, conn, cur, database);
        DatesAndTimes(p, conn, cur);
        Json(p, conn, cur);
    }

    private static void Select(Printer p, Cursor cur)
    {
        p.Say("SELECT Queries");
        p.Run(() => cur.Execute("SELECT * FROM pg_timezone_names"));
        p.Show(() => cur.RowCount);
        p.Show(() => cur.RowNumber);
        p.Say("Fetch Results One Row at a Time");
        p.Show(() => cur.FetchOne());
        p.Show(() => cur.RowNumber);
        p.Say("Fetch Results N Rows at a Time");
        var result2 = p.Show(() => cur.FetchMany(2));
        p.Show(() => result2[1]);
        p.Show(() => cur.RowNumber);
        p.Say("Fetch the Entire Result at Once");
        var results = p.Let("results", cur.FetchAll());
        p.Show(() => results.Count);
        p.Show(() => cur.RowNumber);
        p.Say("fetching again past the end: null, or an empty list");
        p.Show(() => cur.FetchOne());
        p.Show(() => cur.FetchAll());
    }

    private static void ModifyTables(Printer p, Cursor cur)
    {
        p.Say("Table Modification Queries");
        p.Run(() => cur.Execute("CREATE TABLE test_table (my_id SERIAL PRIMARY KEY, my_name VARCHAR(20), my_number INTEGER, my_float FLOAT, my_date DATE, my_timestamp TIMESTAMP, my_timestamp_tz TIMESTAMPTZ, my_time TIME, my_json JSON, my_jsonb JSONB )"));
        p.Show(() => cur.StatusMessage);
        p.Run(() => cur.Execute("ALTER TABLE test_table ADD COLUMN new_name VARCHAR(100)"));
        p.Show(() => cur.StatusMessage);
        p.Run(() => cur.Execute("ALTER TABLE test_table DROP COLUMN new_name "));
        p.Show(() => cur.StatusMessage);
    }

    private static void ModifyData(Printer p, Connection conn, Cursor cur, ConnectionInfo database)
    {
        p.Say("Data Modification Queries: values with special characters are bound as parameters, never spliced");
        var myName = p.Let("myName", "first'last%s");
        var myNumber = p.Let("myNumber", 1234);
        var myFloat = p.Let("myFloat", 3.14);
        p.Say("Parametrized Queries");
        p.Run(() => cur.Execute("INSERT INTO test_table (my_name, my_number, my_float) VALUES (%s, %s, %s)", myName, myNumber, myFloat));
        p.Show(() => cur.RowCount);
        p.Run(() => cur.Execute("INSERT INTO test_table (my_name, my_number) VALUES (%s, %s)", "first last", 1234));
        p.Show(() => cur.RowCount);
        p.Say("Named Parameters: an object (or a dictionary) whose names the %(name)s placeholders pick");
        p.Run(() => cur.Execute("INSERT INTO test_table (my_name, my_number) VALUES (%(param_name)s, %(param_number)s)", new { param_number = myNumber, param_name = myName }));
        p.Show(() => cur.RowCount);
        p.Say("INSERT ... RETURNING");
        p.Run(() => cur.Execute("INSERT INTO test_table (my_name) VALUES (%s) RETURNING my_id", myName));
        p.Show(() => cur.FetchOne());

        p.Say("Commit and Roll Back Transactions");
        p.Run(() => cur.Execute("SELECT my_id, my_name, my_number, my_float FROM test_table"));
        p.Show(() => cur.FetchAll());
        p.Say("another session (psql, or a second connection) can't see the uncommitted table yet:");
        using var other = p.Using("other", Pg.Connect(database, autocommit: true));
        p.Fails<UndefinedTable>(() => other.Execute("SELECT * FROM test_table"));
        p.Run(() => conn.Commit());
        p.Show(() => other.Execute("SELECT my_id, my_name FROM test_table").FetchAll());

        p.Say("Roll Back Transactions");
        p.Run(() => cur.Execute("INSERT INTO test_table (my_name ) VALUES (%s)", "new name"));
        p.Run(() => cur.Execute("SELECT my_id, my_name FROM test_table WHERE my_name = (%s)", "new name"));
        p.Show(() => cur.FetchOne());
        p.Run(() => conn.Rollback());
        p.Run(() => cur.Execute("SELECT my_id, my_name FROM test_table WHERE my_name = (%s)", "new name"));
        p.Show(() => cur.FetchOne());
    }

    private static void AbortedTransaction(Printer p, Connection conn, Cursor cur)
    {
        p.Say("Aborted Transactions");
        p.Fails<UndefinedTable>(() => cur.Execute("SELECT * FROM test_table1"));
        p.Fails<InFailedSqlTransaction>(() => cur.Execute("SELECT * FROM test_table"));
        p.Show(() => conn.TransactionStatus);
        p.Run(() => conn.Rollback());
        p.Run(() => cur.Execute("SELECT * FROM test_table"));
        p.Show(() => cur.RowCount);
    }

    private static void TransactionBlocks(Printer p, Connection conn, Cursor cur, ConnectionInfo database)
    {
        p.Say("Managing Transactions: psycopg's `with conn.transaction():` is a delegate block, committed when it returns");
        p.Say("first end the transaction the last SELECT opened (inside a transaction, a block is a SAVEPOINT)");
        p.Run(() => conn.Rollback());
        p.Run(() => conn.Transaction(tx =>
        {
            cur.Execute("INSERT INTO test_table (my_name) VALUES (%s)", "in a block");
        }));
        using var other = p.Using("other", Pg.Connect(database, autocommit: true));
        p.Show(() => other.Execute("SELECT count(*) FROM test_table WHERE my_name = %s", "in a block").FetchOne());
        p.Say("an exception leaving the block rolls it back, and goes on to the caller");
        p.Fails<InvalidOperationException>(() => conn.Transaction(tx =>
        {
            cur.Execute("INSERT INTO test_table (my_name) VALUES (%s)", "rolled back");
            throw new InvalidOperationException("something went wrong in the block");
        }));
        p.Show(() => other.Execute("SELECT count(*) FROM test_table WHERE my_name = %s", "rolled back").FetchOne());
        p.Say("the `using` form: disposed without tx.Commit(), the block rolls back");
        p.Run(() =>
        {
            using var tx = conn.Transaction();
            cur.Execute("DELETE FROM test_table");
        });
        p.Show(() => other.Execute("SELECT count(*) FROM test_table").FetchOne());
        p.Say("unlike psycopg's `with psycopg.connect() as conn:`, disposing a connection never commits: it rolls back");
        p.Run(() =>
        {
            using var conn2 = Pg.Connect(database);
            conn2.Execute("INSERT INTO test_table (my_name) VALUES (%s)", "never committed");
        });
        p.Show(() => other.Execute("SELECT count(*) FROM test_table WHERE my_name = %s", "never committed").FetchOne());
    }

    private static void DatesAndTimes(Printer p, Connection conn, Cursor cur)
    {
        p.Say("Date and Time");
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_timestamp) VALUES (%s) ", DateTime.Now); conn.Commit(); });
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_timestamp_tz) VALUES (%s) ", DateTimeOffset.Now); conn.Commit(); });
        var myDate = p.Let("myDate", new DateOnly(2022, 12, 25));
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_date) VALUES (%s) ", myDate); conn.Commit(); });
        var myTime = p.Let("myTime", new TimeOnly(23, 22, 21, 0, 20));
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_time) VALUES (%s) ", myTime); conn.Commit(); });
        var myDateTime = p.Let("myDateTime", new DateTime(2022, 12, 25, 23, 22, 21, 0, 20));
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_timestamp) VALUES (%s) ", myDateTime); conn.Commit(); });
        p.Run(() => cur.Execute("SELECT my_date, my_time, my_timestamp FROM test_table WHERE my_date IS NOT NULL OR my_time IS NOT NULL OR my_timestamp = %s", myDateTime));
        p.Show(() => cur.FetchAll());

        p.Say("one timestamptz, 2022-12-25 23:22:21 UTC, shown before and after SET TIME ZONE");
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_name, my_timestamp_tz) VALUES ('christmas', '2022-12-25 23:22:21+00')"); conn.Commit(); });
        p.Show(() => conn.Info.TimeZoneName);
        p.Show(() => cur.Execute("SELECT my_timestamp_tz FROM test_table WHERE my_name = 'christmas'").FetchOne());
        p.Run(() => { cur.Execute("SET TIME ZONE 'Europe/Rome'"); conn.Commit(); });
        p.Show(() => conn.Info.TimeZoneName);
        p.Show(() => cur.Execute("SELECT my_timestamp_tz FROM test_table WHERE my_name = 'christmas'").FetchOne());
        conn.Commit();
    }

    private static void Json(Printer p, Connection conn, Cursor cur)
    {
        p.Say("Handling JSON Data: Sharpgres.Json / Sharpgres.Jsonb are psycopg's Json / Jsonb wrappers");
        var dict1 = p.Let("dict1", new Dictionary<string, object?> { ["key1"] = new object?[] { "foo", null, 1.0, 2 }, ["key2"] = "bar", ["key3"] = 20 });
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_json) VALUES (%s)", new Json(dict1)); conn.Commit(); });
        p.Run(() => { cur.Execute("INSERT INTO test_table (my_jsonb) VALUES (%s)", new Jsonb(dict1)); conn.Commit(); });
        p.Run(() => cur.Execute("SELECT my_json FROM test_table WHERE my_json IS NOT NULL"));
        var json1 = p.Show(() => cur.FetchOne()!.Get<System.Text.Json.JsonElement>(0));
        p.Show(() => json1.GetProperty("key1"));
        p.Run(() => cur.Execute("SELECT my_jsonb FROM test_table WHERE my_jsonb IS NOT NULL"));
        var jsonb1 = p.Let("jsonb1", cur.FetchOne()!.Get<Dictionary<string, object?>>(0));
        p.Show(() => string.Join(", ", jsonb1.Keys));
        p.Show(() => jsonb1["key3"]);
    }
}
