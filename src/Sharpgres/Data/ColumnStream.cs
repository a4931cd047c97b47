namespace Sharpgres.Data;

/// <summary>
/// GetStream under SequentialAccess: a forward-only stream over one column of a <see cref="StreamedRow"/>, reading
/// from the socket as the caller reads (sync or async). A bytea that came in text format (<c>\x</c> and hex digits,
/// bytea_output = hex) is decoded on the way. It stops working once the reader moves to another column or row.
/// </summary>
internal sealed class ColumnStream : Stream
{
    private readonly StreamedRow _row;
    private readonly long _rowNumber;
    private readonly int _ordinal;
    private readonly bool _hex;
    private readonly byte[]? _scratch;   // hex digits read, before decoding
    private int _pendingNibble = -1;     // a digit whose pair hasn't arrived yet
    private long _position;

    public ColumnStream(StreamedRow row, int ordinal, bool hex)
    {
        _row = row;
        _rowNumber = row.Row;
        _ordinal = ordinal;
        _hex = hex;
        if (hex) _scratch = new byte[8192];
        Length = hex ? Math.Max(0, row.Length - 2) / 2 : row.Length;
    }

    /// <summary>Positions the stream at the column's data: the <c>\x</c> prefix of a hex bytea is checked and skipped.</summary>
    public async ValueTask StartAsync(bool async)
    {
        if (!_hex || _row.Consumed > 0) return;
        var prefix = new byte[2];
        var read = 0;
        while (read < 2)
        {
            var n = await _row.ReadAsync(prefix.AsMemory(read), async).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        if (read < 2 || prefix[0] != (byte)'\\' || prefix[1] != (byte)'x')
            throw new NotSupportedException("the bytea column came in text format without the hex prefix (bytea_output = escape?): it can't be streamed; SET bytea_output = hex");
    }

    public int Ordinal => _ordinal;
    public long RowNumber => _rowNumber;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length { get; }

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("a SequentialAccess column stream only reads forward");
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadCoreAsync(buffer.AsMemory(offset, count), false).GetAwaiter().GetResult();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ReadCoreAsync(buffer, true);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, bool async)
    {
        if (_row.Row != _rowNumber || _row.Current != _ordinal)
            throw new InvalidOperationException("the data reader has moved past this column: a SequentialAccess stream is valid only until the next column or row is read");
        if (buffer.Length == 0) return 0;
        int n;
        if (!_hex)
        {
            n = await _row.ReadAsync(buffer, async).ConfigureAwait(false);
        }
        else
        {
            // Two digits per byte: read at most twice what fits, then decode (an odd digit waits for its pair).
            var want = (int)Math.Min(_scratch!.Length, buffer.Length * 2L - (_pendingNibble >= 0 ? 1 : 0));
            n = 0;
            while (n == 0)
            {
                var digits = await _row.ReadAsync(_scratch.AsMemory(0, Math.Max(1, want)), async).ConfigureAwait(false);
                if (digits == 0) break;
                n = Decode(_scratch.AsSpan(0, digits), buffer.Span);
            }
        }
        _position += n;
        return n;
    }

    private int Decode(ReadOnlySpan<byte> digits, Span<byte> destination)
    {
        var written = 0;
        foreach (var digit in digits)
        {
            var value = HexValue(digit);
            if (_pendingNibble < 0) { _pendingNibble = value; continue; }
            destination[written++] = (byte)(_pendingNibble << 4 | value);
            _pendingNibble = -1;
        }
        return written;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => throw new InvalidCastException($"invalid hex digit '{(char)c}' in a bytea column"),
    };

    /// <summary>Skips forward to <paramref name="position"/> (GetBytes with a later dataOffset).</summary>
    public async ValueTask SkipToAsync(long position, bool async)
    {
        if (position < _position)
            throw new InvalidOperationException($"GetBytes at offset {position} after offset {_position} was read: with CommandBehavior.SequentialAccess data is read forward only");
        if (!_hex)
        {
            await _row.SkipAsync(position - _position, async).ConfigureAwait(false);
            _position = Math.Min(position, Length);
            return;
        }
        var sink = new byte[4096];
        while (_position < position)
        {
            var n = await ReadCoreAsync(sink.AsMemory(0, (int)Math.Min(sink.Length, position - _position)), async).ConfigureAwait(false);
            if (n == 0) break;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a SequentialAccess column stream only reads forward");
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
