using System.Diagnostics;
using System.Threading.Channels;
using Sharpgres.Errors;
using Sharpgres.Protocol;

namespace Sharpgres.Pool;

/// <summary>
/// Opening, background work and closing: numWorkers threads open connections from a queue of jobs (never a thread per
/// connection); one maintenance task enforces max_lifetime / max_idle / min_size; failed connection attempts are
/// retried with exponential backoff and jitter, and woken early when a request queues so the pool serves again as soon
/// as the server is back (psycopg_pool issues #370/#438 were pools that stayed empty).
/// </summary>
public partial class ConnectionPool
{
    private Channel<Func<Task>>? _jobs;
    private Task? _maintenance;
    private CancellationTokenSource _stopping = new();
    private CancellationTokenSource _kick = new();
    private long _lastKick;
    private int _retrying;
    private TaskCompletionSource? _fullEvent;
    private TaskCompletionSource? _allReturned;
    private bool _checkIsBuiltin;

    /// <summary>psycopg's first retry delay (1 s, ±10%), doubled after each failure until reconnectTimeout.</summary>
    internal static TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens the pool: starts the workers and begins opening <see cref="MinSize"/> connections in the background.
    /// With <paramref name="wait"/>, returns once they are open (see <see cref="Wait"/>). Opening an open pool does
    /// nothing; a closed pool can't be reopened.
    /// </summary>
    public void Open(bool wait = false, TimeSpan? timeout = null)
    {
        OpenCore();
        if (wait) Wait(timeout);
    }

    /// <summary>The async twin of <see cref="Open"/>.</summary>
    public async Task OpenAsync(bool wait = false, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        OpenCore();
        if (wait) await WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private void OpenCore()
    {
        lock (_lock)
        {
            if (!_closed) return;
            if (_opened) throw new OperationalError($"pool '{Name}' has already been opened/closed and cannot be reused");
            _checkIsBuiltin = _check?.Method == typeof(ConnectionPool).GetMethod(nameof(CheckConnection));
            _jobs = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
            for (var i = 0; i < NumWorkers; i++)
            {
                var reader = _jobs.Reader;
                new Thread(() => Work(reader)) { IsBackground = true, Name = "Sharpgres pool worker" }.Start();
            }
            _closed = false;
            _opened = true;
            if (!_null)
            {
                for (var i = _size; i < _minSize; i++) EnqueueAdd(null, growing: false);
                _maintenance = Task.Run(MaintainAsync);
            }
        }
        PoolMetrics.Publish();
        OpenPools.TryAdd(this, 0);
        PoolLog.Lifecycle(_logger, Name, $"opened (minSize {_minSize}, maxSize {_maxSize})");
    }

    /// <summary>
    /// psycopg's <c>wait()</c>: returns once <see cref="MinSize"/> connections are open (a null pool: once one test
    /// connection succeeded); after <paramref name="timeout"/> (default 30 s) closes the pool and raises <see cref="PoolTimeout"/>.
    /// </summary>
    public void Wait(TimeSpan? timeout = null) => WaitCoreAsync(timeout, false, default).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Wait"/>.</summary>
    public Task WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(timeout, true, cancellationToken).AsTask();

    private async ValueTask WaitCoreAsync(TimeSpan? timeout, bool async, CancellationToken ct)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (_null)
        {
            // A null pool keeps nothing: check that a connection can be opened, then close it.
            try
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(limit);
                var pooled = await OpenPooledAsync(async, cts.Token).ConfigureAwait(false);
                await pooled.Session.CloseAsync(async).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await CloseCoreAsync(TimeSpan.Zero, async).ConfigureAwait(false);
                throw new PoolTimeout($"pool '{Name}' initialization incomplete after {limit.TotalSeconds:0.##} s: {e.Message}", e);
            }
        }
        Task full;
        lock (_lock)
        {
            if (_closed) throw ClosedError();
            if (_idle.Count >= _minSize) return;
            _fullEvent ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            full = _fullEvent.Task;
        }
        PoolLog.Lifecycle(_logger, Name, "waiting for initialization");
        var done = async ? await WaitOrTimeoutAsync(full, limit, ct).ConfigureAwait(false) : full.Wait(limit);
        lock (_lock) _fullEvent = null;
        if (!done)
        {
            await CloseCoreAsync(TimeSpan.Zero, async).ConfigureAwait(false);
            throw new PoolTimeout($"pool '{Name}' initialization incomplete after {limit.TotalSeconds:0.##} s");
        }
        PoolLog.Lifecycle(_logger, Name, "ready to use");
    }

    private static async Task<bool> WaitOrTimeoutAsync(Task task, TimeSpan limit, CancellationToken ct)
    {
        try { await task.WaitAsync(limit, ct).ConfigureAwait(false); return true; }
        catch (TimeoutException) { return false; }
    }

    /// <summary>
    /// Closes the pool: waiting requests get <see cref="PoolClosed"/>, new ones too; idle connections are closed now,
    /// connections in use are waited for up to <paramref name="timeout"/> (default 5 s) and closed as they come back.
    /// </summary>
    public void Close(TimeSpan? timeout = null) => CloseCoreAsync(timeout ?? TimeSpan.FromSeconds(5), false).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Close"/>.</summary>
    public Task CloseAsync(TimeSpan? timeout = null) => CloseCoreAsync(timeout ?? TimeSpan.FromSeconds(5), true).AsTask();

    private async ValueTask CloseCoreAsync(TimeSpan timeout, bool async)
    {
        List<PooledSession> idle;
        var waiters = new List<Waiter>();
        Task returned;
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            while (_waiting.Dequeue() is { } w) waiters.Add(w);
            idle = [.. _idle];
            _idle.Clear();
            _size -= idle.Count;
            _allReturned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inUse == 0) _allReturned.TrySetResult();
            returned = _allReturned.Task;
        }
        OpenPools.TryRemove(this, out _);
        PoolLog.Lifecycle(_logger, Name, $"closing ({waiters.Count} waiting, {idle.Count} idle)");
        foreach (var w in waiters) w.TrySetException(new PoolClosed($"the pool '{Name}' is closed"));
        _jobs?.Writer.TryComplete();
        _stopping.Cancel();
        foreach (var pooled in idle)
        {
            PoolLog.Closed(_logger, Name, pooled.Session.ProcessId, "the pool is closed");
            await pooled.Session.CloseAsync(async).ConfigureAwait(false);
        }
        if (timeout > TimeSpan.Zero)
        {
            var done = async ? await WaitOrTimeoutAsync(returned, timeout, default).ConfigureAwait(false) : returned.Wait(timeout);
            if (!done) PoolLog.Lifecycle(_logger, Name, $"closed with connections still in use after {timeout.TotalSeconds:0.##} s: they are closed when given back");
        }
        PoolLog.Lifecycle(_logger, Name, "closed");
    }

    /// <summary>
    /// psycopg's <c>resize()</c>: new sizes at run time. Growing opens connections in the background; shrinking closes
    /// idle connections beyond the new maximum now and the others as they come back.
    /// </summary>
    public virtual void Resize(int minSize, int? maxSize = null)
    {
        var (min, max) = CheckSizes(minSize, maxSize);
        var extra = new List<PooledSession>();
        lock (_lock)
        {
            var grow = Math.Max(0, min - _minSize);
            _minSize = min;
            _maxSize = max;
            if (!_closed && !_null)
                for (var i = 0; i < grow; i++) EnqueueAdd(null, growing: false);
            while (!_null && _size > _maxSize && _idle.Count > 0)
            {
                extra.Add(_idle[0]);
                _idle.RemoveAt(0);
                _size--;
            }
        }
        PoolLog.Lifecycle(_logger, Name, $"resized to minSize {min}, maxSize {max}");
        foreach (var pooled in extra) CloseQuietly(pooled, "the pool was resized");
    }

    /// <summary>
    /// psycopg's <c>check()</c>: tests every idle connection now (an empty query); broken ones are replaced, expired
    /// ones too. Connections in use are not touched.
    /// </summary>
    public void Check() => CheckCoreAsync(false).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Check"/>.</summary>
    public Task CheckAsync() => CheckCoreAsync(true).AsTask();

    private async ValueTask CheckCoreAsync(bool async)
    {
        if (_null) return;
        List<PooledSession> taken;
        lock (_lock)
        {
            taken = [.. _idle];
            _idle.Clear();
            _inUse += taken.Count;
            MaybeGrow();
        }
        foreach (var pooled in taken)
        {
            if (pooled.IsExpired(PooledSession.Now))
            {
                await RetireAsync(pooled, "expired (maxLifetime)", replace: true, async).ConfigureAwait(false);
                continue;
            }
            try
            {
                if (!await pooled.Session.CheckIdleInputAsync(async).ConfigureAwait(false)) throw new OperationalError("the server closed the connection");
                await pooled.Session.RunCommandAsync("", async, default).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _stats.ConnectionLost();
                await RetireAsync(pooled, "found broken by Check(): " + e.Message, replace: true, async).ConfigureAwait(false);
                continue;
            }
            if (!Offer(pooled, wasInUse: true)) CloseQuietly(pooled, "the pool is over maxSize");
        }
    }

    /// <summary>
    /// psycopg's <c>drain()</c>: closes every idle connection now and every connection in use as it comes back,
    /// replacing each with a fresh one (e.g. after type adapters changed, or to move to a new primary).
    /// </summary>
    public void Drain() => Drain(replace: true);

    /// <summary>
    /// <paramref name="replace"/> false is ADO.NET's ClearPool (Npgsql): the drained connections are not replaced one
    /// for one, only up to <see cref="MinSize"/> (here and by the maintenance tick), so clearing an idle pool leaves it empty.
    /// </summary>
    internal void Drain(bool replace)
    {
        List<PooledSession> idle;
        lock (_lock)
        {
            idle = [.. _idle];
            _idle.Clear();
            Volatile.Write(ref _drainedAt, PooledSession.Now);
            _drainReplaces = replace;
            _size -= idle.Count;
            var add = replace ? idle.Count : Math.Max(0, _minSize - _size);
            if (!_closed && !_null) for (var i = 0; i < add; i++) EnqueueAdd(null, growing: false);
        }
        PoolLog.Lifecycle(_logger, Name, $"drained ({idle.Count} idle closed)");
        foreach (var pooled in idle) CloseQuietly(pooled, "drained");
    }

    /// <summary>The async twin of <see cref="Drain()"/>.</summary>
    public Task DrainAsync()
    {
        Drain();
        return Task.CompletedTask;
    }

    private void CloseQuietly(PooledSession pooled, string reason)
    {
        PoolLog.Closed(_logger, Name, pooled.Session.ProcessId, reason);
        _ = pooled.Session.CloseAsync(true).AsTask();
    }

    /// <summary>
    /// A request queued: open one more connection if there is room and nobody is growing the pool yet (psycopg: one at
    /// a time). With <paramref name="inline"/> the slot is counted and true says the caller opens it itself.
    /// </summary>
    private bool MaybeGrow(bool inline = false)
    {
        if (_null || _growing || _size >= _maxSize || _closed) return false;
        _growing = true;
        if (inline) _size++;
        else EnqueueAdd(null, growing: true);
        PoolLog.Growing(_logger, Name, _size);
        return inline;
    }

    /// <summary>Counts a slot and queues opening a connection into it. Under the lock.</summary>
    private void EnqueueAdd(Backoff? attempt, bool growing)
    {
        if (attempt is null) _size++;
        _jobs!.Writer.TryWrite(() => AddConnectionAsync(attempt, growing, async: false));
    }

    /// <summary>
    /// A worker thread (psycopg_pool's workers are threads too): runs the queued jobs, which open connections
    /// synchronously. A socket that never saw an async operation stays outside the runtime's socket engine (blocking,
    /// or with a connect_timeout non-blocking and waited on in poll(2): see SocketStream), so a pooled connection used
    /// synchronously (Dapper, most ADO.NET code) waits for each answer in the kernel, with no epoll wake-up and
    /// thread-pool work item per received packet as on a socket connected asynchronously. An async user's first async
    /// call joins the engine then, as with any connection. The threads end when the pool closes (its job queue
    /// completes); a pool that is never closed keeps them, as psycopg_pool's.
    /// </summary>
    private void Work(ChannelReader<Func<Task>> jobs)
    {
        while (jobs.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (jobs.TryRead(out var job))
            {
                try { job().GetAwaiter().GetResult(); }
                catch (Exception e) { PoolLog.TaskFailed(_logger, Name, e); }
            }
        }
    }

    private async Task AddConnectionAsync(Backoff? attempt, bool growing, bool async = true, TimeSpan? bound = null)
    {
        if (Closed)
        {
            lock (_lock) _size--;   // the slot it was queued for
            return;
        }
        PooledSession pooled;
        try
        {
            pooled = await OpenPooledAsync(async, _stopping.Token, bound).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (Closed) return;
            PoolLog.ConnectFailed(_logger, Name, e.Message);
            var now = PooledSession.Now;
            attempt ??= new Backoff(ReconnectTimeout, InitialRetryDelay);
            if (attempt.TimeToGiveUp(now))
            {
                PoolLog.ReconnectFailed(_logger, Name, ReconnectTimeout.TotalSeconds);
                lock (_lock)
                {
                    _size--;
                    if (growing) _growing = false;
                }
                try { _reconnectFailed?.Invoke(this); }
                catch (Exception callbackError) { PoolLog.TaskFailed(_logger, Name, callbackError); }
                return;
            }
            attempt.UpdateDelay(now);
            _ = RetryLaterAsync(attempt, growing);
            return;
        }
        if (!Offer(pooled, wasInUse: false))
        {
            CloseQuietly(pooled, Closed ? "the pool is closed" : "the pool is over maxSize");
            lock (_lock) if (growing) _growing = false;
            return;
        }
        if (!growing) return;
        lock (_lock)
        {
            // Keep growing while requests wait and there is room (psycopg), one connection at a time.
            if (!_closed && (_size < _minSize || (_size < _maxSize && _waiting.Count > 0))) EnqueueAdd(null, growing: true);
            else _growing = false;
        }
    }

    private async Task RetryLaterAsync(Backoff attempt, bool growing)
    {
        Interlocked.Increment(ref _retrying);
        try
        {
            CancellationToken kick;
            lock (_lock) kick = _kick.Token;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(kick, _stopping.Token);
            await Task.Delay(attempt.Delay, both.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        }
        finally
        {
            Interlocked.Decrement(ref _retrying);
        }
        lock (_lock)
        {
            if (_closed) { _size--; return; }
            EnqueueAdd(attempt, growing);
        }
    }

    /// <summary>A request had to wait while reconnect attempts sleep in backoff: wake them now (at most every 250 ms).</summary>
    private void KickReconnects()
    {
        if (Volatile.Read(ref _retrying) == 0) return;
        var now = PooledSession.Now;
        CancellationTokenSource? old = null;
        lock (_lock)
        {
            if (Stopwatch.GetElapsedTime(_lastKick, now) < TimeSpan.FromMilliseconds(250)) return;
            _lastKick = now;
            old = _kick;
            _kick = new CancellationTokenSource();
        }
        old.Cancel();
        old.Dispose();
    }

    /// <summary>Opens and configures one new session (stats: connections_num, connections_ms, connections_errors).</summary>
    private async ValueTask<PooledSession> OpenPooledAsync(bool async, CancellationToken ct, TimeSpan? bound = null)
    {
        _stats.ConnectionAttempt();
        var start = PooledSession.Now;
        Session session;
        try
        {
            session = await Sharpgres.Connection.OpenSessionAsync(Bounded(bound), _connectionLogger, async, ct).ConfigureAwait(false);
        }
        catch
        {
            _stats.ConnectionError();
            throw;
        }
        var opened = PooledSession.Now;
        _stats.AddConnectTime(opened - start);
        // max_lifetime cut by a random 0-5% (psycopg's jitter), so connections opened together don't expire together.
        var lifetime = PooledSession.Ticks(MaxLifetime);
        var expires = opened + (long)(lifetime * (1.0 - 0.05 * Random.Shared.NextDouble()));
        var pooled = new PooledSession(this, session, _defaults, opened, expires);
        if (_configure is not null)
        {
            var conn = new Connection(session, null, _defaults, _loggers);
            try
            {
                _configure(conn);
                if (session.State != SessionState.Idle)
                    throw new ProgrammingError($"connection left in status {session.State} by the configure function: discarded");
                pooled.Defaults = conn.CaptureDefaults();
            }
            catch
            {
                conn.Detach();
                _stats.ConnectionError();
                await session.CloseAsync(async).ConfigureAwait(false);
                throw;
            }
            conn.Detach();
        }
        PoolLog.Opened(_logger, Name, session.ProcessId, (opened - start) * 1000 / Stopwatch.Frequency);
        PoolMetrics.Record(PoolMetrics.CreateTime, this, PooledSession.Now - start);
        return pooled;
    }

    /// <summary>
    /// The conninfo for a connection a caller opens within its own timeout: connect_timeout no longer than what is left
    /// (psycopg_pool does the same), since a sync connect doesn't watch a token.
    /// </summary>
    private ConnectionInfo Bounded(TimeSpan? bound)
    {
        if (bound is not { } left || left > TimeSpan.FromDays(1)) return _info;
        var seconds = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
        return int.TryParse(_info.ConnectTimeout, out var set) && set > 0 && set <= seconds
            ? _info
            : _info.With("connect_timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A null pool opens the caller's connection itself, within the caller's timeout; a failure releases the slot.</summary>
    private async ValueTask<PooledSession> OpenForCallerAsync(long start, TimeSpan wait, bool async, CancellationToken ct)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var remaining = wait - Stopwatch.GetElapsedTime(start);
            if (remaining < TimeSpan.FromDays(20)) cts.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
            return await OpenPooledAsync(async, cts.Token, remaining).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                _size--;
                _inUse--;
                if (_inUse == 0) _allReturned?.TrySetResult();
            }
            _stats.RequestError();
            if (e is OperationCanceledException && !ct.IsCancellationRequested)
            {
                PoolMetrics.Timeout(this);
                throw new PoolTimeout($"couldn't get a connection from pool '{Name}' after {wait.TotalSeconds:0.00} s: connecting took too long", e);
            }
            throw;
        }
    }

    /// <summary>
    /// Every tick: idle connections past max_lifetime (or drained) are replaced, idle ones above min_size unused for
    /// max_idle are closed (the longest idle first), and a pool below min_size (after giving up on reconnecting) opens again.
    /// </summary>
    private async Task MaintainAsync()
    {
        var tick = TimeSpan.FromTicks(Math.Min(MaxIdle.Ticks, MaxLifetime.Ticks) / 4);
        if (tick < TimeSpan.FromMilliseconds(20)) tick = TimeSpan.FromMilliseconds(20);
        if (tick > TimeSpan.FromSeconds(30)) tick = TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false)) Maintain();
        }
        catch (OperationCanceledException) { /* closed */ }
    }

    private void Maintain()
    {
        var closing = new List<(PooledSession, string)>();
        lock (_lock)
        {
            if (_closed) return;
            var now = PooledSession.Now;
            var drainedAt = Volatile.Read(ref _drainedAt);
            var maxIdle = PooledSession.Ticks(MaxIdle);
            for (var i = 0; i < _idle.Count; i++)
            {
                var pooled = _idle[i];
                if (pooled.IsExpired(now) || pooled.CreatedAt <= drainedAt)
                {
                    _idle.RemoveAt(i--);
                    closing.Add((pooled, "expired (maxLifetime)"));
                    // Replaced below only up to minSize: an idle pool above it (ADO.NET's Minimum Pool Size=0) must not
                    // reconnect every maxLifetime forever; a request grows it again when one is needed.
                    _size--;
                }
                else if (_size > _minSize && now - pooled.LastReturnedAt >= maxIdle)
                {
                    _idle.RemoveAt(i--);
                    _size--;
                    closing.Add((pooled, $"idle for more than maxIdle ({MaxIdle.TotalSeconds:0.###} s) above minSize"));
                }
            }
            for (var i = _size; i < _minSize; i++) EnqueueAdd(null, growing: false);
        }
        foreach (var (pooled, reason) in closing) CloseQuietly(pooled, reason);
    }
}
