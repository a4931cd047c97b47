using Sharpgres.Tests.Infrastructure;
using Sharpgres.Types;
using Xunit.Abstractions;
using static Sharpgres.Tests.Types.ServerTwice;

namespace Sharpgres.Tests.Types;

/// <summary>hstore ↔ Dictionary&lt;string, string?&gt; after CREATE EXTENSION hstore.</summary>
public class HstoreTests(DatabaseFixture db, ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    private const string ControlFile = "/usr/share/postgresql/15/extension/hstore.control";

    private static readonly Dictionary<string, string?> Awkward = new()
    {
        ["a"] = "1", ["null"] = null, ["NULL"] = "NULL", [""] = "", ["q\"uote"] = "back\\slash", ["=>"] = "a, b",
        ["ünï 😀"] = "{x}", [" sp "] = "\t",
    };

    /// <summary>Creates the extension; false (with a message) only when the contrib package isn't installed.</summary>
    private bool HstoreAvailable(Connection conn)
    {
        if (!File.Exists(ControlFile))
        {
            output.WriteLine($"SKIPPED: {ControlFile} is missing (postgresql-contrib not installed), hstore can't be tested");
            return false;
        }
        conn.Execute("CREATE EXTENSION IF NOT EXISTS hstore");
        conn.Commit();
        return true;
    }

    [Fact]
    public void Registered_hstore_round_trips_in_both_formats()
    {
        using var conn = db.Connect();
        if (!HstoreAvailable(conn)) return;
        conn.Types.RegisterHstore();
        foreach (var row in Rows(conn, "SELECT 'a=>1, b=>NULL, \"c d\"=>\"e\\\"f\"'::hstore", []))
            Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = null, ["c d"] = "e\"f" }, Assert.IsType<Dictionary<string, string?>>(row[0]));
        foreach (var row in Rows(conn, "SELECT %s, %s::text", [Awkward, Awkward]))
        {
            Assert.Equal(Awkward, row.Get<Dictionary<string, string?>>(0));
            Assert.Equal(Awkward, row.Get<IReadOnlyDictionary<string, string?>>(0));
        }
        AssertBoth(Awkward, conn, "SELECT %t::hstore", Awkward);
        AssertBoth(new Dictionary<string, string?>(), conn, "SELECT ''::hstore");
        AssertBoth("hstore", conn, "SELECT pg_typeof(%s)::text", new SortedDictionary<string, string?> { ["k"] = "v" });
        AssertBoth("\"k\"=>\"v\", \"n\"=>NULL", conn, "SELECT %s::text", new Dictionary<string, string?> { ["k"] = "v", ["n"] = null });
    }

    [Fact]
    public void Hstore_arrays_and_table_columns()
    {
        using var conn = db.Connect();
        if (!HstoreAvailable(conn)) return;
        conn.Types.RegisterHstore();
        var maps = new[] { new Dictionary<string, string?> { ["x"] = "1" }, Awkward };
        AssertBoth(maps, conn, "SELECT %s", new object[] { maps });
        conn.Execute("CREATE TEMP TABLE props (id int, h hstore, hs hstore[])");
        conn.Execute("INSERT INTO props VALUES (1, %s, %s)", Awkward, maps);
        foreach (var row in Rows(conn, "SELECT h, hs, h -> 'a' FROM props", []))
        {
            Assert.Equal(Awkward, row[0]);
            Assert.Equal(maps, row.Get<Dictionary<string, string?>[]>(1));
            Assert.Equal("1", row[2]);
        }
        AssertBoth(1, conn, "SELECT id FROM props WHERE h @> %s", new Dictionary<string, string?> { ["=>"] = "a, b" });
    }

    [Fact]
    public void Without_registration_hstore_reads_as_text_and_dictionaries_go_untyped()
    {
        using var conn = db.Connect();
        if (!HstoreAvailable(conn)) return;
        foreach (var row in Rows(conn, "SELECT 'a=>1'::hstore", [], binary: false))
            Assert.Equal("\"a\"=>\"1\"", row[0]);
        // An unregistered dictionary is an untyped hstore literal: fine wherever the server expects an hstore.
        conn.Execute("CREATE TEMP TABLE loose (h hstore)");
        conn.Execute("INSERT INTO loose VALUES (%s)", Awkward);
        Assert.Equal("back\\slash", conn.Execute("SELECT h -> 'q\"uote' FROM loose").FetchOne()![0]);
        Assert.Equal(Awkward.Count, conn.Execute("SELECT array_length(akeys(%s::hstore), 1)", Awkward).FetchOne()![0]);
    }
}
