using System.Buffers.Binary;
using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>
/// One statement's buffered result: DataRow bodies copied as raw bytes into chunks, plus where each row starts.
/// Values are decoded only when asked, so a million-row result costs about its wire size, not millions of objects.
/// </summary>
internal sealed class ResultSet
{
    private const int ChunkSize = 256 * 1024;
    private readonly List<byte[]> _chunks = [];
    private byte[] _current = [];
    private int _used;
    private long[] _rows = new long[16];   // (chunk index << 32) | offset of each row's DataRow body

    public ResultSet(RowDescription? description, ReadContext context)
    {
        Description = description;
        Context = context;
    }

    /// <summary>Null for statements that return no rows (INSERT without RETURNING, DDL, SET).</summary>
    public RowDescription? Description { get; }
    public ReadContext Context { get; }
    public int Count { get; private set; }
    public string? CommandTag { get; private set; }
    public long RowCount { get; private set; } = -1;

    public void AddRow(ReadOnlySpan<byte> dataRow)
    {
        if (_used + dataRow.Length > _current.Length)
        {
            // Small results (a FetchOne of a server-side cursor, SELECT 1) stay small: chunks double up to ChunkSize.
            var size = Math.Min(ChunkSize, Math.Max(4096, _current.Length * 2));
            _current = new byte[Math.Max(size, dataRow.Length)];
            _chunks.Add(_current);
            _used = 0;
        }
        dataRow.CopyTo(_current.AsSpan(_used));
        if (Count == _rows.Length) Array.Resize(ref _rows, Count * 2);
        _rows[Count++] = ((long)(_chunks.Count - 1) << 32) | (uint)_used;
        _used += dataRow.Length;
    }

    public void Complete(string tag)
    {
        CommandTag = tag;
        RowCount = CommandComplete.RowCountOf(tag);
    }

    /// <summary>The DataRow body of row <paramref name="index"/>: Int16 count, then (Int32 length, bytes) per column.</summary>
    public ReadOnlySpan<byte> RowData(int index)
    {
        var location = _rows[index];
        var chunk = _chunks[(int)(location >> 32)];
        var offset = (int)(location & 0xFFFFFFFF);
        return chunk.AsSpan(offset);   // parsers read only as far as the row's own lengths say
    }

    /// <summary>Byte ranges of every column of one row; -1 length for NULL.</summary>
    public static void ColumnRanges(ReadOnlySpan<byte> row, Span<(int Start, int Length)> ranges)
    {
        var position = 2;
        for (var i = 0; i < ranges.Length; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(row[position..]);
            position += 4;
            ranges[i] = (position, length);
            if (length > 0) position += length;
        }
    }
}
