using System.Buffers.Binary;
using System.Text;

namespace Sharpgres.Protocol;

/// <summary>
/// Send side of a session: frontend messages are appended here and go out in one <see cref="FlushAsync"/> per
/// round trip. Lengths are back-patched when a message ends, so writers never compute sizes up front.
/// </summary>
internal sealed class WriteBuffer : IDisposable
{
    private byte[] _buffer = BufferArrays.Rent(ReadBuffer.DefaultSize);
    private int _position;
    private int _messageStart = -1;

    public Stream Stream { get; set; } = Stream.Null;
    /// <summary>The socket itself once the session is up without TLS: sends go straight to it.</summary>
    public SocketStream? Socket { get; set; }
    public int Length => _position;

    public void StartMessage(byte code)
    {
        Ensure(5);
        _buffer[_position++] = code;
        _messageStart = _position;
        _position += 4;
    }

    /// <summary>Untyped messages (StartupMessage, SSLRequest, CancelRequest) have only a length.</summary>
    public void StartUntypedMessage()
    {
        Ensure(4);
        _messageStart = _position;
        _position += 4;
    }

    public void EndMessage()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_messageStart), _position - _messageStart);
        _messageStart = -1;
    }

    public void WriteByte(byte value) { Ensure(1); _buffer[_position++] = value; }
    public void WriteInt16(short value) { Ensure(2); BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_position), value); _position += 2; }
    public void WriteInt32(int value) { Ensure(4); BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_position), value); _position += 4; }
    public void WriteUInt32(uint value) { Ensure(4); BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_position), value); _position += 4; }
    public void WriteInt64(long value) { Ensure(8); BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_position), value); _position += 8; }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_position));
        _position += bytes.Length;
    }

    /// <summary>A NUL-terminated UTF-8 string, as the protocol's String type.</summary>
    public void WriteCString(string value)
    {
        WriteUtf8(value);
        WriteByte(0);
    }

    public int WriteUtf8(ReadOnlySpan<char> value)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_position));
        _position += n;
        return n;
    }

    /// <summary>Reserves room for a 4-byte length written later by <see cref="PatchLength"/>; returns its position.</summary>
    public int ReserveLength() { Ensure(4); var at = _position; _position += 4; return at; }
    public void PatchLength(int at) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), _position - at - 4);
    public void PatchInt32(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(at), value);

    /// <summary>A span of <paramref name="size"/> writable bytes at the end; call <see cref="Advance"/> after.</summary>
    public Span<byte> GetSpan(int size) { Ensure(size); return _buffer.AsSpan(_position, size); }
    public void Advance(int count) => _position += count;

    /// <summary>Drops everything written since <paramref name="position"/> (a message that failed to encode).</summary>
    public void Truncate(int position) { _position = position; _messageStart = -1; }
    public int Position => _position;

    /// <summary>The bytes written since <paramref name="position"/> (a value to inspect or rewrite: COPY escaping, quoting).</summary>
    public ReadOnlySpan<byte> WrittenSince(int position) => _buffer.AsSpan(position, _position - position);

    /// <summary>Moves the end back to <paramref name="position"/> inside the current message (rewrites a value).</summary>
    public void Rewind(int position) => _position = position;

    private void Ensure(int count)
    {
        if (_position + count <= _buffer.Length) return;
        // Doubling amortises many small writes; one big value (a 100 MB bytea) is sized to itself plus room for the
        // rest of its message, so the next two-byte write doesn't double a buffer that is exactly full.
        var needed = _position + count;
        var bigger = BufferArrays.Rent(needed > _buffer.Length * 2 ? needed + 64 * 1024 : Math.Max(needed, _buffer.Length * 2));
        Buffer.BlockCopy(_buffer, 0, bigger, 0, _position);
        BufferArrays.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>Sends everything buffered: the one place that sends bytes.</summary>
    public async ValueTask FlushAsync(bool async, CancellationToken ct)
    {
        if (_position == 0) return;
        if (Socket is { } socket)
        {
            if (async) await socket.SendAsync(_buffer.AsMemory(0, _position), ct).ConfigureAwait(false);
            else socket.Send(_buffer.AsSpan(0, _position));
        }
        else if (async)
        {
            await Stream.WriteAsync(_buffer.AsMemory(0, _position), ct).ConfigureAwait(false);
            await Stream.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            Stream.Write(_buffer, 0, _position);
            Stream.Flush();
        }
        _position = 0;
        if (_buffer.Length > 1024 * 1024)
        {
            BufferArrays.Return(_buffer);
            _buffer = BufferArrays.Rent(ReadBuffer.DefaultSize);
        }
    }

    public void Dispose()
    {
        var b = _buffer;
        _buffer = [];
        if (b.Length > 0) BufferArrays.Return(b);
    }
}
