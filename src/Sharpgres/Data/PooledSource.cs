using Sharpgres.Pool;

namespace Sharpgres.Data;

/// <summary>
/// Sessions from a <see cref="ConnectionPool"/> (psycopg_pool's model): Pooling=true gets one per connection string or
/// data source, sized and timed by the connection string's pool keys; a data source with Pooling=false gets a
/// <see cref="NullConnectionPool"/> (a physical connection per Open, closed on Close) so it still has a pool to
/// register and to observe. Closing an ADO.NET connection gives its session back: the pool rolls back what was left
/// open, discards it if it is broken or busy, and hands it to the next waiter.
/// </summary>
internal sealed class PooledSource : ConnectionSource
{
    public PooledSource(SharpgresConnectionStringBuilder settings, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
        : base(settings, loggerFactory)
    {
        Pool = CreatePool(settings, Info);
        ResetOnReturn = settings.Pooling && !settings.NoResetOnClose;
        if (loggerFactory is not null) Pool.UseLoggerFactory(loggerFactory);
        Pool.Open();
    }

    public override ConnectionPool Pool { get; }

    /// <summary>Whether a returned session is reset before its next ADO.NET use (see <see cref="SessionReset"/>).</summary>
    public override bool ResetOnReturn { get; }

    /// <summary>
    /// Npgsql's pool keys in psycopg_pool's terms. Timeout is both the connect timeout and the wait for a free
    /// connection (as in Npgsql); 0 means no limit there, and for Connection Lifetime / Connection Idle Lifetime.
    /// </summary>
    private static ConnectionPool CreatePool(SharpgresConnectionStringBuilder settings, ConnectionInfo info)
    {
        var min = settings.MinPoolSize;
        var max = settings.MaxPoolSize;
        if (min < 0) throw new ArgumentException($"Minimum Pool Size can't be negative ({min})", "Minimum Pool Size");
        if (settings.Pooling && max < 1) throw new ArgumentException($"Maximum Pool Size must be at least 1 ({max})", "Maximum Pool Size");
        if (settings.Pooling && min > max)
            throw new ArgumentException($"Minimum Pool Size ({min}) can't be greater than Maximum Pool Size ({max})", "Minimum Pool Size");
        var timeout = Seconds(settings.Timeout);
        var name = $"{info.User}@{info.Host}:{info.Port}/{info.DbName}";
        if (!settings.Pooling)
            return new NullConnectionPool(info, timeout: timeout, numWorkers: 1, name: name, open: false, autocommit: true);
        return new ConnectionPool(info, minSize: min, maxSize: max, timeout: timeout,
            maxLifetime: Seconds(settings.ConnectionLifetime), maxIdle: Seconds(settings.ConnectionIdleLifetime),
            name: name, open: false, autocommit: true);
    }

    private static TimeSpan Seconds(int seconds) => seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MaxValue;

    public override async ValueTask<Connection> OpenAsync(bool async, CancellationToken ct) =>
        await Pool.GetConnectionAsync(null, async, ct).ConfigureAwait(false);

    public override ValueTask ReturnAsync(Connection connection, bool async) => Pool.ReturnAsync(connection, async);

    /// <summary>ClearPool: idle sessions are closed now, those in use when they come back; only Minimum Pool Size is reopened (the pool's Drain, without its one-for-one replacement).</summary>
    public override void Clear() => Pool.Drain(replace: false);

    /// <summary>Closes the pool without waiting for sessions in use: they are closed as they come back.</summary>
    public override void Dispose() => Pool.Close(TimeSpan.Zero);

    public override async ValueTask DisposeAsync() => await Pool.CloseAsync(TimeSpan.Zero).ConfigureAwait(false);
}
