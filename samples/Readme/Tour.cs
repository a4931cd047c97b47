using Sharpgres;
using Sharpgres.Errors;

var conninfo = args.FirstOrDefault() ?? "host=localhost dbname=test user=postgres password=secret";
using var conn = Pg.Connect(conninfo);          // or a URI, or "" to use the PG* environment variables
using var cur = conn.Cursor();

cur.Execute("CREATE TABLE people (id serial PRIMARY KEY, name text, city text)");
cur.Execute("INSERT INTO people (name, city) VALUES (%s, %s)", "Jane Lee", "Rustmore");
cur.Execute("INSERT INTO people (name, city) VALUES (%(name)s, %(city)s)", new { name = "Ann Lo", city = "Mathville" });
conn.Commit();                                   // not in autocommit: the first statement opened a transaction

cur.Execute("SELECT id, name, city FROM people ORDER BY id");
Console.WriteLine(cur.RowCount);                 // 2
Console.WriteLine(cur.FetchOne());               // (1, 'Jane Lee', 'Rustmore')
foreach (var row in cur) Console.WriteLine(row["name"]);                 // Ann Lo

var city = "Rustmore";
cur.Execute($"SELECT id, name, city FROM people WHERE city = {city}");  // each hole is a bound parameter
Person? jane = cur.FetchOne<Person>();
Console.WriteLine(jane);                         // Person { Id = 1, Name = Jane Lee, City = Rustmore }
conn.Rollback();                                 // ends the transaction the SELECTs opened

cur.Execute("CREATE PROCEDURE add_person(n text, c text) LANGUAGE sql AS 'INSERT INTO people (name, city) VALUES (n, c)'");
conn.Commit();
conn.Transaction(tx =>                           // psycopg's `with conn.transaction():` commits when the block
{                                                // returns, rolls back (and rethrows) when it throws
    cur.Execute("CALL add_person(%s, %s)", "Jim Ray", "Mathville");
});
using (var tx = conn.Transaction())              // the using form: disposed without tx.Commit(), it rolls back
{
    cur.Execute("DELETE FROM people");
}
Console.WriteLine(cur.Execute("SELECT count(*) FROM people").FetchOne());   // (3,)

try { cur.Execute("SELECT * FROM no_such_table"); }
catch (UndefinedTable e) { Console.WriteLine($"{e.SqlState}: {e.Message}"); }   // 42P01: relation "no_such_table" does not exist
conn.Rollback();                                 // until then, every statement raises InFailedSqlTransaction

cur.ExecuteMany("INSERT INTO people (name, city) VALUES (%s, %s)", [("Kim Poe", "Lakeside"), ("Lu Tan", "Lakeside")]);
Console.WriteLine(cur.RowCount);                 // 2 — pipelined: one round trip for all the sets
conn.Commit();

cur.Execute("CREATE TABLE events (data jsonb, at timestamptz, day date)");
cur.Execute("INSERT INTO events VALUES (%s, %s, %s)", new Jsonb(new { key1 = new object?[] { "foo", null, 1.0, 2 }, key2 = "bar" }),
    new DateTimeOffset(2042, 7, 1, 12, 0, 0, TimeSpan.Zero), new DateOnly(2022, 12, 25));
cur.Execute("SET TIME ZONE 'Europe/Rome'");
var ev = cur.Execute("SELECT data, at, day FROM events").FetchOne()!;
Console.WriteLine(ev.Get<System.Text.Json.JsonElement>("data").GetProperty("key1"));     // ["foo", null, 1, 2]
Console.WriteLine(ev.Get<DateTimeOffset>("at").ToString("yyyy-MM-dd HH:mm zzz"));     // 2042-07-01 14:00 +02:00
Console.WriteLine(ev);                           // ({"key1": ["foo", null, 1, 2], "key2": "bar"}, 2042-07-01 14:00:00+02:00, 2022-12-25)
conn.Rollback();

using (var copy = cur.Copy("COPY people (name, city) FROM STDIN"))
{
    copy.WriteRow("Ida Moss", "Lakeside");
    copy.WriteRow("Ole Dahl", null);
}
Console.WriteLine(cur.RowCount);                 // 2
var names = 0;
foreach (var row in cur.Stream("SELECT name FROM people")) names++;     // rows as they arrive, in constant memory
Console.WriteLine(names);                        // 7
conn.Commit();

var table = Sql.Identifier("public", "people");
var query = Sql.SQL("SELECT {} FROM {} WHERE {} = %s").Format(Sql.Identifier("name"), table, Sql.Identifier("city"));
Console.WriteLine(query.AsString(conn));         // SELECT "name" FROM "public"."people" WHERE "city" = %s
Console.WriteLine(conn.Execute(query, "Lakeside").RowCount);   // 3
conn.Rollback();

using var listener = Pg.Connect(conninfo, autocommit: true);
listener.Execute("LISTEN jobs");
conn.Execute("NOTIFY jobs, 'job 42'");           // delivered when the transaction commits
conn.Commit();
foreach (var n in listener.Notifies(timeout: TimeSpan.FromSeconds(10), stopAfter: 1))
    Console.WriteLine($"{n.Channel}: {n.Payload}");   // jobs: job 42

await using var aconn = await Pg.ConnectAsync(conninfo, autocommit: true);
await using var acur = aconn.Cursor();
await acur.ExecuteAsync("SELECT name FROM people WHERE city = %s", ["Rustmore"]);
await foreach (var row in acur) Console.WriteLine(row[0]);               // Jane Lee
using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
try { await acur.ExecuteAsync("SELECT pg_sleep(10)", null, timeout.Token); }
catch (QueryCanceled e) { Console.WriteLine(e.SqlState); }               // 57014 — the token sent a CancelRequest

record Person(int Id, string Name, string City);  // FetchOne<Person>() fills the constructor by column name
