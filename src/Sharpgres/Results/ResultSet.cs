using System.Buffers.Binary;
using Sharpgres.Protocol.Backend;
using Sharpgres.Types;

namespace Sharpgres.Results;

/// <summary>
/// One statement's buffered result: DataRow bodies copied as raw bytes into chunks, plus where each row starts.
/// Values are decoded only when asked, so a million-row result costs about its wire size, not millions of objects.
/// </summary>
internal sealed class ResultSet : IRowSource
{
    // The first chunk holds exactly the first row (a one-row result costs one small array); later chunks start at
    // 1 KB and double up to 256 KB, so big results stay a few hundred arrays and small ones don't waste memory.
    private const int SecondChunkSize = 1024;
    private const int ChunkSize = 256 * 1024;
    private byte[] _first = [];
    private List<byte[]>? _more;          // chunks after the first
    private byte[] _current = [];
    private int _used;
    // (chunk index << 32) | offset of each row's DataRow body; allocated from the second row on (the first is at 0, 0).
    private long[] _rows = [];

    public ResultSet(RowDescription? description, ReadContext context)
    {
        Description = description;
        Context = context;
    }

    /// <summary>Null for statements that return no rows (INSERT without RETURNING, DDL, SET).</summary>
    public RowDescription? Description { get; }

    /// <summary>A COPY TO's columns: described (psycopg's column_1 ...), but its rows are read from the Copy, not fetched.</summary>
    public bool DescribesOnly { get; init; }
    public ReadContext Context { get; }
    public int Count { get; private set; }
    public string? CommandTag { get; private set; }
    public long RowCount { get; private set; } = -1;

    /// <summary>The statement this result came from, when one run of it can teach the next (<see cref="EagerFetch"/>).</summary>
    internal Protocol.StatementCache.Entry? Statement { get; set; }

    /// <summary>This run's rows mapped as they arrived, until FetchAll&lt;T&gt; takes them.</summary>
    internal EagerRows? Eager { get; set; }

    public void AddRow(ReadOnlySpan<byte> dataRow)
    {
        if (_used + dataRow.Length > _current.Length)
        {
            if (Count == 0)
            {
                _current = _first = dataRow.ToArray();
                Count++;
                _used = dataRow.Length;
                return;
            }
            var size = _more is null ? SecondChunkSize : Math.Min(_current.Length * 2, ChunkSize);
            _current = GC.AllocateUninitializedArray<byte>(Math.Max(size, dataRow.Length));   // every byte is written before it is read
            (_more ??= []).Add(_current);
            _used = 0;
        }
        dataRow.CopyTo(_current.AsSpan(_used));
        if (Count >= _rows.Length) Array.Resize(ref _rows, Math.Max(4, Count * 2));   // a new array's [0] is row 0's 0
        _rows[Count++] = ((long)(_more?.Count ?? 0) << 32) | (uint)_used;
        _used += dataRow.Length;
    }

    /// <summary>
    /// Ends the result with its command tag. RowCount follows psycopg 3: a statement that returns rows (SELECT, SHOW,
    /// EXPLAIN, VALUES, FETCH, ... RETURNING) counts its rows, whatever its tag says ("SHOW" and "EXPLAIN" carry no
    /// count); any other statement reports its tag's count, or -1.
    /// </summary>
    public void Complete(string tag)
    {
        CommandTag = tag;
        Eager?.Complete();
        RowCount = Description is not null ? Count : CommandComplete.RowCountOf(tag);
    }

    /// <summary>
    /// The codec of each column, looked up once per result rather than once per value (a registry lookup walks the
    /// connection's registry, then the global one).
    /// </summary>
    RowDescription IRowSource.Shape => Description!;

    public PgCodec? CodecAt(int ordinal)
    {
        var codecs = _codecs ??= LookUpCodecs();
        return codecs[ordinal];
    }

    private PgCodec?[]? _codecs;

    private PgCodec?[] LookUpCodecs()
    {
        var fields = Description!.Fields;
        var codecs = new PgCodec?[fields.Length];
        for (var i = 0; i < codecs.Length; i++) codecs[i] = Context.Types.ForOid(fields[i].TypeOid);
        return codecs;
    }

    /// <summary>Where row <paramref name="index"/>'s DataRow body starts: its chunk and offset.</summary>
    public byte[] RowChunk(int index, out int offset)
    {
        var location = index < _rows.Length ? _rows[index] : 0;
        offset = (int)(location & 0xFFFFFFFF);
        var chunkIndex = (int)(location >> 32);
        return chunkIndex == 0 ? _first : _more![chunkIndex - 1];
    }

    /// <summary>The DataRow body of row <paramref name="index"/>: Int16 count, then (Int32 length, bytes) per column.</summary>
    public ReadOnlySpan<byte> RowData(int index)
    {
        var location = index < _rows.Length ? _rows[index] : 0;
        var chunkIndex = (int)(location >> 32);
        var chunk = chunkIndex == 0 ? _first : _more![chunkIndex - 1];
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
