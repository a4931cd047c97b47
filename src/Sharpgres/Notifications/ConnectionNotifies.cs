using System.Diagnostics;
using System.Runtime.CompilerServices;
using Sharpgres.Notifications;

namespace Sharpgres;

/// <summary>LISTEN/NOTIFY as psycopg 3.2: the Notifies loop, notify handlers and the Notification event.</summary>
public sealed partial class Connection
{
    private readonly object _notifyLock = new();
    private Action<Notify>[] _notifyHandlers = [];
    private EventHandler<Notify>? _notification;

    /// <summary>
    /// psycopg's <c>conn.notifies(timeout=, stop_after=)</c>: yields each notification of the channels this connection
    /// LISTENs on as it arrives, first those received while the connection ran other statements (they are kept, never
    /// lost between loops). Waits on the socket without polling; ends once <paramref name="timeout"/> has passed since
    /// the loop started (0 looks once at what is there) or after <paramref name="stopAfter"/> notifications, or when
    /// the caller leaves the loop. The connection can run statements between two items. A connection that dies ends
    /// the loop with OperationalError (TCP keepalives, on by default, notice a silent network failure).
    /// Notifications sent inside a transaction arrive when it commits, and never if it rolls back.
    /// </summary>
    public IEnumerable<Notify> Notifies(TimeSpan? timeout = null, int? stopAfter = null)
    {
        var loop = StartNotifies(timeout, stopAfter);
        return Iterate(loop);

        static IEnumerable<Notify> Iterate(NotifiesLoop loop)
        {
            using (loop)
                while (loop.NextAsync(false, default).GetAwaiter().GetResult() is { } notify)
                    yield return notify;
        }
    }

    /// <summary>Async twin of <see cref="Notifies"/> (psycopg's <c>async for n in aconn.notifies()</c>); the token ends the wait with OperationCanceledException.</summary>
    public IAsyncEnumerable<Notify> NotifiesAsync(TimeSpan? timeout = null, int? stopAfter = null, CancellationToken cancellationToken = default)
    {
        var loop = StartNotifies(timeout, stopAfter);
        return Iterate(loop, cancellationToken);

        static async IAsyncEnumerable<Notify> Iterate(NotifiesLoop loop, [EnumeratorCancellation] CancellationToken ct)
        {
            using (loop)
                while (await loop.NextAsync(true, ct).ConfigureAwait(false) is { } notify)
                    yield return notify;
        }
    }

    private NotifiesLoop StartNotifies(TimeSpan? timeout, int? stopAfter)
    {
        if (timeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "the timeout can't be negative");
        if (stopAfter < 0) throw new ArgumentOutOfRangeException(nameof(stopAfter), "stopAfter can't be negative");
        CheckOpen();
        if (ActivePipeline is not null) throw new ProgrammingError("Notifies can't run in pipeline mode");
        return new NotifiesLoop(this, timeout, stopAfter);
    }

    /// <summary>
    /// psycopg's <c>add_notify_handler</c>: <paramref name="handler"/> runs for each notification as it is received,
    /// whichever call reads it (a statement, a Notifies loop). Notifications served by handlers are not kept for a
    /// later Notifies loop; a handler's exception is logged, never raised into the call that read the notification.
    /// </summary>
    public void AddNotifyHandler(Action<Notify> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_notifyLock) _notifyHandlers = [.. _notifyHandlers, handler];
        HookNotifications();
    }

    /// <summary>psycopg's <c>remove_notify_handler</c>: unregisters a handler added with <see cref="AddNotifyHandler"/>.</summary>
    public void RemoveNotifyHandler(Action<Notify> handler)
    {
        lock (_notifyLock)
        {
            var index = Array.IndexOf(_notifyHandlers, handler);
            if (index < 0) throw new ArgumentException("the handler isn't registered on this connection", nameof(handler));
            _notifyHandlers = [.. _notifyHandlers[..index], .. _notifyHandlers[(index + 1)..]];
        }
        HookNotifications();
    }

    /// <summary>The .NET face of <see cref="AddNotifyHandler"/>: raised for each notification as it is received.</summary>
    public event EventHandler<Notify>? Notification
    {
        add { lock (_notifyLock) _notification += value; HookNotifications(); }
        remove { lock (_notifyLock) _notification -= value; HookNotifications(); }
    }

    private void HookNotifications()
    {
        if (_session is not { } session) return;
        lock (_notifyLock) session.NotificationReceived = _notifyHandlers.Length > 0 || _notification is not null ? Dispatch : null;
    }

    private void Dispatch(Notify notify)
    {
        foreach (var handler in Volatile.Read(ref _notifyHandlers))
        {
            try { handler(notify); }
            catch (Exception e) { Log.NotifyHandlerFailed(Loggers.Notifications, e); }
        }
        _notification?.Invoke(this, notify);
    }

    /// <summary>One Notifies loop: its deadline and count, over the session's backlog.</summary>
    private sealed class NotifiesLoop(Connection connection, TimeSpan? timeout, int? stopAfter) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly Protocol.Session _session = connection.Session;
        private int _received;
        private bool _looked;
        private bool _entered;
        private bool _disposed;

        /// <summary>The next notification, or null when the loop is over (time or count).</summary>
        public async ValueTask<Notify?> NextAsync(bool async, CancellationToken ct)
        {
            if (!_entered && !_disposed)
            {
                // Counted from the first MoveNext (a loop never enumerated never ends, so it must not count).
                _entered = true;
                Interlocked.Increment(ref _session.NotifiesLoops);
            }
            while (true)
            {
                if (_received >= stopAfter) return null;
                if (_session.Backlog.TryTake(out var notify)) { _received++; return notify; }
                TimeSpan? left = timeout is { } t ? t - Stopwatch.GetElapsedTime(_start) : null;
                // psycopg checks the deadline after waiting, so a timeout of 0 still looks once.
                if (left < TimeSpan.Zero && _looked) return null;
                if (left < TimeSpan.Zero) left = TimeSpan.Zero;
                _looked = true;
                if (_session.IsClosed) throw _session.FatalError as Exception ?? _session.ClosedError();
                await _session.ReceiveNotificationsAsync(left, async, ct).ConfigureAwait(false);
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (_entered) Interlocked.Decrement(ref _session.NotifiesLoops);
        }
    }
}
