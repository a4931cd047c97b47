using System.Data;
using System.Text;

namespace Sharpgres.Data.Tests;

/// <summary>
/// CommandBehavior.SequentialAccess: a row too long to buffer is read from the socket column by column — GetStream,
/// GetBytes, GetChars and GetTextReader move through a large value without the row (or the value) being buffered
/// whole, in both result formats (text on a query's first run, binary after), sync and async.
/// </summary>
[Collection(nameof(MemoryBound))]
public sealed class SequentialAccessTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    /// <summary>16 MB: the bytes 01 23 45 67 89 ab cd ef repeated (the pattern is checked as it streams).</summary>
    private const int BigBytes = 16 * 1024 * 1024;
    private const string BigByteaSql = "SELECT 7 AS id, decode(repeat('0123456789abcdef', @n / 8), 'hex') AS data, 'after' AS tail";
    private static readonly byte[] Pattern = [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];

    private static int ReceiveBufferSize(SharpgresConnection c) => c.AsSharpgres().Session.Reader.Capacity;

    private static SharpgresCommand BigBytea(SharpgresConnection c, int bytes)
    {
        var cmd = new SharpgresCommand(BigByteaSql, c);
        cmd.Parameters.AddWithValue("n", bytes);
        return cmd;
    }

    private static void CheckPattern(ReadOnlySpan<byte> chunk, long offset)
    {
        for (var i = 0; i < chunk.Length; i++)
            if (chunk[i] != Pattern[(offset + i) % 8]) Assert.Fail($"byte {offset + i} is {chunk[i]:x2}, expected {Pattern[(offset + i) % 8]:x2}");
    }

    [Fact]
    public void GetStream_reads_a_large_bytea_without_buffering_the_row_in_both_formats()
    {
        using var c = db.Open();
        for (var run = 0; run < 2; run++)   // the first run gets text results (hex), the second binary
        {
            using var cmd = BigBytea(c, BigBytes);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            using var reader = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
            Assert.True(reader.Read());
            Assert.Equal(7, reader.GetInt32(0));
            using var stream = reader.GetStream(1);
            Assert.Equal(BigBytes, stream.Length);
            var chunk = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                CheckPattern(chunk.AsSpan(0, n), total);
                total += n;
                Assert.True(ReceiveBufferSize(c) < 1024 * 1024, $"the receive buffer grew to {ReceiveBufferSize(c)} bytes at offset {total}");
            }
            Assert.Equal(BigBytes, total);
            Assert.Equal("after", reader.GetString(2));
            Assert.False(reader.Read());
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            Assert.True(allocated < 4 * 1024 * 1024, $"run {run}: {allocated} bytes allocated to stream {BigBytes} bytes");
        }
        using var check = new SharpgresCommand("SELECT 1", c);
        Assert.Equal(1, check.ExecuteScalar());   // the connection is in step after the streamed rows
    }

    [Fact]
    public void Without_SequentialAccess_the_same_row_is_buffered_whole()
    {
        using var c = db.Open();
        using var cmd = BigBytea(c, 4 * 1024 * 1024);
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        Assert.True(ReceiveBufferSize(c) >= 4 * 1024 * 1024);   // what SequentialAccess avoids
        Assert.Equal(4 * 1024 * 1024, reader.GetBytes(1, 0, null, 0, 0));
    }

    [Fact]
    public void GetBytes_reads_forward_in_pieces_and_refuses_to_go_back()
    {
        using var c = db.Open();
        using var cmd = BigBytea(c, 1024 * 1024);
        using var reader = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
        Assert.True(reader.Read());
        Assert.Equal(1024 * 1024, reader.GetBytes(1, 0, null, 0, 0));
        var buffer = new byte[1000];
        Assert.Equal(1000, reader.GetBytes(1, 0, buffer, 0, 1000));
        CheckPattern(buffer, 0);
        Assert.Equal(500, reader.GetBytes(1, 5003, buffer, 100, 500));   // skips 4003 bytes
        CheckPattern(buffer.AsSpan(100, 500), 5003);
        Assert.Throws<InvalidOperationException>(() => reader.GetBytes(1, 10, buffer, 0, 10));
        Assert.Equal(8, reader.GetBytes(1, 1024 * 1024 - 8, buffer, 0, 100));   // the tail, short
        Assert.Equal(0, reader.GetBytes(1, 1024 * 1024, buffer, 0, 100));
        Assert.Equal("after", reader.GetString(2));
        Assert.Throws<InvalidOperationException>(() => reader.GetInt32(0));   // columns only forward
    }

    [Fact]
    public void Skipping_a_large_column_reads_the_next_ones_and_rows()
    {
        using var c = db.Open();
        using var cmd = new SharpgresCommand(
            "SELECT g, decode(repeat('0123456789abcdef', 131072 * g), 'hex'), NULL::text, 'row ' || g FROM generate_series(1, 3) g", c);
        using var reader = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
        var rows = 0;
        while (reader.Read())
        {
            rows++;
            Assert.Equal(rows, reader.GetInt32(0));
            if (rows == 2)
            {
                var start = new byte[16];
                Assert.Equal(16, reader.GetStream(1).Read(start, 0, 16));   // part of it only
                CheckPattern(start, 0);
            }
            Assert.True(reader.IsDBNull(2));
            Assert.Equal($"row {rows}", reader.GetString(3));
        }
        Assert.Equal(3, rows);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Short_rows_behind_long_ones_are_read_whole_and_long_ones_in_pieces(bool async)
    {
        // Short rows already buffered are taken without the async core; a long row still arrives header-first.
        // Mixed, each kind must follow the other without losing or misreading a row.
        using var c = db.Open();
        using var cmd = new SharpgresCommand(
            "SELECT g, CASE WHEN g % 25 = 0 THEN repeat('x', 200000) ELSE 'short ' || g END FROM generate_series(1, 200) g", c);
        using var reader = async ? await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess) : cmd.ExecuteReader(CommandBehavior.SequentialAccess);
        var rows = 0;
        while (async ? await reader.ReadAsync() : reader.Read())
        {
            rows++;
            Assert.Equal(rows, reader.GetInt32(0));
            if (rows % 25 == 0)
            {
                Assert.True(ReceiveBufferSize(c) < 200000, $"row {rows}: the receive buffer is {ReceiveBufferSize(c)} bytes");
                if (rows % 50 == 0)   // read the start only (a whole-value getter would buffer it); the others are skipped
                {
                    var start = new char[16];
                    Assert.Equal(16, reader.GetChars(1, 0, start, 0, 16));
                    Assert.Equal(new string('x', 16), new string(start));
                }
            }
            else Assert.Equal($"short {rows}", reader.GetString(1));
        }
        Assert.Equal(200, rows);
        reader.Close();
        using var check = new SharpgresCommand("SELECT 1", c);
        Assert.Equal(1, check.ExecuteScalar());
    }

    [Fact]
    public void GetChars_and_GetTextReader_decode_large_text_as_they_read()
    {
        const string unit = "aé€😀";   // 1, 2, 3 and 4 UTF-8 bytes: chunk edges fall inside characters
        const int repeat = 400_000;
        var expected = string.Concat(Enumerable.Repeat(unit, repeat));
        using var c = db.Open();
        for (var run = 0; run < 2; run++)
        {
            using var cmd = new SharpgresCommand("SELECT repeat(@u, @n) AS t, to_jsonb(repeat(@u, @n)) AS j, repeat(@u, @n) AS skipped, 'end' AS tail", c);
            cmd.Parameters.AddWithValue("u", unit);
            cmd.Parameters.AddWithValue("n", repeat);
            using var reader = cmd.ExecuteReader(CommandBehavior.SequentialAccess);
            Assert.True(reader.Read());
            var chars = new StringBuilder();
            var buffer = new char[3001];
            long offset = 0;
            long n;
            while ((n = reader.GetChars(0, offset, buffer, 0, buffer.Length)) > 0)
            {
                chars.Append(buffer, 0, (int)n);
                offset += n;
            }
            Assert.Equal(expected.Length, chars.Length);
            Assert.True(expected == chars.ToString(), $"run {run}: GetChars text differs");
            Assert.True(ReceiveBufferSize(c) < 1024 * 1024);
            // jsonb (binary: a version byte before the text) through a TextReader; the third column skipped unread
            using (var json = reader.GetTextReader(1))
                Assert.True("\"" + expected + "\"" == json.ReadToEnd(), $"run {run}: GetTextReader jsonb differs");
            Assert.Equal("end", reader.GetString(3));
        }
    }

    [Fact]
    public async Task Async_reads_stream_a_large_value_and_position_on_later_columns()
    {
        await using var c = await db.OpenAsync();
        await using var cmd = BigBytea(c, BigBytes);
        await using var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
        Assert.True(await reader.ReadAsync());
        Assert.Equal(7, await reader.GetFieldValueAsync<int>(0));
        Assert.False(await reader.IsDBNullAsync(1));
        await using var stream = reader.GetStream(1);
        var chunk = new byte[100_000];
        long total = 0;
        int n;
        while ((n = await stream.ReadAsync(chunk)) > 0)
        {
            CheckPattern(chunk.AsSpan(0, n), total);
            total += n;
        }
        Assert.Equal(BigBytes, total);
        Assert.True(ReceiveBufferSize(c) < 1024 * 1024);
        Assert.Equal("after", await reader.GetFieldValueAsync<string>(2));
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task A_typed_getter_on_a_large_column_buffers_that_column_only_and_a_closed_reader_frees_the_connection()
    {
        await using var c = await db.OpenAsync();
        await using (var cmd = BigBytea(c, 2 * 1024 * 1024))
        await using (var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess))
        {
            Assert.True(await reader.ReadAsync());
            var bytes = await reader.GetFieldValueAsync<byte[]>(1);
            Assert.Equal(2 * 1024 * 1024, bytes.Length);
            CheckPattern(bytes, 0);
            Assert.Equal(bytes, reader.GetFieldValue<byte[]>(1));   // the same column again
            Assert.Throws<InvalidOperationException>(() => reader.GetInt32(0));   // behind
        }
        await using (var cmd = BigBytea(c, 4 * 1024 * 1024))
        {
            var reader = await cmd.ExecuteReaderAsync(CommandBehavior.SequentialAccess);
            Assert.True(await reader.ReadAsync());
            var stream = reader.GetStream(1);
            Assert.Equal(10, await stream.ReadAsync(new byte[10]));
            await reader.CloseAsync();   // in the middle of the value: the rest is drained
            Assert.Throws<InvalidOperationException>(() => stream.ReadByte());
        }
        await using var after = new SharpgresCommand("SELECT 42", c);
        Assert.Equal(42, await after.ExecuteScalarAsync());
    }
}
