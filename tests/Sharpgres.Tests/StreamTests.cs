using System.Text;
using Sharpgres.Errors;
using Sharpgres.Tests.Infrastructure;
using static Sharpgres.Tests.Infrastructure.FakeServer;

namespace Sharpgres.Tests;

/// <summary>cur.Stream: rows as they arrive, in constant memory; leaving early keeps the connection (and transaction) usable.</summary>
public class StreamTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private const string Million = "SELECT g, g::text AS t, g * 0.5::float8 AS f FROM generate_series(1, 1000000) g";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_million_rows_stream_with_the_right_count_and_sums(bool autocommit)
    {
        using var conn = db.Connect(autocommit);
        using var cur = conn.Cursor();
        long count = 0, sum = 0, textLength = 0;
        double halves = 0;
        foreach (var row in cur.Stream(Million))
        {
            count++;
            sum += row.Get<int>(0);
            textLength += ((string)row[1]!).Length;
            halves += row.Get<double>(2);
        }
        Assert.Equal(1_000_000, count);
        Assert.Equal(500_000_500_000L, sum);
        Assert.Equal(5_888_896, textLength);
        Assert.Equal(250_000_250_000.0, halves);
        Assert.Equal(1_000_000, cur.RowCount);
        Assert.Equal("SELECT 1000000", cur.StatusMessage);
        Assert.Equal(3, cur.Description!.Count);
        Assert.Equal(2, conn.Execute("SELECT 2").FetchOne()![0]);
    }

    [Fact]
    public async Task A_million_typed_rows_stream_async()
    {
        await using var conn = await db.ConnectAsync();
        var cur = conn.Cursor();
        long count = 0, sum = 0;
        await foreach (var (g, t, _) in cur.StreamAsync<(int G, string T, double F)>(Million))
        {
            count++;
            sum += g;
            if (g == 77) Assert.Equal("77", t);
        }
        Assert.Equal(1_000_000, count);
        Assert.Equal(500_000_500_000L, sum);
        await conn.RollbackAsync();
    }

    [Fact]
    public void Parameters_typed_rows_and_row_factories()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        Assert.Equal([3, 4, 5], cur.Stream<int>("SELECT g FROM generate_series(%s, %s) g", 3, 5).ToArray());
        Assert.Equal([10L, 20L], cur.Stream<long>("SELECT g * %(k)s FROM generate_series(1, 2) g", new { k = 10L }).ToArray());
        var rows = cur.Stream("SELECT g, 'x' || g AS name FROM generate_series(1, 3) g").ToList();
        // Streamed rows are independent of the receive buffer: still readable after the stream ended.
        Assert.Equal("(1, 'x1')", rows[0].ToString());
        Assert.Equal("x3", rows[2]["name"]);
        var dicts = conn.Cursor(RowFactory.Dict).Stream("SELECT 1 AS a, NULL::text AS b").ToList();
        Assert.Equal(1, dicts[0]["a"]);
        Assert.Null(dicts[0]["b"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Breaking_out_early_ends_the_query_and_the_connection_is_reused(bool autocommit)
    {
        using var conn = db.Connect(autocommit);
        using var cur = conn.Cursor();
        var seen = 0;
        foreach (var row in cur.Stream("SELECT g FROM generate_series(1, 10000000) g"))
        {
            if (++seen == 1000) break;
        }
        Assert.Equal(1000, seen);
        Assert.Equal(autocommit ? TransactionStatus.Idle : TransactionStatus.InTransaction, conn.TransactionStatus);
        Assert.Equal(42, cur.Execute("SELECT 42").FetchOne()![0]);
        // The stream is reusable as a source: each enumeration runs the query again.
        var source = cur.Stream<int>("SELECT g FROM generate_series(1, 5) g");
        Assert.Equal(1, source.First());
        Assert.Equal(15, source.Sum());
        if (!autocommit) conn.Commit();
    }

    [Fact]
    public void Leaving_early_inside_a_transaction_keeps_the_transaction()
    {
        using var conn = db.Connect();
        conn.Execute("CREATE TEMP TABLE kept (x int)");
        conn.Execute("INSERT INTO kept VALUES (1)");
        using var cur = conn.Cursor();
        foreach (var _ in cur.Stream("SELECT g FROM generate_series(1, 5000000) g")) break;
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);
        Assert.Equal(1L, conn.Execute("SELECT count(*) FROM kept").FetchOne()![0]);
        conn.Rollback();
    }

    [Fact]
    public void An_exception_in_the_loop_reaches_the_caller_and_the_connection_is_reused()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var row in cur.Stream("SELECT g FROM generate_series(1, 3000000) g"))
                if (row.Get<int>(0) == 500) throw new InvalidOperationException("stop here");
        });
        Assert.Equal("stop here", e.Message);
        Assert.Equal(7, cur.Execute("SELECT 7").FetchOne()![0]);
    }

    [Fact]
    public void Server_errors_mid_stream_raise_after_the_rows_before_them()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        var seen = new List<int>();
        Assert.Throws<DivisionByZero>(() =>
        {
            foreach (var v in cur.Stream<int>("SELECT 10 / (3 - g) FROM generate_series(1, 5) g")) seen.Add(v);
        });
        Assert.Equal([5, 10], seen);
        Assert.Throws<SyntaxError>(() => cur.Stream("SELEC 1").ToList());
        Assert.Throws<ProgrammingError>(() => cur.Stream("CREATE TEMP TABLE nothing_to_stream (x int)").ToList());
        Assert.Equal(1, cur.Execute("SELECT 1").FetchOne()![0]);
    }

    [Fact]
    public void The_connection_is_busy_while_a_stream_is_open()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        using (var rows = cur.Stream("SELECT g FROM generate_series(1, 100000) g").GetEnumerator())
        {
            Assert.True(rows.MoveNext());
            Assert.Throws<InterfaceError>(() => conn.Execute("SELECT 1"));
        }
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()![0]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancellation_token_mid_stream_ends_it_with_query_canceled(bool autocommit)
    {
        await using var conn = await db.ConnectAsync(autocommit);
        var cur = conn.Cursor();
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAsync<QueryCanceled>(async () =>
        {
            await foreach (var _ in cur.StreamAsync("SELECT g FROM generate_series(1, 10000000) g", null, cts.Token))
                if (++seen == 100) cts.Cancel();
        });
        Assert.Equal(100, seen);
        if (!autocommit) await conn.RollbackAsync();
        Assert.Equal(3, (await conn.ExecuteAsync("SELECT 3")).FetchOne()![0]);
    }

    [Fact]
    public async Task A_token_cancels_a_stream_waiting_for_its_first_row()
    {
        await using var conn = await db.ConnectAsync(autocommit: true);
        var cur = conn.Cursor();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAsync<QueryCanceled>(async () =>
        {
            await foreach (var _ in cur.StreamAsync("SELECT pg_sleep(10)").WithCancellation(cts.Token)) { }
        });
        Assert.Equal(4, (await conn.ExecuteAsync("SELECT 4")).FetchOne()![0]);
    }

    [Fact]
    public void Stream_copy_and_server_cursors_refuse_pipeline_mode()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        using (conn.Pipeline())
        {
            Assert.Throws<ProgrammingError>(() => cur.Stream("SELECT 1").ToList());
            Assert.Throws<NotSupportedError>(() => cur.Copy("COPY (SELECT 1) TO STDOUT"));
            Assert.Throws<NotSupportedError>(() => conn.Cursor("in_pipeline", withHold: true).Execute("SELECT 1"));
        }
        Assert.Equal([1], cur.Stream<int>("SELECT 1").ToArray());
    }

    [Fact]
    public void A_socket_dropped_mid_stream_breaks_the_connection_after_the_rows_before_it()
    {
        using var fake = new FakeServer(async (s, ct) =>
        {
            await AcceptSessionAsync(s, ct);
            // A first stream of this SQL describes it first: Parse Describe Sync.
            for (var i = 0; i < 3; i++) await ReadMessageAsync(s, ct);
            await s.WriteAsync(Message('1'), ct);
            await s.WriteAsync(Message('t', Int16(0)), ct);
            await s.WriteAsync(Message('T', Int16(1), CString("x"), Int32(0), Int16(0), Int32(25), Int16(-1), Int32(-1), Int16(0)), ct);
            await s.WriteAsync(Message('Z', new byte[] { (byte)'I' }), ct);
            await ReadMessageAsync(s, ct);   // the stream's Parse, and the rest of the flush behind it
            await s.WriteAsync(Message('1'), ct);
            await s.WriteAsync(Message('2'), ct);
            await s.WriteAsync(Message('T', Int16(1), CString("x"), Int32(0), Int16(0), Int32(25), Int16(-1), Int32(-1), Int16(0)), ct);
            foreach (var text in new[] { "a", "b" }) await s.WriteAsync(Message('D', Int16(1), Int32(1), Encoding.ASCII.GetBytes(text)), ct);
            await s.WriteAsync(Message('D', Int16(1), Int32(100), new byte[10]).AsMemory(0, 12), ct);   // cut mid-row
        });
        using var conn = Pg.Connect(fake.Conninfo(), autocommit: true);
        var seen = new List<string>();
        Assert.IsType<OperationalError>(Assert.ThrowsAny<Error>(() =>
        {
            foreach (var row in conn.Cursor().Stream("SELECT x")) seen.Add((string)row[0]!);
        }));
        Assert.Equal(["a", "b"], seen);
        Assert.True(conn.Broken);
        Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1"));
    }

    [Fact]
    public void A_first_stream_of_a_statement_is_described_first_so_its_rows_come_in_binary()
    {
        using var conn = db.Connect();
        const string sql = "SELECT g, 'n' || g, g * 0.5::float8, '2020-01-01'::timestamptz + g * interval '1 day' /* first stream */ FROM generate_series(1, 3) g";
        var rows = conn.Cursor().Stream(sql).ToList();
        Assert.All(rows[0].Shape.Fields, f => Assert.Equal(1, f.FormatCode));
        Assert.Equal([1, "n1", 0.5], rows[0].Take(3));
        Assert.Equal(TransactionStatus.InTransaction, conn.TransactionStatus);   // the describe round trip began it

        // A statement the server refuses fails at the describe, in the transaction it began, as any failed statement.
        conn.Rollback();
        Assert.Throws<SyntaxError>(() => conn.Cursor().Stream("SELEC 1 /* first stream */").ToList());
        Assert.Equal(TransactionStatus.InError, conn.TransactionStatus);
        conn.Rollback();
        Assert.Equal(3, conn.Cursor().Stream(sql).Count());
    }

    // A mapper remembers each column's typed reader (RowAccess): reading a column as another type, or a NULL after
    // values, must not reuse what an earlier row or type left there.
    [Fact]
    public void A_column_read_as_other_types_and_a_null_after_values_map_right_buffered_and_streamed()
    {
        using var conn = db.Connect(autocommit: true);
        using var cur = conn.Cursor();
        const string sql = "SELECT g, CASE WHEN g = 3 THEN NULL ELSE 'v' || g END FROM generate_series(1, 4) g";
        for (var run = 0; run < 3; run++)   // text results, then binary ones once the statement is described
        {
            cur.Execute(sql);
            Assert.Equal((1, "v1"), cur.FetchOne<(int, string?)>());
            Assert.Equal((2L, "v2"), cur.FetchOne<(long, string?)>());
            Assert.Equal((3, (string?)null), cur.FetchOne<(int, string?)>());
            Assert.Equal(("4", "v4"), cur.FetchOne<(string, string?)>());
            Assert.Equal(new[] { "v1", "v2", null, "v4" }, cur.Stream<(int, string?)>(sql).Select(r => r.Item2).ToArray());
            Assert.Equal(new long?[] { 1, 2, 3, 4 }, cur.Stream<long?>(sql).ToArray());
        }
        // A NULL in an int column after three values read as int is still refused for a non-nullable int.
        var seen = new List<int>();
        Assert.Throws<InvalidCastException>(() =>
        {
            foreach (var n in cur.Stream<int>("SELECT CASE WHEN g = 4 THEN NULL ELSE g END FROM generate_series(1, 5) g")) seen.Add(n);
        });
        Assert.Equal([1, 2, 3], seen);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }
}
