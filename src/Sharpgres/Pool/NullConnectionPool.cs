namespace Sharpgres.Pool;

/// <summary>
/// psycopg_pool's <c>NullConnectionPool</c>: the pool's API without keeping connections. Each request opens a new
/// connection (up to <c>maxSize</c>, 0 = no limit; beyond it requests wait, first come first served); a connection
/// given back goes to a waiting request if there is one, else is closed. For servers behind PgBouncer, or code that
/// wants a pool's interface without idle sessions. <c>minSize</c> must be 0.
/// </summary>
public sealed class NullConnectionPool : ConnectionPool
{
    /// <summary>Creates a null pool; the parameters are <see cref="ConnectionPool"/>'s, with <paramref name="maxSize"/> null or 0 meaning no limit.</summary>
    public NullConnectionPool(string conninfo = "", int minSize = 0, int? maxSize = null, TimeSpan? timeout = null,
        int maxWaiting = 0, TimeSpan? maxLifetime = null, TimeSpan? maxIdle = null, TimeSpan? reconnectTimeout = null,
        int numWorkers = 3, string? name = null, bool open = true, bool autocommit = false,
        Action<Connection>? configure = null, Action<Connection>? check = null, Action<Connection>? reset = null,
        Action<ConnectionPool>? reconnectFailed = null)
        : this(ConnectionInfo.Parse(conninfo), minSize, maxSize, timeout, maxWaiting, maxLifetime, maxIdle, reconnectTimeout,
            numWorkers, name, open, autocommit, configure, check, reset, reconnectFailed)
    {
    }

    /// <summary>Creates a null pool over a parsed <see cref="ConnectionInfo"/>.</summary>
    public NullConnectionPool(ConnectionInfo info, int minSize = 0, int? maxSize = null, TimeSpan? timeout = null,
        int maxWaiting = 0, TimeSpan? maxLifetime = null, TimeSpan? maxIdle = null, TimeSpan? reconnectTimeout = null,
        int numWorkers = 3, string? name = null, bool open = true, bool autocommit = false,
        Action<Connection>? configure = null, Action<Connection>? check = null, Action<Connection>? reset = null,
        Action<ConnectionPool>? reconnectFailed = null)
        : base(info, minSize, maxSize, timeout, maxWaiting, maxLifetime, maxIdle, reconnectTimeout, numWorkers, name, open,
            autocommit, configure, check, reset, reconnectFailed, nullPool: true)
    {
    }

    private protected override (int Min, int Max) CheckSizes(int minSize, int? maxSize)
    {
        if (minSize != 0) throw new ArgumentOutOfRangeException(nameof(minSize), "null pools must have minSize = 0");
        var max = maxSize ?? 0;
        if (max < 0) throw new ArgumentOutOfRangeException(nameof(maxSize), "maxSize can't be negative (0 = no limit)");
        return (0, max);
    }
}
