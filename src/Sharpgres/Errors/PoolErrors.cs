namespace Sharpgres.Errors;

/// <summary>
/// psycopg_pool's <c>PoolTimeout</c>: no connection could be obtained from a pool within its timeout. The message
/// names the pool, the time waited and the sizes (in use / idle / max / waiting) and says what to change.
/// </summary>
public class PoolTimeout : OperationalError
{
    /// <summary>Creates the error with its message.</summary>
    public PoolTimeout(string message, Exception? inner = null) : base(message, null, inner) { }
}

/// <summary>
/// psycopg_pool's <c>TooManyRequests</c>: the pool's waiting queue already holds <c>maxWaiting</c> requests, so
/// this one is refused at once instead of queueing.
/// </summary>
public class TooManyRequests : OperationalError
{
    /// <summary>Creates the error with its message.</summary>
    public TooManyRequests(string message) : base(message) { }
}

/// <summary>
/// psycopg_pool's <c>PoolClosed</c>: the pool is not open yet, or was closed (waiters queued when it closes get this too).
/// </summary>
public class PoolClosed : OperationalError
{
    /// <summary>Creates the error with its message.</summary>
    public PoolClosed(string message) : base(message) { }
}
