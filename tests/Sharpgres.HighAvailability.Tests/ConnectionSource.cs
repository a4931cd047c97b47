namespace Sharpgres.HighAvailability.Tests;

/// <summary>Where the writer gets its connections: a plain connect per transaction (until the pool is used).</summary>
internal sealed class ConnectionSource : IAsyncDisposable
{
    private readonly string conninfo;

    private ConnectionSource(string conninfo) => this.conninfo = conninfo;

    public static ConnectionSource Create(string conninfo) => new(conninfo);

    public Task<Connection> CheckoutAsync(CancellationToken ct) => Pg.ConnectAsync(conninfo, cancellationToken: ct);

    public async Task GiveBackAsync(Connection conn) => await conn.DisposeAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
