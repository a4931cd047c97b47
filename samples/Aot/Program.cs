using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sharpgres;
using Sharpgres.Data;
using Sharpgres.Pool;
using Sharpgres.Testing;
using Sharpgres.Types;

// A tour of Sharpgres in a NativeAOT application, run as the published native binary (tools/aot-check.sh): each
// check prints "ok ..." or "FAIL ...", and the program exits non-zero on any failure. Without arguments it starts a
// TempServer; with one it connects to that conninfo.
using var server = args.Length == 0 ? TempServer.Start() : null;
var conninfo = args.Length > 0 ? args[0] : server!.ConnectionString();
using var conn = Pg.Connect(conninfo, autocommit: true);
var failures = 0;

void Check(string what, Func<string?> run)
{
    try
    {
        var problem = run();
        Console.WriteLine(problem is null ? $"ok {what}" : $"FAIL {what}: {problem}");
        if (problem is not null) failures++;
    }
    catch (Exception e) { Console.WriteLine($"FAIL {what}: {e.GetType().Name}: {e.Message}"); failures++; }
}

bool Same<T>(IEnumerable<T> a, IEnumerable<T> b) => a.SequenceEqual(b);

// A value sent as a bound parameter, cast server-side, read back typed: equal to what was sent.
void RoundTrip<T>(string sqlType, T value, Func<T, T, bool>? same = null) => Check(sqlType, () =>
{
    var back = conn.Execute("SELECT %s::" + sqlType, value).FetchOne()!.Get<T>(0);
    return (same ?? ((a, b) => EqualityComparer<T>.Default.Equals(a, b)))(value, back) ? null : $"sent {value}, got {back}";
});

// Every type family, both ways.
RoundTrip("int2", (short)-7);
RoundTrip("int4", 42);
RoundTrip("int8", 1L << 40);
RoundTrip("float4", 1.5f);
RoundTrip("float8", Math.PI);
RoundTrip("numeric", 12345.678m);
RoundTrip("bool", true);
RoundTrip("text", "héllo, wörld");
RoundTrip("bytea", new byte[] { 0, 1, 255 }, Same);
RoundTrip("uuid", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"));
RoundTrip("date", new DateOnly(2024, 2, 29));
RoundTrip("time", new TimeOnly(13, 14, 15));
RoundTrip("timestamp", new DateTime(2024, 2, 29, 1, 2, 3));
RoundTrip("timestamptz", new DateTimeOffset(2024, 2, 29, 1, 2, 3, TimeSpan.Zero));
RoundTrip("interval", new PgInterval(1, 2, 3_000_000));
RoundTrip("inet", IPAddress.Parse("192.168.0.1"));
RoundTrip("int4[]", new[] { 1, 2, 3 }, Same);
RoundTrip("int8[]", new long?[] { 1, null, 3 }, Same);   // a NULL element: long?[]
RoundTrip("text[]", new[] { "a", "b" }, Same);
RoundTrip("int4range", new PgRange<int>(1, 10));
RoundTrip("tstzrange", new PgRange<DateTimeOffset>(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero)));
Check("arrays read untyped, as lists and 2-D", () =>
{
    var row = conn.Execute("SELECT ARRAY[1, NULL]::int4[], ARRAY[[1, 2], [3, 4]]::int4[], ARRAY['x']::text[]").FetchOne()!;
    if (row[0] is not int?[] { Length: 2 } untyped || untyped[1] is not null) return $"untyped int4[] read as {row[0]?.GetType()}";
    if (row.Get<int[,]>(1)[1, 0] != 3) return "int[,] wrong";
    return row.Get<List<string>>(2) is ["x"] ? null : "List<string> wrong";
});

// JSON: JsonElement without reflection; POCOs through the app's source-generated JsonSerializerContext.
conn.Types.JsonOptions = new JsonSerializerOptions { TypeInfoResolver = AotJson.Default };
Check("jsonb (JsonElement)", () =>
{
    var sent = JsonDocument.Parse("""{"a": [1, "x", null]}""").RootElement;
    var back = conn.Execute("SELECT %s::jsonb", new Jsonb(sent)).FetchOne()!.Get<JsonElement>(0);
    return back.GetProperty("a")[1].GetString() == "x" ? null : $"got {back}";
});
Check("jsonb POCO (JsonSerializerContext)", () =>
{
    var back = conn.Execute("SELECT %s::jsonb", new Jsonb(new Point(3, 4))).FetchOne()!.Get<Point>(0);
    return back == new Point(3, 4) ? null : $"got {back}";
});

// Parameters by name: a dictionary (an anonymous object needs reflection, which a NativeAOT app has not: refused clearly).
Check("named parameters", () =>
{
    var n = conn.Execute("SELECT %(a)s::int + %(b)s::int", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 3 }).FetchOne()!.Get<int>(0);
    if (n != 5) return $"got {n}";
    try { conn.Execute("SELECT %(a)s::int", new { a = 1 }); return "an anonymous object was accepted"; }
    catch (NotSupportedException e) { return e.Message.Contains("Dictionary") ? null : e.Message; }
});

// Typed fetches: records by column name, tuples by position, a hand-written mapper.
Check("typed fetch (record, tuple, mapper)", () =>
{
    const string sql = "SELECT g AS id, 'n' || g AS name FROM generate_series(1, 3) g";
    var people = conn.Execute(sql).FetchAll<Person>();
    if (people.Count != 3 || people[2] != new Person(3, "n3")) return $"records: {string.Join(", ", people)}";
    var tuple = conn.Execute(sql).FetchOne<(int, string)>();
    if (tuple != (1, "n1")) return $"tuple: {tuple}";
    var mapped = conn.Execute(sql).FetchAll(r => r.Get<string>("name"));
    return mapped is ["n1", "n2", "n3"] ? null : $"mapper: {string.Join(", ", mapped)}";
});

// A registered enum and composite (RegisterEnum / RegisterComposite make their generic code ahead of time).
Check("enum and composite", () =>
{
    conn.Execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'very_happy'); CREATE TYPE card AS (value int, suit text)");
    conn.Types.RegisterEnum<Mood>("mood");
    conn.Types.RegisterComposite<Card>("card");
    var row = conn.Execute("SELECT %s::mood, ARRAY['sad', 'ok']::mood[], %s::card", Mood.VeryHappy, new Card(10, "hearts")).FetchOne()!;
    if (row.Get<Mood>(0) != Mood.VeryHappy) return $"enum: {row[0]}";
    if (!Same(row.Get<Mood[]>(1), [Mood.Sad, Mood.Ok])) return "enum[] wrong";
    return row.Get<Card>(2) == new Card(10, "hearts") ? null : $"composite: {row[2]}";
});

// COPY in and out, text rows and typed rows.
Check("copy", () =>
{
    conn.Execute("CREATE TEMP TABLE t (a int, b text)");
    conn.Cursor().Copy("COPY t (a, b) FROM STDIN", copy => { copy.WriteRow(1, "x"); copy.WriteRow(2, null); });
    var rows = new List<string>();
    using (var copy = conn.Cursor().Copy("COPY (SELECT a, b FROM t ORDER BY a) TO STDOUT"))
        foreach (var row in copy.Rows()) rows.Add(string.Join("|", row.Select(v => v ?? "NULL")));
    return string.Join(";", rows) == "1|x;2|NULL" ? null : $"got {string.Join(";", rows)}";
});

// Async, a pooled connection, and ADO.NET through a DbDataSource.
Check("async query", () =>
{
    var cur = conn.Cursor();
    cur.ExecuteAsync("SELECT %s::int * 2", [21]).GetAwaiter().GetResult();
    return cur.FetchOneAsync().GetAwaiter().GetResult()!.Get<int>(0) == 42 ? null : "wrong";
});
Check("pooled query (ConnectionPool)", () =>
{
    using var pool = new ConnectionPool(conninfo, minSize: 1, maxSize: 2);
    using var pooled = pool.Connection();
    return pooled.Execute("SELECT count(*) FROM generate_series(1, 10)").FetchOne()!.Get<long>(0) == 10 ? null : "wrong count";
});
Check("ADO.NET (DbDataSource)", () =>
{
    using var source = SharpgresDataSource.Create(new SharpgresConnectionStringBuilder(conninfo).ConnectionString);
    using var command = source.CreateCommand("SELECT @n::int + 1 AS next, now() AS at");
    var parameter = command.CreateParameter();
    parameter.ParameterName = "n";
    parameter.Value = 41;
    command.Parameters.Add(parameter);
    using var reader = command.ExecuteReader();
    if (!reader.Read()) return "no row";
    if (reader.GetInt32(0) != 42) return $"got {reader.GetValue(0)}";
    return reader.GetFieldType(1) == typeof(DateTime) || reader.GetFieldType(1) == typeof(DateTimeOffset) ? null : $"field type {reader.GetFieldType(1)}";
});

// A typed error by SQLSTATE.
Check("error class", () =>
{
    try { conn.Execute("SELECT * FROM no_such_table"); return "no error"; }
    catch (Sharpgres.Errors.UndefinedTable e) { return e.SqlState == "42P01" ? null : e.SqlState; }
});

Console.WriteLine($"{failures} failures");
return failures == 0 ? 0 : 1;

record Person(int Id, string Name);
record Point(int X, int Y);
record Card(int Value, string Suit);
enum Mood { Sad, Ok, VeryHappy }

[JsonSerializable(typeof(Point))]
partial class AotJson : JsonSerializerContext;
