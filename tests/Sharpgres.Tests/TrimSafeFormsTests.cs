using System.Text.Json;
using System.Text.Json.Serialization;
using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;

namespace Sharpgres.Tests;

public sealed record Order(int Id, string Item, decimal[] Prices);

/// <summary>The source-generated contract a trimmed / NativeAOT app gives the driver for its JSON POCOs.</summary>
[JsonSerializable(typeof(Order))]
public sealed partial class OrderJsonContext : JsonSerializerContext;

/// <summary>
/// The trimming-safe forms of the reflection conveniences (issue 18): JSON POCOs through a JsonSerializerContext set on
/// conn.Types.JsonOptions, hand-written row mappers, and arrays / ranges / nullable reads through the built-in
/// generic forms (what samples/Aot runs under NativeAOT, here under the JIT against the same server).
/// </summary>
public class TrimSafeFormsTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Json_pocos_round_trip_through_a_source_generated_context()
    {
        using var conn = db.Connect(autocommit: true);
        conn.Types.JsonOptions = new JsonSerializerOptions { TypeInfoResolver = OrderJsonContext.Default };
        var order = new Order(7, "tea", [1.5m, 2m]);
        var cur = conn.Execute("SELECT %s::jsonb, (%s::jsonb)->>'Item'", [new Jsonb(order), new Jsonb(order)]);
        var row = cur.FetchOne()!;
        var back = row.Get<Order>(0);
        Assert.Equal(7, back.Id);
        Assert.Equal("tea", back.Item);
        Assert.Equal([1.5m, 2m], back.Prices);
        Assert.Equal("tea", row.Get<string>(1));

        // A type the context doesn't know is System.Text.Json's clear error, not a silent reflection fallback.
        var e = Assert.ThrowsAny<Exception>(() => conn.Execute("SELECT '{}'::jsonb").FetchOne()!.Get<Dictionary<DateTime, int>>(0));
        Assert.Contains("Dictionary", e.Message);
    }

    [Fact]
    public void A_child_registry_inherits_the_json_options_and_can_replace_them()
    {
        using var conn = db.Connect(autocommit: true);
        var options = new JsonSerializerOptions { TypeInfoResolver = OrderJsonContext.Default };
        conn.Types.JsonOptions = options;
        var child = conn.Types.CreateChild();
        Assert.Same(options, child.JsonOptions);
        var other = new JsonSerializerOptions();
        child.JsonOptions = other;
        Assert.Same(other, child.JsonOptions);
        Assert.Same(options, conn.Types.JsonOptions);
    }

    [Fact]
    public void Hand_written_mappers_fetch_one_and_all()
    {
        using var conn = db.Connect(autocommit: true);
        var cur = conn.Execute("SELECT g, 'n' || g FROM generate_series(1, 3) g");
        var first = cur.FetchOne(r => (Id: r.Get<int>(0), Name: r.Get<string>(1)));
        Assert.Equal((1, "n1"), first);
        var rest = cur.FetchAll(r => r.Get<string>(1) + "!");
        Assert.Equal(["n2!", "n3!"], rest);
        Assert.Null(cur.FetchOne(r => r.Get<string>(1)));
    }

    [Fact]
    public void Arrays_ranges_and_nullable_reads_through_the_generic_forms()
    {
        using var conn = db.Connect(autocommit: true);
        var row = conn.Execute("""
            SELECT ARRAY[1, NULL, 3]::int4[], ARRAY[[1, 2], [3, 4]]::int8[], ARRAY[int4range(1, 5)],
                   int4range(2, 9), '2024-05-06'::date, ARRAY['a', 'b']::text[]
            """).FetchOne()!;
        Assert.Equal(new int?[] { 1, null, 3 }, row[0]);                       // untyped: int?[] when NULLs are there
        Assert.Equal(new long[,] { { 1, 2 }, { 3, 4 } }, row[1]);
        Assert.Equal([new PgRange<int>(1, 5)], Assert.IsType<PgRange<int>[]>(row[2]));
        Assert.Equal(new PgRange<int>(2, 9), row.Get<PgRange<int>>(3));
        Assert.Equal(new DateTime(2024, 5, 6), row.Get<DateTime?>(4));         // the date codec's own DateTime reader
        Assert.Equal(["a", "b"], row.Get<List<string>>(5));
        Assert.Equal(["a", "b"], row.Get<IReadOnlyList<string>>(5));
        Assert.Equal([[1L, 2L], [3L, 4L]], row.Get<long[][]>(1));

        // Parameters the other way: a nullable-element array, a list, a range.
        var back = conn.Execute("SELECT %s::int4[], %s::text[], %s::int4range",
            [new int?[] { 4, null }, new List<string> { "x" }, new PgRange<int>(3, 4)]).FetchOne()!;
        Assert.Equal(new int?[] { 4, null }, back.Get<int?[]>(0));
        Assert.Equal(["x"], back.Get<string[]>(1));
        Assert.Equal(new PgRange<int>(3, 4), back.Get<PgRange<int>>(2));
    }

    private sealed class Tags : IEnumerable<string>
    {
        public IEnumerator<string> GetEnumerator() => new List<string> { "red", "green" }.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [Fact]
    public void A_collection_class_of_its_own_is_an_array_of_its_element_type()
    {
        using var conn = db.Connect(autocommit: true);
        // IEnumerable<string> (and, by variance, IEnumerable<object>): the specific element type wins.
        Assert.Equal(["red", "green"], conn.Execute("SELECT %s::text[]", [new Tags()]).FetchOne()!.Get<string[]>(0));
        Assert.Equal("text[]", conn.Execute("SELECT pg_typeof(%s)::text", [new Tags()]).FetchOne()!.Get<string>(0));
    }
}
