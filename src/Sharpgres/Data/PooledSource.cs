namespace Sharpgres.Data;

/// <summary>
/// Pooling=true. Until the ConnectionPool (src/Sharpgres/Pool) is on main this opens a session per Open, like
/// Pooling=false; it is replaced by the pool's checkout and return.
/// </summary>
internal sealed class PooledSource(SharpgresConnectionStringBuilder settings, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    : ConnectionSource(settings, loggerFactory)
{
    public static ConnectionSource Create(SharpgresConnectionStringBuilder settings, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory) =>
        new PooledSource(settings, loggerFactory);

    public override async ValueTask<Connection> OpenAsync(bool async, CancellationToken ct) =>
        await Connection.OpenAsync(Info, autocommit: true, async, ct, LoggerFactory).ConfigureAwait(false);

    public override ValueTask ReturnAsync(Connection connection, bool async)
    {
        if (async) return connection.CloseAsync();
        connection.Close();
        return ValueTask.CompletedTask;
    }
}
