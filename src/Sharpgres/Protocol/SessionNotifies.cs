using System.Diagnostics;
using System.Net.Sockets;

namespace Sharpgres.Protocol;

/// <summary>
/// LISTEN/NOTIFY's side of the session: where a NotificationResponse goes when it is read, and the wait of a
/// Notifies loop, which sleeps on the socket (poll / a zero-byte receive, never a busy loop) until the server sends
/// something or the loop's time is up.
/// </summary>
internal sealed partial class Session
{
    private void OnNotification(Notify notify)
    {
        var handler = NotificationReceived;
        if (handler is null || Volatile.Read(ref NotifiesLoops) > 0) Backlog.Add(notify, NotificationsLogger);
        if (handler is null) return;
        try { handler(notify); }
        catch (Exception e) { Log.NotifyHandlerFailed(NotificationsLogger, e); }
    }

    /// <summary>True when the server has sent bytes not read yet (tests wait on it instead of sleeping).</summary>
    internal bool HasUnreadInput => Reader.HasWholeMessage || Reader.StreamMayHaveMore || _socket is { Available: > 0 };

    /// <summary>Longest single sleep of a sync wait, so a connection closed from another thread ends the wait soon.</summary>
    private static readonly TimeSpan SyncWaitSlice = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads what the server sends within <paramref name="wait"/> (null: until it sends something) into the backlog.
    /// Returns early when nothing is due; a dead connection (EOF, a keepalive failure, the server's FATAL) raises
    /// OperationalError; any message but a notification, a notice or a parameter status is a protocol violation.
    /// Every read here goes through <see cref="ReceiveWithinAsync"/>, bounded by the one deadline the wait uses too:
    /// a general "poll what the server sent" read is unbounded, and over TLS a half record that was already in the
    /// socket when the loop began held it there past its timeout (sync and async; seen first as a CI hang).
    /// </summary>
    public async ValueTask ReceiveNotificationsAsync(TimeSpan? wait, bool async, CancellationToken ct)
    {
        EnterOperation();
        try
        {
            if (IsClosed) throw ClosedError();
            var deadline = wait is { } w ? DeadlineAfter(w) : long.MaxValue;
            CheckNothingElse(BufferedMessage());
            if (Backlog.Count > 0) return;
            if (!await WaitReadableAsync(deadline, wait == TimeSpan.Zero, async, ct).ConfigureAwait(false)) return;
            do
            {
                await ReceiveWithinAsync(deadline, async, ct).ConfigureAwait(false);
                CheckNothingElse(BufferedMessage());
            }
            // Read on while more is known to be there: over TLS a read that filled the buffer may have left decrypted
            // data in the SslStream, which the socket doesn't show (10,000 notifications stalled at 9,595 without it).
            // A message still partial with nothing more arrived yet goes back to the loop, which waits for it.
            while (Backlog.Count == 0 && (Reader.StreamMayHaveMore || _socket is { Available: > 0 }));
        }
        finally
        {
            ExitOperation();
        }
    }

    /// <summary>The next whole buffered message that isn't a notification, notice or parameter status; null when none is.</summary>
    private BackendMessageCode? BufferedMessage()
    {
        while (TryReadBuffered(out var code))
            if (!HandleAsynchronousMessage(code)) return code;
        return null;
    }

    /// <summary>
    /// The read after the socket looked readable. It may still wait: over TLS the bytes that woke us can be part of a
    /// record, or a record with no application data, and a read that exactly filled the buffer says "may have more"
    /// when nothing is left. The caller's token and the loop's deadline bound that wait (a Notifies loop whose token
    /// fired hung here in CI; a sync loop over TLS outlived its timeout until the server's next bytes). A socket read
    /// cut short consumed nothing; a TLS read may have taken part of a record, so that session is marked broken and
    /// the loop raises OperationalError — bounded, and never mis-framed later.
    /// </summary>
    /// <paramref name="bound"/> names the deadline in the error ("the Notifies loop's timeout").
    private async ValueTask ReceiveWithinAsync(long deadline, bool async, CancellationToken ct, string bound = "the Notifies loop's timeout")
    {
        var tls = Reader.Socket is null;
        var bounded = tls && deadline != long.MaxValue;
        CancellationTokenSource? timeout = null;
        var token = ct;
        if (bounded)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            var ms = (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 1, int.MaxValue);
            if (async)
            {
                timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(ms);
                token = timeout.Token;
            }
            else
            {
                _socketStream!.TimeoutMs = ms;
            }
        }
        try
        {
            await Reader.ReceiveOnceAsync(async, token).ConfigureAwait(false);   // EOF and errors come out here
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested && tls)
        {
            Break(e);
            throw;
        }
        // Ours: the linked source's timer (which may fire a hair before the Stopwatch deadline) or the sync receive
        // timeout, which surfaces as an IOException over a SocketException TimedOut.
        catch (Exception e) when (bounded && (e is OperationCanceledException
                                              || e is IOException or SocketException && Stopwatch.GetTimestamp() >= deadline
                                              || e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut } }))
        {
            throw Break(new OperationalError(
                $"{bound} passed while a TLS record from the server was still incomplete: the connection is closed", null, e));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InterfaceError)
        {
            throw Break(e);
        }
        finally
        {
            timeout?.Dispose();
            if (bounded && !async && !IsClosed && _socketStream is { } stream) stream.TimeoutMs = 0;   // a broken session closed it
        }
    }

    private void CheckNothingElse(BackendMessageCode? code)
    {
        if (code is not { } c) return;
        if (FatalError is not null) throw Break(FatalError);
        throw Unexpected(c, "notifications");
    }

    /// <summary>
    /// True when the socket has bytes to read (or is at EOF / in error), false when <paramref name="deadline"/>
    /// (<see cref="Stopwatch"/> ticks; long.MaxValue: none) passed first. <paramref name="once"/>: look without waiting.
    /// </summary>
    private async ValueTask<bool> WaitReadableAsync(long deadline, bool once, bool async, CancellationToken ct)
    {
        var socket = _socket ?? throw ClosedError();
        try
        {
            if (socket.Available > 0 || Reader.StreamMayHaveMore) return true;
            if (once) return socket.Poll(0, SelectMode.SelectRead);
            if (async)
            {
                // A zero-byte receive completes when data arrives without consuming any, so cancelling it (timeout
                // or the caller's token) leaves the stream, TLS included, exactly as it was.
                using var timeout = deadline == long.MaxValue ? null : new CancellationTokenSource(TimeLeft(deadline));
                using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                try
                {
                    _socketStream!.MarkNonBlocking();   // the async receive makes the descriptor non-blocking for good
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, linked?.Token ?? ct).ConfigureAwait(false);
                    return true;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout is not null)
                {
                    return false;
                }
            }
            while (true)
            {
                if (IsClosed) throw ClosedError();
                var left = deadline == long.MaxValue ? SyncWaitSlice : TimeLeft(deadline);
                var slice = left < SyncWaitSlice ? left : SyncWaitSlice;
                if (socket.Poll(slice, SelectMode.SelectRead)) return true;
                if (Stopwatch.GetTimestamp() >= deadline) return false;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw Break(e);
        }
    }

    /// <summary>The <see cref="Stopwatch"/> timestamp <paramref name="span"/> from now.</summary>
    private static long DeadlineAfter(TimeSpan span) => Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The time until <paramref name="deadline"/>, zero once it has passed.</summary>
    private static TimeSpan TimeLeft(long deadline)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        return left < TimeSpan.Zero ? TimeSpan.Zero : left;
    }
}
