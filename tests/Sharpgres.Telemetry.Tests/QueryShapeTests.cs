namespace Sharpgres.Telemetry.Tests;

/// <summary>What the span names and db.* attributes are parsed from: the operation, the one table, the summary.</summary>
public sealed class QueryShapeTests
{
    [Theory]
    [InlineData("SELECT 1", "SELECT", null, "SELECT")]
    [InlineData("select * from Users where id = $1", "SELECT", "Users", "SELECT Users")]
    [InlineData("  -- a comment\n /* and another */ SELECT a FROM public.orders o JOIN customers c ON c.id = o.cid", "SELECT", null, "SELECT public.orders customers")]
    [InlineData("SELECT a FROM t1, t2 x WHERE x.a = 1", "SELECT", null, "SELECT t1 t2")]
    [InlineData("INSERT INTO orders (a, b) VALUES ($1, $2)", "INSERT", "orders", "INSERT orders")]
    [InlineData("INSERT INTO shipping SELECT * FROM orders", "INSERT", null, "INSERT shipping SELECT orders")]
    [InlineData("UPDATE items SET name = 'FROM x' WHERE id = $1", "UPDATE", "items", "UPDATE items")]
    [InlineData("DELETE FROM \"My Table\" WHERE a = 1", "DELETE", "\"My Table\"", "DELETE \"My Table\"")]
    [InlineData("SELECT extract(year FROM ts) FROM events", "SELECT", "events", "SELECT events")]
    [InlineData("SELECT * FROM generate_series(1, 3)", "SELECT", null, "SELECT")]
    [InlineData("SELECT * FROM items FOR UPDATE", "SELECT", "items", "SELECT items")]
    [InlineData("WITH x AS (SELECT * FROM a) UPDATE b SET v = 1 FROM x", "UPDATE", null, "SELECT a UPDATE b x")]
    [InlineData("CALL refresh_stats($1)", "CALL", null, "CALL refresh_stats")]
    [InlineData("COPY items (id, name) FROM STDIN", "COPY", "items", "COPY items")]
    [InlineData("COPY (SELECT * FROM items) TO STDOUT", "COPY", "items", "COPY SELECT items")]
    [InlineData("CREATE TABLE IF NOT EXISTS items (id int)", "CREATE", null, "CREATE TABLE items")]
    [InlineData("DROP INDEX CONCURRENTLY ix", "DROP", null, "DROP INDEX ix")]
    [InlineData("TRUNCATE a, b", "TRUNCATE", null, "TRUNCATE a b")]
    [InlineData("COMMIT", "COMMIT", null, "COMMIT")]
    [InlineData("FETCH FORWARD 5 FROM \"c1\"", "FETCH", null, "FETCH")]
    [InlineData("SELECT $$ FROM fake $$, 'FROM also' FROM real_one", "SELECT", "real_one", "SELECT real_one")]
    [InlineData("INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2", "INSERT", "t", "INSERT t")]
    public void Parses(string sql, string operation, string? collection, string summary)
    {
        var shape = QueryShape.Of(sql);
        Assert.Equal(operation, shape.OperationName);
        Assert.Equal(collection, shape.CollectionName);
        Assert.Equal(summary, shape.Summary);
    }

    [Fact]
    public void Summaries_stay_within_255_characters()
    {
        var sql = "SELECT * FROM " + string.Join(" JOIN ", Enumerable.Range(0, 100).Select(i => $"table_number_{i} ON true"));
        var summary = QueryShape.Of(sql).Summary!;
        Assert.True(summary.Length <= 255, summary);
        Assert.StartsWith("SELECT table_number_0 table_number_1", summary);
    }

    [Fact]
    public void Batches_name_the_common_operation()
    {
        var inserts = new[] { QueryShape.Of("INSERT INTO a VALUES (1)"), QueryShape.Of("INSERT INTO a VALUES (2)") };
        Assert.Equal("BATCH INSERT", QueryShape.Batch(inserts).OperationName);
        Assert.Equal("BATCH INSERT a", QueryShape.Batch(inserts).Summary);
        var mixed = new[] { QueryShape.Of("INSERT INTO a VALUES (1)"), QueryShape.Of("SELECT 1") };
        Assert.Equal("BATCH", QueryShape.Batch(mixed).OperationName);
    }
}
