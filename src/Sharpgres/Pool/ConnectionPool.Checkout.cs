using System.Diagnostics;
using Sharpgres.Errors;
using Sharpgres.Protocol;

namespace Sharpgres.Pool;

/// <summary>Checkout and return: the pool's state under one lock, held only for a few field updates, never across I/O.</summary>
public partial class ConnectionPool
{
    private readonly Lock _lock = new();
    private readonly List<PooledSession> _idle = [];      // a stack: the most recently returned on top (warm), the longest idle at 0
    private readonly WaitQueue _waiting = new();
    private readonly PoolStats _stats = new();
    private int _minSize;
    private int _maxSize;
    private int _size;        // psycopg's _nconns: idle + in use + being opened
    private int _inUse;
    private bool _closed = true;
    private bool _opened;
    private bool _growing;
    private long _drainedAt = long.MinValue;
    private bool _drainReplaces = true;   // false after ClearPool: drained connections coming back are not replaced

    /// <summary>The pools open now, read by the observable db.client.connection.* gauges (Telemetry/PoolMetrics).</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<ConnectionPool, byte> OpenPools = new();

    internal int WaitingNow { get { lock (_lock) return _waiting.Count; } }
    /// <summary>Idle and handed-out connections, read together (db.client.connection.count).</summary>
    internal (int Idle, int Used) CountsNow { get { lock (_lock) return (_idle.Count, _inUse); } }

    internal async ValueTask<Connection> GetConnectionAsync(TimeSpan? timeout, bool async, CancellationToken ct)
    {
        var wait = timeout ?? Timeout;
        var start = PooledSession.Now;
        _stats.Request();
        var first = true;
        while (true)
        {
            var pooled = await AcquireAsync(start, wait, first, async, ct).ConfigureAwait(false);
            first = false;
            var conn = await PrepareCheckoutAsync(pooled, async, ct).ConfigureAwait(false);
            if (conn is null) continue;
            // Every checkout, queued or served from the idle stack, so the histogram shows the whole distribution.
            PoolMetrics.Record(PoolMetrics.WaitTime, this, PooledSession.Now - start);
            return conn;
        }
    }

    /// <summary>An idle session, a new one (null pool), or a place in the queue until one is handed over.</summary>
    private async ValueTask<PooledSession> AcquireAsync(long start, TimeSpan wait, bool first, bool async, CancellationToken ct)
    {
        Waiter waiter;
        var openHere = false;
        var growHere = false;
        lock (_lock)
        {
            if (_closed) throw ClosedError();
            if (_idle.Count > 0)
            {
                var top = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                _inUse++;
                return top;
            }
            if (_null && (_maxSize == 0 || _size < _maxSize))
            {
                _size++;
                _inUse++;
                openHere = true;
                waiter = null!;
            }
            else
            {
                if (MaxWaiting > 0 && _waiting.Count >= MaxWaiting)
                {
                    _stats.RequestError();
                    throw new TooManyRequests($"the pool '{Name}' has already {_waiting.Count} requests waiting (maxWaiting {MaxWaiting}); {Sizes()}");
                }
                waiter = new Waiter();
                _waiting.Enqueue(waiter);
                if (first) _stats.Queued();
                growHere = MaybeGrow(inline: !async);
            }
        }
        if (openHere) return await OpenForCallerAsync(start, wait, async, ct).ConfigureAwait(false);
        PoolLog.Waiting(_logger, Name, _waiting.Count);
        // A sync caller is going to block its thread anyway: it opens the new connection itself (handed to the first
        // waiter, FIFO) rather than wait for a background task that may itself wait for a thread-pool thread.
        if (growHere) await AddConnectionAsync(null, growing: true, async: false, wait - Stopwatch.GetElapsedTime(start)).ConfigureAwait(false);
        KickReconnects();
        return await WaitAsync(waiter, start, wait, async, ct).ConfigureAwait(false);
    }

    private async ValueTask<PooledSession> WaitAsync(Waiter waiter, long start, TimeSpan wait, bool async, CancellationToken ct)
    {
        var queuedAt = PooledSession.Now;
        try
        {
            var remaining = wait - Stopwatch.GetElapsedTime(start);
            if (remaining > TimeSpan.FromDays(20)) remaining = System.Threading.Timeout.InfiniteTimeSpan;
            if (remaining != System.Threading.Timeout.InfiniteTimeSpan && remaining < TimeSpan.Zero) remaining = TimeSpan.Zero;
            if (async)
            {
                try
                {
                    return await waiter.Task.WaitAsync(remaining, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return Abandon(waiter, start, null);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return Abandon(waiter, start, ct);   // handed over in the meantime: the caller gets it after all
                }
            }
            // A sync caller blocks on its own entry only, with its own timeout.
            try
            {
                if (!waiter.Task.Wait(remaining)) return Abandon(waiter, start, null);
            }
            catch (AggregateException) { /* faulted (PoolClosed): rethrown below */ }
            return waiter.Task.GetAwaiter().GetResult();
        }
        finally
        {
            var waited = PooledSession.Now - queuedAt;
            _stats.AddWait(waited);
            PoolMetrics.WaitEvent(this, waited);
        }
    }

    /// <summary>
    /// The wait ended (timeout or token): leave the queue, unless a connection was handed over in the meantime — the
    /// hand-over and the removal both happen under the lock, so a connection is never given to a waiter that left.
    /// </summary>
    private PooledSession Abandon(Waiter waiter, long start, CancellationToken? ct)
    {
        string message;
        lock (_lock)
        {
            if (!waiter.Queued) return waiter.Task.GetAwaiter().GetResult();   // handed over (or failed by Close) just now
            _waiting.Remove(waiter);
            message = $"couldn't get a connection from pool '{Name}' after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.00} s: {Sizes()}";
        }
        _stats.RequestError();
        waiter.TrySetCanceled();
        if (ct is { } token) throw new OperationCanceledException("the request for a pooled connection was cancelled", token);
        message += ". Raise maxSize (if the server has room), hold connections for less time, or raise timeout.";
        PoolLog.Timeout(_logger, message);
        PoolMetrics.Timeout(this);
        throw new PoolTimeout(message);
    }

    private string Sizes() =>
        $"{_inUse} in use, {_idle.Count} idle, {_size - _inUse - _idle.Count} opening, maxSize {(_null && _maxSize == 0 ? "unlimited" : _maxSize)}, {_waiting.Count} waiting";

    private PoolClosed ClosedError() =>
        new(_opened ? $"the pool '{Name}' is already closed" : $"the pool '{Name}' is not open yet");

    /// <summary>
    /// Checks a session about to be handed out: expired or drained ones are replaced, one the server closed while it
    /// sat idle is discarded without the caller seeing it, and the user's <c>check</c> runs. Null: try another.
    /// </summary>
    private async ValueTask<Connection?> PrepareCheckoutAsync(PooledSession pooled, bool async, CancellationToken ct)
    {
        var now = PooledSession.Now;
        if (!_null && (pooled.IsExpired(now) || pooled.CreatedAt <= Volatile.Read(ref _drainedAt)))
        {
            await RetireAsync(pooled, "expired (maxLifetime)", replace: ReplacesRetired(pooled, now), async).ConfigureAwait(false);
            return null;
        }
        var session = pooled.Session;
        if (!await session.CheckIdleInputAsync(async).ConfigureAwait(false))
        {
            _stats.ConnectionLost();
            await RetireAsync(pooled, "lost while idle: " + (session.FatalError?.Message ?? "the server closed it"), replace: true, async).ConfigureAwait(false);
            return null;
        }
        var conn = new Connection(session, pooled, pooled.Defaults, _loggers);
        if (_check is not null)
        {
            try
            {
                if (async && _checkIsBuiltin) await CheckConnectionAsync(conn, ct).ConfigureAwait(false);
                else _check(conn);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                PoolLog.CheckFailed(_logger, Name, session.ProcessId, e.Message);
                conn.Detach();
                _stats.ConnectionLost();
                await RetireAsync(pooled, "failed its check", replace: true, async).ConfigureAwait(false);
                return null;
            }
            if (session.State == SessionState.Broken)
            {
                // The check's round trip brought news the check itself doesn't fail on: the server now reports a
                // kind (read-only, standby) that target_session_attrs doesn't accept.
                conn.Detach();
                await RetireAsync(pooled, "the server no longer matches target_session_attrs", replace: true, async).ConfigureAwait(false);
                return null;
            }
        }
        pooled.CheckedOutAt = PooledSession.Now;
        return conn;
    }

    /// <summary>Dispose / Close / PutConnection of a pooled connection: the return rules, then the next waiter or the idle stack.</summary>
    internal async ValueTask ReturnAsync(Connection conn, bool async)
    {
        if (!conn.IsAttached) return;   // given back already: Dispose is idempotent
        var pooled = conn.Pooled!;
        conn.Detach();
        var used = PooledSession.Now - pooled.CheckedOutAt;
        _stats.AddUsage(used);
        PoolMetrics.Record(PoolMetrics.UseTime, this, used);
        var session = pooled.Session;
        if (Closed)
        {
            await RetireAsync(pooled, "the pool is closed", replace: false, async).ConfigureAwait(false);
            return;
        }
        string? discard = null;
        switch (session.State)
        {
            case SessionState.Idle:
                break;
            case SessionState.InTransaction or SessionState.InFailedTransaction:
                PoolLog.RollingBack(_logger, Name, session.ProcessId, session.State.ToString());
                try { await session.RunCommandAsync("ROLLBACK", async, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception e) { discard = "rollback failed: " + e.Message; }
                break;
            case SessionState.Busy:
                discard = "returned in the middle of an operation (an unfinished stream, COPY or pipeline)";
                break;
            default:
                discard = "returned broken: " + (session.FatalError?.Message ?? "the connection was lost or closed");
                break;
        }
        if (discard is null && _reset is not null) discard = RunReset(pooled);
        if (discard is not null)
        {
            _stats.ReturnBad();
            PoolLog.DiscardingReturned(_logger, Name, session.ProcessId, discard);
            await RetireAsync(pooled, discard, replace: true, async).ConfigureAwait(false);
            return;
        }
        if (!_null && (pooled.IsExpired(PooledSession.Now) || pooled.CreatedAt <= Volatile.Read(ref _drainedAt)))
        {
            await RetireAsync(pooled, "expired (maxLifetime) or drained", replace: ReplacesRetired(pooled, PooledSession.Now), async).ConfigureAwait(false);
            return;
        }
        if (!Offer(pooled, wasInUse: true))
            await RetireAsync(pooled, _null ? "no request waiting (null pool)" : "the pool is over maxSize", replace: false, async, counted: false).ConfigureAwait(false);
    }

    /// <summary>An expired connection is replaced; a drained one too, unless ClearPool drained it (then minSize refills).</summary>
    private bool ReplacesRetired(PooledSession pooled, long now) => pooled.IsExpired(now) || Volatile.Read(ref _drainReplaces);

    private string? RunReset(PooledSession pooled)
    {
        var conn = new Connection(pooled.Session, null, pooled.Defaults, _loggers);
        try
        {
            _reset!(conn);
            return pooled.Session.State == SessionState.Idle ? null : $"connection left in status {pooled.Session.State} by the reset function";
        }
        catch (Exception e)
        {
            return "reset failed: " + e.Message;
        }
        finally
        {
            conn.Detach();
        }
    }

    /// <summary>
    /// Hands a usable session to the first waiter still waiting, or keeps it idle. False when it must be closed
    /// instead (null pool with nobody waiting, pool shrunk below its size, pool closed); its slot is then already released.
    /// </summary>
    private bool Offer(PooledSession pooled, bool wasInUse)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                while (_waiting.Dequeue() is { } waiter)
                {
                    if (!waiter.TrySetResult(pooled)) continue;
                    if (!wasInUse) _inUse++;
                    return true;
                }
            }
            if (wasInUse) _inUse--;
            if (_closed || _null || _size > _maxSize)
            {
                _size--;
                if (_inUse == 0) _allReturned?.TrySetResult();
                return false;
            }
            pooled.LastReturnedAt = PooledSession.Now;
            _idle.Add(pooled);
            if (_fullEvent is not null && _idle.Count >= _minSize) _fullEvent.TrySetResult();
            return true;
        }
    }

    /// <summary>
    /// Closes a session that leaves the pool. With <paramref name="replace"/> a new connection is opened in its place
    /// in the background (psycopg's AddConnection), unless the pool is closed or shrunk; otherwise the slot is released.
    /// <paramref name="counted"/> false: <see cref="Offer"/> already released the slot.
    /// </summary>
    private async ValueTask RetireAsync(PooledSession pooled, string reason, bool replace, bool async, bool counted = true, bool inUse = true)
    {
        if (counted)
        {
            lock (_lock)
            {
                if (inUse) _inUse--;
                _size--;
                if (replace && !_closed && _size < _maxSize && (!_null || _waiting.Count > 0)) EnqueueAdd(null, growing: false);
                if (_inUse == 0) _allReturned?.TrySetResult();
            }
        }
        PoolLog.Closed(_logger, Name, pooled.Session.ProcessId, reason);
        await pooled.Session.CloseAsync(async).ConfigureAwait(false);
    }
}
