using System.Collections.Concurrent;

namespace Sharpgres.Data;

/// <summary>
/// Where an ADO.NET connection's session comes from and goes back to: the shared pool of its connection string
/// (Pooling=true) or a fresh session opened and closed each time (Pooling=false). The small seam between
/// <see cref="SharpgresConnection"/> and the pool.
/// </summary>
internal abstract class ConnectionSource : IDisposable, IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, ConnectionSource> Pools = new(StringComparer.Ordinal);

    protected ConnectionSource(SharpgresConnectionStringBuilder settings, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        Settings = settings;
        Info = settings.ToConnectionInfo();
        LoggerFactory = loggerFactory;
    }

    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; }

    /// <summary>The pool the sessions come from; null for a connection string with Pooling=false.</summary>
    public virtual Sharpgres.Pool.ConnectionPool? Pool => null;

    /// <summary>Whether a session given back is reset before its next ADO.NET use (pooled, No Reset On Close=false).</summary>
    public virtual bool ResetOnReturn => false;

    public virtual void Dispose() { }
    public virtual ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }

    public SharpgresConnectionStringBuilder Settings { get; }
    public ConnectionInfo Info { get; }

    public abstract ValueTask<Connection> OpenAsync(bool async, CancellationToken ct);
    public abstract ValueTask ReturnAsync(Connection connection, bool async);

    /// <summary>Closes idle pooled sessions; those in use are closed when they come back.</summary>
    public virtual void Clear() { }

    /// <summary>The source for a connection string: one pool per distinct string when pooling, else a new unpooled one.</summary>
    public static ConnectionSource For(string connectionString, SharpgresConnectionStringBuilder settings)
    {
        if (!settings.Pooling) return new UnpooledSource(settings, null);
        if (Pools.TryGetValue(connectionString, out var shared)) return shared;
        // Under a lock so that two first Opens of one string don't both start a pool (GetOrAdd may run its factory twice).
        lock (Pools) return Pools.GetOrAdd(connectionString, _ => new PooledSource(settings, null));
    }

    /// <summary>The pool of a connection string, if one was made (ClearPool doesn't start one just to clear it).</summary>
    public static ConnectionSource? Shared(string connectionString) => Pools.GetValueOrDefault(connectionString);

    /// <summary>SharpgresConnection.ClearAllPools.</summary>
    public static void ClearAll()
    {
        foreach (var pool in Pools.Values) pool.Clear();
    }
}

/// <summary>Pooling=false: every Open starts a session, every Close ends it.</summary>
internal sealed class UnpooledSource(SharpgresConnectionStringBuilder settings, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    : ConnectionSource(settings, loggerFactory)
{
    public override async ValueTask<Connection> OpenAsync(bool async, CancellationToken ct) =>
        await Connection.OpenAsync(Info, autocommit: true, async, ct, LoggerFactory).ConfigureAwait(false);

    public override ValueTask ReturnAsync(Connection connection, bool async) =>
        async ? connection.CloseAsync() : CloseSync(connection);

    private static ValueTask CloseSync(Connection connection)
    {
        connection.Close();
        return ValueTask.CompletedTask;
    }
}
