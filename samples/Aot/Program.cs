using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sharpgres;
using Sharpgres.Testing;
using Sharpgres.Types;

// What a NativeAOT application can do with Sharpgres, run as a published native binary: each check prints
// "ok ..." or "FAIL ...", and the program exits non-zero on any failure. Without arguments it starts a TempServer.
using var server = args.Length == 0 ? TempServer.Start() : null;
using var conn = Pg.Connect(args.Length > 0 ? args[0] : server!.ConnectionString(), autocommit: true);
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

// A value sent as a bound parameter, cast server-side, read back typed: equal to what was sent.
void RoundTrip<T>(string sqlType, T value, Func<T, T, bool>? same = null) => Check(sqlType, () =>
{
    var back = conn.Execute("SELECT %s::" + sqlType, value).FetchOne()!.Get<T>(0);
    return (same ?? ((a, b) => EqualityComparer<T>.Default.Equals(a, b)))(value, back) ? null : $"sent {value}, got {back}";
});

RoundTrip("int2", (short)-7);
RoundTrip("int4", 42);
RoundTrip("int8", 1L << 40);
RoundTrip("float4", 1.5f);
RoundTrip("float8", Math.PI);
RoundTrip("numeric", 12345.678m);
RoundTrip("bool", true);
RoundTrip("text", "héllo, wörld");
RoundTrip("bytea", new byte[] { 0, 1, 255 }, (a, b) => a.AsSpan().SequenceEqual(b));
RoundTrip("uuid", Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"));
RoundTrip("date", new DateOnly(2024, 2, 29));
RoundTrip("time", new TimeOnly(13, 14, 15));
RoundTrip("timestamp", new DateTime(2024, 2, 29, 1, 2, 3));
RoundTrip("timestamptz", new DateTimeOffset(2024, 2, 29, 1, 2, 3, TimeSpan.Zero));
RoundTrip("interval", new PgInterval(1, 2, 3_000_000));
RoundTrip("inet", IPAddress.Parse("192.168.0.1"));
RoundTrip("int4[]", new[] { 1, 2, 3 }, (a, b) => a.AsSpan().SequenceEqual(b));
RoundTrip("int8[]", new long?[] { 1, null, 3 }, (a, b) => a.AsSpan().SequenceEqual(b));
RoundTrip("text[]", new[] { "a", "b" }, (a, b) => a.AsSpan().SequenceEqual(b));

// JSON: JsonElement both ways without reflection; a POCO through a source-generated JsonSerializerContext.
Check("jsonb (JsonElement)", () =>
{
    var sent = JsonDocument.Parse("""{"a": [1, "x", null]}""").RootElement;
    var back = conn.Execute("SELECT %s::jsonb", new Jsonb(sent)).FetchOne()!.Get<JsonElement>(0);
    return back.GetProperty("a")[1].GetString() == "x" ? null : $"got {back}";
});
Check("json (JsonSerializerContext)", () =>
{
    var back = conn.Execute("SELECT %s::json", new Json(new Point(3, 4), AotJson.Default.Options)).FetchOne()!.Get<JsonElement>(0);
    var point = back.Deserialize(AotJson.Default.Point);
    return point == new Point(3, 4) ? null : $"got {back}";
});

// A typed fetch with a hand-written mapper (FetchAll<T>(Func<Row, T>)): no reflection.
Check("typed fetch", () =>
{
    var people = conn.Execute("SELECT g AS id, 'n' || g AS name FROM generate_series(1, 3) g")
        .FetchAll(r => new Person(r.Get<int>("id"), r.Get<string>("name")));
    return people.Count == 3 && people[2] == new Person(3, "n3") ? null : $"got {string.Join(", ", people)}";
});

// COPY in and out, the delegate form (a failing body sends CopyFail).
Check("copy", () =>
{
    conn.Execute("CREATE TEMP TABLE t (a int, b text)");
    conn.Cursor().Copy("COPY t (a, b) FROM STDIN", copy => { copy.WriteRow(1, "x"); copy.WriteRow(2, null); });
    var rows = new List<string>();
    using (var copy = conn.Cursor().Copy("COPY (SELECT a, b FROM t ORDER BY a) TO STDOUT"))
        foreach (var row in copy.Rows()) rows.Add(string.Join("|", row.Select(v => v ?? "NULL")));
    return string.Join(";", rows) == "1|x;2|NULL" ? null : $"got {string.Join(";", rows)}";
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

[JsonSerializable(typeof(Point))]
partial class AotJson : JsonSerializerContext;
