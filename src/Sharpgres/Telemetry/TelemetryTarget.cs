namespace Sharpgres;

/// <summary>Where a connection's operations go, for db.namespace / server.address / server.port: built once per connection.</summary>
internal sealed class TelemetryTarget(string database, string host, int port)
{
    public string Database { get; } = database;
    public string Host { get; } = host;
    public int Port { get; } = port;
}
