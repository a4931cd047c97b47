using Microsoft.Extensions.Logging;
using Sharpgres.Errors;

namespace Sharpgres.Pool;

/// <summary>
/// psycopg_pool's <c>ConnectionPool</c>: keeps between <see cref="MinSize"/> and <see cref="MaxSize"/> server
/// sessions open and hands them out one caller at a time. Callers beyond the idle connections wait first come, first
/// served, up to <c>timeout</c> (then <see cref="PoolTimeout"/>); a connection coming back is rolled back if left in
/// a transaction, closed if busy or broken, and handed to the next waiter or kept idle. <c>minSize</c> connections are
/// opened in the background, expired (max_lifetime) and idle (max_idle) ones are replaced or closed, and lost ones
/// are reopened with exponential backoff, so the pool recovers by itself after a server restart.
/// Namespace <c>Sharpgres.Pool</c>.
/// </summary>
public partial class ConnectionPool : IDisposable, IAsyncDisposable
{
    private static int _poolCounter;

    private readonly ConnectionInfo _info;
    private readonly Action<Connection>? _configure;
    private readonly Action<Connection>? _check;
    private readonly Action<Connection>? _reset;
    private readonly Action<ConnectionPool>? _reconnectFailed;
    private readonly ConnectionDefaults _defaults;
    private ILogger _logger;
    private Loggers _loggers;   // the connections' categories (notices, commands), from the same factory as the pool's
    private ILogger _connectionLogger => _loggers.Connection;
    private readonly bool _null;

    /// <summary>
    /// Creates a pool over <paramref name="conninfo"/> (a libpq conninfo string or URI), opened at once unless
    /// <paramref name="open"/> is false. Defaults are psycopg_pool's: 4 connections, max = min, 30 s timeout, 1 h
    /// max_lifetime, 10 min max_idle, 5 min reconnect_timeout, 3 workers.
    /// </summary>
    /// <param name="conninfo">Where to connect, as for <c>Pg.Connect</c>.</param>
    /// <param name="minSize">Connections kept open even when unused.</param>
    /// <param name="maxSize">The most connections the pool opens; null means <paramref name="minSize"/>.</param>
    /// <param name="timeout">How long <see cref="Connection(TimeSpan?)"/> / <see cref="GetConnection"/> wait before <see cref="PoolTimeout"/>.</param>
    /// <param name="maxWaiting">The most requests queued at once; beyond it <see cref="TooManyRequests"/> at once. 0 = unbounded.</param>
    /// <param name="maxLifetime">Connections are replaced after this long, cut by a random 0-5% so they don't all expire together.</param>
    /// <param name="maxIdle">Idle connections above <paramref name="minSize"/> are closed after this long unused.</param>
    /// <param name="reconnectTimeout">How long reconnection is attempted before <paramref name="reconnectFailed"/> runs (requests keep retrying).</param>
    /// <param name="numWorkers">Background threads opening connections (synchronously, so a connection used synchronously keeps a blocking socket).</param>
    /// <param name="name">The pool's name in messages and logs (default pool-N).</param>
    /// <param name="open">Open at once (start filling to <paramref name="minSize"/>), or wait for <see cref="Open"/>.</param>
    /// <param name="autocommit">The autocommit of every connection handed out.</param>
    /// <param name="configure">Runs once on each new connection (SET commands, conn.Types registrations); must leave it idle.</param>
    /// <param name="check">Runs at each checkout; a connection it fails is replaced within the same timeout (e.g. <see cref="CheckConnection"/>).</param>
    /// <param name="reset">Runs on each returned connection before it is reused; must leave it idle, or it is closed.</param>
    /// <param name="reconnectFailed">Called when reconnecting failed for <paramref name="reconnectTimeout"/>.</param>
    public ConnectionPool(string conninfo = "", int minSize = 4, int? maxSize = null, TimeSpan? timeout = null,
        int maxWaiting = 0, TimeSpan? maxLifetime = null, TimeSpan? maxIdle = null, TimeSpan? reconnectTimeout = null,
        int numWorkers = 3, string? name = null, bool open = true, bool autocommit = false,
        Action<Connection>? configure = null, Action<Connection>? check = null, Action<Connection>? reset = null,
        Action<ConnectionPool>? reconnectFailed = null)
        : this(ConnectionInfo.Parse(conninfo), minSize, maxSize, timeout, maxWaiting, maxLifetime, maxIdle, reconnectTimeout,
            numWorkers, name, open, autocommit, configure, check, reset, reconnectFailed)
    {
    }

    /// <summary>Creates a pool over a parsed <see cref="ConnectionInfo"/>; the parameters are those of the conninfo constructor.</summary>
    public ConnectionPool(ConnectionInfo info, int minSize = 4, int? maxSize = null, TimeSpan? timeout = null,
        int maxWaiting = 0, TimeSpan? maxLifetime = null, TimeSpan? maxIdle = null, TimeSpan? reconnectTimeout = null,
        int numWorkers = 3, string? name = null, bool open = true, bool autocommit = false,
        Action<Connection>? configure = null, Action<Connection>? check = null, Action<Connection>? reset = null,
        Action<ConnectionPool>? reconnectFailed = null)
        : this(info, minSize, maxSize, timeout, maxWaiting, maxLifetime, maxIdle, reconnectTimeout, numWorkers, name, open,
            autocommit, configure, check, reset, reconnectFailed, nullPool: false)
    {
    }

    private protected ConnectionPool(ConnectionInfo info, int minSize, int? maxSize, TimeSpan? timeout, int maxWaiting,
        TimeSpan? maxLifetime, TimeSpan? maxIdle, TimeSpan? reconnectTimeout, int numWorkers, string? name, bool open,
        bool autocommit, Action<Connection>? configure, Action<Connection>? check, Action<Connection>? reset,
        Action<ConnectionPool>? reconnectFailed, bool nullPool)
    {
        ArgumentNullException.ThrowIfNull(info);
        _null = nullPool;
        (_minSize, _maxSize) = CheckSizes(minSize, maxSize);
        if (numWorkers < 1) throw new ArgumentOutOfRangeException(nameof(numWorkers), "numWorkers must be at least 1");
        if (maxWaiting < 0) throw new ArgumentOutOfRangeException(nameof(maxWaiting), "maxWaiting can't be negative (0 = unbounded)");
        _info = info;
        Name = string.IsNullOrEmpty(name) ? $"pool-{Interlocked.Increment(ref _poolCounter)}" : name;
        Timeout = Positive(timeout ?? TimeSpan.FromSeconds(30), nameof(timeout));
        MaxWaiting = maxWaiting;
        MaxLifetime = Positive(maxLifetime ?? TimeSpan.FromHours(1), nameof(maxLifetime));
        MaxIdle = Positive(maxIdle ?? TimeSpan.FromMinutes(10), nameof(maxIdle));
        ReconnectTimeout = Positive(reconnectTimeout ?? TimeSpan.FromMinutes(5), nameof(reconnectTimeout));
        NumWorkers = numWorkers;
        _configure = configure;
        _check = check;
        _reset = reset;
        _reconnectFailed = reconnectFailed;
        _defaults = ConnectionDefaults.For(autocommit);
        _loggers = Loggers.For();
        _logger = _loggers.Pool;
        if (open) Open();
    }

    /// <summary>
    /// Logs through <paramref name="loggerFactory"/> instead of <see cref="Pg.LoggerFactory"/> (the ADO.NET data source
    /// passes the container's). Only before <see cref="Open"/>: the workers read the loggers once running.
    /// </summary>
    internal void UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        if (!Closed) throw new InvalidOperationException("the pool's logger factory can only change before it is opened");
        _loggers = Loggers.For(loggerFactory);
        _logger = _loggers.Pool;
    }

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive");

    private protected virtual (int Min, int Max) CheckSizes(int minSize, int? maxSize)
    {
        var max = maxSize ?? minSize;
        if (minSize < 0) throw new ArgumentOutOfRangeException(nameof(minSize), "minSize can't be negative");
        if (max < minSize) throw new ArgumentOutOfRangeException(nameof(maxSize), "maxSize must be greater or equal than minSize");
        if (max == 0) throw new ArgumentOutOfRangeException(nameof(maxSize), "if minSize is 0, maxSize must be greater than 0");
        return (minSize, max);
    }

    /// <summary>The pool's name, in error messages and logs (psycopg's <c>name</c>).</summary>
    public string Name { get; }

    /// <summary>Connections kept open even when unused (psycopg's <c>min_size</c>); changed by <see cref="Resize"/>.</summary>
    public int MinSize { get { lock (_lock) return _minSize; } }

    /// <summary>The most connections the pool opens (psycopg's <c>max_size</c>); 0 in a <see cref="NullConnectionPool"/> means no limit.</summary>
    public int MaxSize { get { lock (_lock) return _maxSize; } }

    /// <summary>True when the pool is not open (not opened yet, or closed): requests get <see cref="PoolClosed"/>.</summary>
    public bool Closed => Volatile.Read(ref _closed);

    /// <summary>The default wait of a checkout before <see cref="PoolTimeout"/>.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The most requests queued at once (0 = unbounded).</summary>
    public int MaxWaiting { get; }

    /// <summary>How long a connection lives before it is replaced (cut by a random 0-5% per connection).</summary>
    public TimeSpan MaxLifetime { get; }

    /// <summary>How long an idle connection above <see cref="MinSize"/> stays open unused.</summary>
    public TimeSpan MaxIdle { get; }

    /// <summary>How long reconnection is attempted before the reconnectFailed callback runs.</summary>
    public TimeSpan ReconnectTimeout { get; }

    /// <summary>Background tasks opening connections.</summary>
    public int NumWorkers { get; }

    /// <summary>
    /// psycopg_pool's <c>check_connection</c>: the cheap liveness check, an empty query (the server answers
    /// EmptyQueryResponse; no transaction is started). Pass it as <c>check:</c> to test every connection at checkout.
    /// </summary>
    public static void CheckConnection(Connection conn) => conn.Session.RunCommandAsync("", false, default).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="CheckConnection"/>.</summary>
    public static Task CheckConnectionAsync(Connection conn, CancellationToken cancellationToken = default) =>
        conn.Session.RunCommandAsync("", true, cancellationToken).AsTask();

    /// <summary>
    /// psycopg's <c>pool.connection()</c>: a connection for a <c>using</c> block, waiting up to <paramref name="timeout"/>
    /// (default: the pool's). Disposing it gives it back; giving back never commits (an open transaction is rolled back).
    /// </summary>
    public Connection Connection(TimeSpan? timeout = null) => GetConnectionAsync(timeout, false, default).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Connection(TimeSpan?)"/>, for <c>await using</c>; the token removes the request from the queue.</summary>
    public Task<Connection> ConnectionAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        GetConnectionAsync(timeout, true, cancellationToken).AsTask();

    /// <summary>
    /// The block form: runs <paramref name="body"/> on a connection, commits when it returns, rolls back and rethrows
    /// when it throws, and gives the connection back either way (psycopg's <c>with pool.connection() as conn:</c>).
    /// </summary>
    public void Connection(Action<Connection> body, TimeSpan? timeout = null) =>
        Connection<bool>(conn => { body(conn); return true; }, timeout);

    /// <summary>The block form returning <paramref name="body"/>'s result, committed before it is returned.</summary>
    public T Connection<T>(Func<Connection, T> body, TimeSpan? timeout = null)
    {
        using var conn = Connection(timeout);
        T result;
        try
        {
            result = body(conn);
        }
        catch
        {
            if (!conn.Closed && conn.TransactionStatus is TransactionStatus.InTransaction or TransactionStatus.InError)
                try { conn.Rollback(); } catch (Error) { /* the return rules close it */ }
            throw;
        }
        conn.Commit();
        return result;
    }

    /// <summary>The async block form: commit when <paramref name="body"/> completes, roll back and rethrow when it throws.</summary>
    public Task ConnectionAsync(Func<Connection, Task> body, CancellationToken cancellationToken = default) =>
        ConnectionAsync<bool>(async conn => { await body(conn).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>The async block form returning <paramref name="body"/>'s result, committed before it is returned.</summary>
    public async Task<T> ConnectionAsync<T>(Func<Connection, Task<T>> body, CancellationToken cancellationToken = default)
    {
        var conn = await ConnectionAsync((TimeSpan?)null, cancellationToken).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            T result;
            try
            {
                result = await body(conn).ConfigureAwait(false);
            }
            catch
            {
                if (!conn.Closed && conn.TransactionStatus is TransactionStatus.InTransaction or TransactionStatus.InError)
                    try { await conn.RollbackAsync(CancellationToken.None).ConfigureAwait(false); } catch (Error) { /* the return rules close it */ }
                throw;
            }
            await conn.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    /// <summary>psycopg's <c>getconn()</c>: a connection you must give back with <see cref="PutConnection"/> (or Dispose).</summary>
    public Connection GetConnection(TimeSpan? timeout = null) => Connection(timeout);

    /// <summary>The async twin of <see cref="GetConnection"/>.</summary>
    public Task<Connection> GetConnectionAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ConnectionAsync(timeout, cancellationToken);

    /// <summary>psycopg's <c>putconn()</c>: gives back a connection from <see cref="GetConnection"/>; the return rules apply.</summary>
    public void PutConnection(Connection conn) => PutConnectionAsync(conn, false).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="PutConnection"/>.</summary>
    public Task PutConnectionAsync(Connection conn) => PutConnectionAsync(conn, true).AsTask();

    private ValueTask PutConnectionAsync(Connection conn, bool async)
    {
        ArgumentNullException.ThrowIfNull(conn);
        if (conn.Pooled?.Pool is not { } owner)
            throw new ArgumentException($"can't return connection to pool '{Name}', it doesn't come from any pool: {conn}", nameof(conn));
        if (owner != this)
            throw new ArgumentException($"can't return connection to pool '{Name}', it comes from pool '{owner.Name}': {conn}", nameof(conn));
        return ReturnAsync(conn, async);
    }

    /// <summary>
    /// psycopg's <c>get_stats()</c>: the counters since the pool was opened (or the last <see cref="PopStats"/>) and
    /// the current sizes, under psycopg_pool's keys (<c>pool_min, pool_max, pool_size, pool_available,
    /// requests_waiting, usage_ms, requests_num, requests_queued, requests_wait_ms, requests_errors, returns_bad,
    /// connections_num, connections_ms, connections_errors, connections_lost</c>); every key is present.
    /// </summary>
    public IReadOnlyDictionary<string, long> GetStats() => Stats(reset: false);

    /// <summary>psycopg's <c>pop_stats()</c>: as <see cref="GetStats"/>, then the counters restart from zero.</summary>
    public IReadOnlyDictionary<string, long> PopStats() => Stats(reset: true);

    private Dictionary<string, long> Stats(bool reset)
    {
        var stats = new Dictionary<string, long>(15, StringComparer.Ordinal);
        lock (_lock)
        {
            stats[PoolStats.PoolMin] = _minSize;
            stats[PoolStats.PoolMax] = _maxSize;
            stats[PoolStats.PoolSize] = _size;
            stats[PoolStats.PoolAvailable] = _idle.Count;
            stats[PoolStats.RequestsWaiting] = _waiting.Count;
        }
        _stats.Report(stats, reset);
        return stats;
    }

    /// <summary>Closes the pool (see <see cref="Close"/>) with the default timeout.</summary>
    public void Dispose()
    {
        Close();
        GC.SuppressFinalize(this);
    }

    /// <summary>The async twin of <see cref="Dispose"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The pool's name and sizes.</summary>
    public override string ToString()
    {
        lock (_lock) return $"<{GetType().Name} '{Name}' size={_size} idle={_idle.Count} in_use={_inUse} waiting={_waiting.Count}{(_closed ? " closed" : "")}>";
    }
}
