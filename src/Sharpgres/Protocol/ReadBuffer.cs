using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Sharpgres.Protocol;

/// <summary>
/// Receive side of a session: a pooled byte array that always holds whole backend messages, so parsers work on
/// spans with no I/O inside. Grows for big messages (a 1 MB bytea arrives as one DataRow) and shrinks back.
/// </summary>
internal sealed class ReadBuffer : IDisposable
{
    internal const int DefaultSize = 16 * 1024;

    /// <summary>
    /// libpq's limit for messages that are never long (fe-protocol3.c, VALID_LONG_MESSAGE_TYPE): a CommandComplete or
    /// ReadyForQuery claiming more is a server out of step, or a hostile one, and is refused before anything is read.
    /// </summary>
    internal const int MaxShortMessage = 30000;
    private byte[] _buffer = BufferArrays.Rent(DefaultSize);
    private int _start;   // first unread byte
    private int _end;     // one past the last received byte
    private int _payloadStart;
    private int _payloadLength;

    public Stream Stream { get; set; } = Stream.Null;

    /// <summary>
    /// The socket itself, once the session is up without TLS: reads then go straight to it (no NetworkStream in
    /// between), wait for an answer as <see cref="Wait"/> says, and an async read whose bytes are already there
    /// completes inline instead of going through the socket engine's completion.
    /// </summary>
    public SocketStream? Socket { get; set; }

    /// <summary>The adaptive spin before a blocking read (only with <see cref="Socket"/>).</summary>
    public ReplyWait Wait { get; } = new();

    /// <summary>The payload of the message returned by the last successful read (valid until the next one).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(_payloadStart, _payloadLength);
    public ReadOnlyMemory<byte> PayloadMemory => _buffer.AsMemory(_payloadStart, _payloadLength);
    public int BufferedBytes => _end - _start;

    /// <summary>The receive array's size (tests check that a row read in pieces didn't grow it to the row).</summary>
    public int Capacity => _buffer.Length;

    /// <summary>True when a whole message is already buffered: the next read won't touch the socket.</summary>
    public bool HasWholeMessage =>
        _end - _start >= 5 && _end - _start >= BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1)) + 1L;

    /// <summary>
    /// The body of the next message when it is a DataRow buffered whole, left in the buffer: a streaming reader checks
    /// it before <see cref="TryReadMessage"/> takes it, and leaves anything else to the general path.
    /// </summary>
    public bool TryPeekDataRow(out ReadOnlySpan<byte> body)
    {
        var available = _end - _start;
        if (available >= 5 && _buffer[_start] == (byte)BackendMessageCode.DataRow)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1));
            if (length >= 4 && available >= length + 1L)
            {
                body = _buffer.AsSpan(_start + 5, length - 4);
                return true;
            }
        }
        body = default;
        return false;
    }

    /// <summary>Consumes one whole message from the buffer, if one is there.</summary>
    public bool TryReadMessage(out BackendMessageCode code)
    {
        var available = _end - _start;
        if (available >= 5)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1));
            if (length < 4 || length > MaxShortMessage && !IsLongMessageType(_buffer[_start]))
                throw new InterfaceError($"invalid message length {length} for message type '{(char)_buffer[_start]}' from the server: lost synchronization with the server");
            if (available >= length + 1L)
            {
                code = (BackendMessageCode)_buffer[_start];
                _payloadStart = _start + 5;
                _payloadLength = length - 4;
                _start += length + 1;
                return true;
            }
        }
        code = default;
        return false;
    }

    /// <summary>Messages that may be long: rows and their description, COPY data, errors and notices, parameter lists.</summary>
    private static bool IsLongMessageType(byte code) => code is (byte)'D' or (byte)'T' or (byte)'d' or (byte)'E' or (byte)'N'
        or (byte)'A' or (byte)'V' or (byte)'t' or (byte)'S' or (byte)'W' or (byte)'G' or (byte)'H' or (byte)'v';

    /// <summary>
    /// The room to ask for while a message of <paramref name="needed"/> bytes is arriving: at most four times what is
    /// buffered, so a length field claiming 1 GiB costs memory only as the bytes actually come, while a real 200 MB
    /// row is received with a few growths (arrays summing to about 1.3 times the row, not 2 with doubling).
    /// </summary>
    private int Growth(long needed) => (int)Math.Min(needed, Math.Max(_end - _start, DefaultSize) * 4L);

    /// <summary>
    /// Reads from the stream until a whole message is buffered. The one place that receives bytes. A DataRow whose body
    /// is longer than <paramref name="streamRowsAbove"/> is returned as soon as its header is here, with nothing of its
    /// body consumed (<see cref="PartialRemaining"/>): the ADO.NET reader's SequentialAccess then reads it in pieces.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<BackendMessageCode> ReadMessageSlowAsync(bool async, CancellationToken ct, int streamRowsAbove = int.MaxValue)
    {
        while (true)
        {
            if (TryReadMessage(out var code)) return code;
            if (_end - _start >= 5 && _buffer[_start] == (byte)BackendMessageCode.DataRow
                && BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1)) - 4L > streamRowsAbove)
            {
                PartialRemaining = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1)) - 4;
                _start += 5;
                _payloadStart = _start;
                _payloadLength = 0;
                return BackendMessageCode.DataRow;
            }
            var needed = 5;
            if (_end - _start >= 5) needed = Growth(BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1)) + 1L);
            MakeRoom(needed);
            Received(await ReceiveAsync(async, ct).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// One receive into the free end of the buffer: the one place that reads from the socket or stream. Completes
    /// synchronously for sync reads and when the bytes are there (the socket engine then answers at once).
    /// </summary>
    private ValueTask<int> ReceiveAsync(bool async, CancellationToken ct)
    {
        if (Socket is null) KeepStreamRoom();
        _requested = _buffer.Length - _end;
        if (Socket is { } socket)
        {
            // While an answer is due, a short spin may see it arrive; the receive then returns at once, sync or async.
            if (Wait.SpinUntilReadable(socket.Socket, async) || !async) return new(socket.Receive(_buffer.AsSpan(_end)));
            return socket.ReceiveAsync(_buffer.AsMemory(_end), ct);
        }
        return async ? Stream.ReadAsync(_buffer.AsMemory(_end), ct) : new(Stream.Read(_buffer, _end, _buffer.Length - _end));
    }

    private void Received(int read)
    {
        if (read == 0) throw new EndOfStreamException("the server closed the connection unexpectedly");
        Wait.Received();
        _end += read;
        StreamMayHaveMore = Socket is null && read == _requested;
    }

    private int _requested;

    /// <summary>The least room a stream (TLS) read is given while the unread bytes are few enough to move.</summary>
    private const int MinStreamRoom = 4096;

    /// <summary>
    /// Over TLS a read that fills all the room it was given sets <see cref="StreamMayHaveMore"/>, and a Notifies loop
    /// then reads again: that read blocks when nothing more was there, until the loop's token or timeout, and a TLS
    /// read cut short breaks the connection. <see cref="MakeRoom"/> leaves a message's tail to arrive into whatever is
    /// left at the buffer's end, a few bytes perhaps, which the tail fills exactly by chance: a ReadyForQuery's last
    /// bytes into a 3-byte sliver said "more" with nothing more sent (a token-cancelled Notifies loop broke its
    /// connection in CI). So before a stream read the few unread bytes move to the front and the read gets room that
    /// only a stream really holding that much can fill.
    /// </summary>
    private void KeepStreamRoom()
    {
        if (_buffer.Length - _end >= MinStreamRoom || _start == 0 || _end - _start > MinStreamRoom) return;
        MoveUnreadTo(_buffer);
    }

    /// <summary>
    /// Over TLS, true when the last read filled all the room it was given: the stream may then hold more decrypted
    /// (or whole encrypted) data that the socket no longer shows as readable. A read that returns less has taken all
    /// SslStream had ready (it decrypts every whole buffered frame into the room given), so the socket tells the rest.
    /// </summary>
    public bool StreamMayHaveMore { get; private set; }

    /// <summary>One receive into the buffer, however much it brings (the caller knows bytes are waiting).</summary>
    public async ValueTask ReceiveOnceAsync(bool async, CancellationToken ct = default)
    {
        var needed = 5;
        if (_end - _start >= 5) needed = Growth(BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_start + 1)) + 1L);
        MakeRoom(needed);
        Received(await ReceiveAsync(async, ct).ConfigureAwait(false));
    }

    // ---- a message read in pieces (a long DataRow under SequentialAccess) ------------------------------------------

    /// <summary>The bytes of the message being read in pieces not consumed yet; 0 when none is.</summary>
    public long PartialRemaining { get; private set; }

    /// <summary>Buffers the next <paramref name="count"/> bytes of the partial message (the buffer grows if it must).</summary>
    public async ValueTask EnsurePartialAsync(int count, bool async)
    {
        if (count > PartialRemaining) throw new InterfaceError($"a column claims {count} bytes, more than the {PartialRemaining} left of its DataRow: lost synchronization with the server");
        while (_end - _start < count)
        {
            MakeRoom(count);
            Received(await ReceiveAsync(async, CancellationToken.None).ConfigureAwait(false));
        }
    }

    /// <summary>The next <paramref name="count"/> bytes of the partial message, buffered by <see cref="EnsurePartialAsync"/>.</summary>
    public ReadOnlySpan<byte> PeekPartial(int count) => _buffer.AsSpan(_start, count);

    public void ConsumePartial(int count)
    {
        _start += count;
        PartialRemaining -= count;
    }

    /// <summary>Copies up to <paramref name="destination"/>'s length of the partial message (at least one byte), receiving if none is buffered.</summary>
    public async ValueTask<int> ReadPartialAsync(Memory<byte> destination, bool async)
    {
        var n = (int)Math.Min(destination.Length, PartialRemaining);
        if (n == 0) return 0;
        if (_end == _start)
        {
            MakeRoom(1);
            Received(await ReceiveAsync(async, CancellationToken.None).ConfigureAwait(false));
        }
        n = Math.Min(n, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination.Span);
        ConsumePartial(n);
        return n;
    }

    /// <summary>Drops the next <paramref name="count"/> bytes of the partial message, receiving them through the buffer.</summary>
    public async ValueTask SkipPartialAsync(long count, bool async)
    {
        if (count > PartialRemaining) throw new InterfaceError("skipping past the end of a DataRow: lost synchronization with the server");
        while (count > 0)
        {
            if (_end == _start)
            {
                MakeRoom(1);
                Received(await ReceiveAsync(async, CancellationToken.None).ConfigureAwait(false));
            }
            var n = (int)Math.Min(count, _end - _start);
            ConsumePartial(n);
            count -= n;
        }
    }

    /// <summary>Reads one raw byte (SSLRequest answer, no message framing).</summary>
    public async ValueTask<byte> ReadRawByteAsync(bool async, CancellationToken ct)
    {
        while (_end - _start < 1)
        {
            MakeRoom(1);
            Received(await ReceiveAsync(async, ct).ConfigureAwait(false));
        }
        return _buffer[_start++];
    }

    /// <summary>Ensures the buffer can hold <paramref name="needed"/> bytes from _start, compacting or growing.</summary>
    private void MakeRoom(int needed)
    {
        if (_start == _end) { _start = _end = 0; }
        if (_buffer.Length - _start >= needed && _end < _buffer.Length) return;
        if (needed <= _buffer.Length && _end - _start < _buffer.Length)
        {
            MoveUnreadTo(_buffer);
        }
        else
        {
            var old = _buffer;
            MoveUnreadTo(BufferArrays.Rent(Math.Max(needed, _buffer.Length * 2)));
            BufferArrays.Return(old);
        }
    }

    /// <summary>The unread bytes to the start of <paramref name="target"/> (this buffer or a bigger one), which becomes the buffer.</summary>
    private void MoveUnreadTo(byte[] target)
    {
        var unread = _end - _start;
        Buffer.BlockCopy(_buffer, _start, target, 0, unread);
        _buffer = target;
        _start = 0;
        _end = unread;
    }

    /// <summary>Drops an oversized buffer once its big message is consumed, so one huge row doesn't pin memory.</summary>
    public void ShrinkIfIdle()
    {
        if (_buffer.Length > 1024 * 1024 && _start == _end)
        {
            BufferArrays.Return(_buffer);
            _buffer = BufferArrays.Rent(DefaultSize);
            _start = _end = 0;
        }
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0) BufferArrays.Return(b);
    }
}
