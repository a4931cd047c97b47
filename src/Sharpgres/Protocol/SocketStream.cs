using System.Diagnostics;
using System.Net.Sockets;

namespace Sharpgres.Protocol;

/// <summary>
/// The session's socket as a stream (what TLS and the startup read through) and the receive and send calls the
/// buffers use once a session is up without TLS. It does what a NetworkStream would, except for one thing: how a
/// synchronous call waits on a socket that is non-blocking.
/// <para>
/// On Unix .NET makes a socket's descriptor non-blocking for its first async operation (an async connect, send or
/// receive) or for a connect with a timeout, and keeps it so for good. A synchronous receive on it is then emulated:
/// the socket joins the runtime's epoll engine, the engine's thread sees each packet arrive and queues a thread-pool
/// work item for it, and that wakes the waiting thread — two wake-ups and a work item on the critical path of every
/// answer, for as long as the socket lives (measured on a pooled connection used synchronously: ≈ 0.8 work items
/// and ≈ 35 µs more client CPU per point query). So once the descriptor is non-blocking this stream says so
/// (<c>Socket.Blocking = false</c>) and waits itself, libpq's way: try the call, and when it would block, poll(2)
/// the socket and try again. A socket that never saw an async call stays blocking and its calls go straight to the
/// kernel (one <c>recvmsg</c> per answer).
/// </para>
/// </summary>
internal sealed class SocketStream : Stream
{
    /// <summary>
    /// How long one poll(2) of a synchronous wait lasts: between slices the socket is checked, so a session closed
    /// from another thread (Connection.Close, the cancel fallback) ends the wait within one slice even where closing
    /// the descriptor doesn't wake poll.
    /// </summary>
    private const int PollSliceMicroseconds = 100_000;

    private int _timeoutMs;

    public SocketStream(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>
    /// A bound on each synchronous receive and send, in milliseconds (0: none): the connect timeout while the
    /// session starts. A receive that passes it throws a SocketException with <see cref="SocketError.TimedOut"/>,
    /// as a NetworkStream's would.
    /// </summary>
    public int TimeoutMs
    {
        get => _timeoutMs;
        set
        {
            _timeoutMs = value;
            if (Socket.Blocking) Socket.ReceiveTimeout = Socket.SendTimeout = value;
        }
    }

    /// <summary>One receive of whatever has arrived, up to <paramref name="buffer"/>'s length; 0 at end of stream.</summary>
    public int Receive(Span<byte> buffer)
    {
        if (Socket.Blocking) return Socket.Receive(buffer, SocketFlags.None);
        var deadline = Deadline();
        while (true)
        {
            var read = Socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.Success) return read;
            if (error != SocketError.WouldBlock) throw new SocketException((int)error);
            WaitFor(SelectMode.SelectRead, deadline);
        }
    }

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        MarkNonBlocking();
        return Socket.ReceiveAsync(buffer, SocketFlags.None, ct);
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        if (Socket.Blocking)
        {
            while (!data.IsEmpty) data = data[Socket.Send(data, SocketFlags.None)..];
            return;
        }
        var deadline = Deadline();
        while (!data.IsEmpty)
        {
            // Non-blocking, a send that took part of the data reports Success with the count; none, WouldBlock.
            var sent = Socket.Send(data, SocketFlags.None, out var error);
            if (error == SocketError.Success) data = data[sent..];
            else if (error == SocketError.WouldBlock) WaitFor(SelectMode.SelectWrite, deadline);
            else throw new SocketException((int)error);
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        MarkNonBlocking();
        while (!data.IsEmpty) data = data[await Socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false)..];
    }

    /// <summary>
    /// The descriptor is (or is about to be) non-blocking: an async call makes it so at the OS level for good.
    /// Saying so keeps later synchronous calls out of the runtime's emulated blocking (see the class comment).
    /// </summary>
    public void MarkNonBlocking()
    {
        if (Socket.Blocking) Socket.Blocking = false;
    }

    private long Deadline() =>
        _timeoutMs > 0 ? Stopwatch.GetTimestamp() + _timeoutMs * Stopwatch.Frequency / 1000 : long.MaxValue;

    private void WaitFor(SelectMode mode, long deadline)
    {
        while (true)
        {
            var slice = PollSliceMicroseconds;
            if (deadline != long.MaxValue)
            {
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero) throw new SocketException((int)SocketError.TimedOut);
                slice = (int)Math.Min(slice, Math.Max(1, left.TotalMicroseconds));
            }
            // Readable also means end of stream or an error: the next call reports either. Disposed: Poll throws.
            if (Socket.Poll(slice, mode)) return;
        }
    }

    // ---- Stream, for TLS and the startup exchange: NetworkStream's behaviour (socket errors as IOException) ----

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        try { return Receive(buffer); }
        catch (SocketException e) { throw new IOException($"Unable to read data from the transport connection: {e.Message}.", e); }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try { return await ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (SocketException e) { throw new IOException($"Unable to read data from the transport connection: {e.Message}.", e); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try { Send(buffer); }
        catch (SocketException e) { throw new IOException($"Unable to write data to the transport connection: {e.Message}.", e); }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try { await SendAsync(buffer, cancellationToken).ConfigureAwait(false); }
        catch (SocketException e) { throw new IOException($"Unable to write data to the transport connection: {e.Message}.", e); }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
}
