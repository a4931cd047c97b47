using System.Buffers.Binary;
using Sharpgres.Protocol;

namespace Sharpgres.Tests;

/// <summary>
/// The receive buffer's "the TLS stream may hold more" flag (Protocol/ReadBuffer.StreamMayHaveMore), which a Notifies
/// loop trusts enough to read again, over a stream that hands out exactly the bytes the test queued. A read that would
/// find nothing queued fails the test instead of blocking: that is the read the flag must not send the loop into.
/// </summary>
public sealed class ReadBufferTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_message_ending_in_the_last_bytes_of_the_buffer_leaves_no_claim_of_more(bool async)
    {
        using var buffer = new ReadBuffer();
        var capacity = buffer.Capacity;
        // A long message up to 6 bytes before the buffer's end, then a ReadyForQuery whose first 3 bytes come in the
        // same read and whose last 3 come alone: before the fix they arrived into the 3 bytes left and "filled" them.
        var first = LongMessage(capacity - 6);
        var ready = new byte[] { (byte)'Z', 0, 0, 0, 5, (byte)'I' };
        buffer.Stream = new QueuedStream([[.. first, .. ready[..3]], ready[3..]]);

        Assert.Equal(BackendMessageCode.DataRow, await buffer.ReadMessageSlowAsync(async, default));
        Assert.Equal(BackendMessageCode.ReadyForQuery, await buffer.ReadMessageSlowAsync(async, default));
        Assert.False(buffer.StreamMayHaveMore);
        Assert.Equal(0, buffer.BufferedBytes);
    }

    [Fact]
    public async Task A_read_that_fills_all_its_room_still_says_the_stream_may_hold_more()
    {
        using var buffer = new ReadBuffer();
        var capacity = buffer.Capacity;
        var big = LongMessage(capacity * 2);
        buffer.Stream = new QueuedStream([big]);

        await buffer.ReceiveOnceAsync(async: false);

        Assert.True(buffer.StreamMayHaveMore);
        Assert.Equal(capacity, buffer.BufferedBytes);
        Assert.Equal(BackendMessageCode.DataRow, await buffer.ReadMessageSlowAsync(async: false, default));   // the rest comes in
    }

    [Fact]
    public async Task Unread_bytes_keep_their_order_when_moved_to_make_room()
    {
        using var buffer = new ReadBuffer();
        var capacity = buffer.Capacity;
        var first = LongMessage(capacity - 10);
        var second = LongMessage(40, fill: 7);
        buffer.Stream = new QueuedStream([[.. first, .. second[..4]], second[4..]]);

        await buffer.ReadMessageSlowAsync(async: false, default);
        Assert.Equal(BackendMessageCode.DataRow, await buffer.ReadMessageSlowAsync(async: false, default));

        Assert.Equal(second[5..], buffer.Payload.ToArray());
    }

    /// <summary>A DataRow-coded message of <paramref name="total"/> bytes (code and length included).</summary>
    private static byte[] LongMessage(int total, byte fill = 0)
    {
        var message = new byte[total];
        Array.Fill(message, fill);
        message[0] = (byte)'D';
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), total - 1);
        return message;
    }

    /// <summary>Hands out the queued chunks, each read taking what fits of the current one; a read past them fails.</summary>
    private sealed class QueuedStream(List<byte[]> chunks) : Stream
    {
        private int _chunk;
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            if (_chunk == chunks.Count) throw new InvalidOperationException("a read with nothing sent: it would block");
            var current = chunks[_chunk];
            var n = Math.Min(destination.Length, current.Length - _offset);
            current.AsSpan(_offset, n).CopyTo(destination);
            _offset += n;
            if (_offset == current.Length) (_chunk, _offset) = (_chunk + 1, 0);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
            new(Read(destination.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
