using Sharpgres.Pool;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>Where the writer gets its connections: a ConnectionPool, as an application would.</summary>
internal sealed class ConnectionSource : IAsyncDisposable
{
    private ConnectionSource(ConnectionPool pool) => Pool = pool;

    public ConnectionPool Pool { get; }

    /// <summary>
    /// A pool over the cluster with no check function: the point is that the pool notices dead connections by itself
    /// (the FATAL each backend sends when its server goes away).
    /// </summary>
    public static ConnectionSource Create(string conninfo) =>
        new(new ConnectionPool(conninfo, minSize: 2, maxSize: 4, timeout: TimeSpan.FromSeconds(3), reconnectTimeout: TimeSpan.FromMinutes(1), name: "writer"));

    public Task<Connection> CheckoutAsync(CancellationToken ct) => Pool.ConnectionAsync(cancellationToken: ct);

    public async Task GiveBackAsync(Connection conn) => await conn.DisposeAsync();

    public ValueTask DisposeAsync() => Pool.DisposeAsync();
}
