using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sharpgres;

/// <summary>
/// The entry point, as psycopg's module functions: <c>Pg.Connect(...)</c> is <c>psycopg.connect(...)</c>.
/// Named arguments override the conninfo string, which overrides environment variables and defaults (libpq's order).
/// </summary>
public static class Pg
{
    /// <summary>Where Sharpgres logs (notices, broken connections, ignored pgpass files). Null logger by default.</summary>
    public static ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Tracing and logging options for every connection: filter, enrich, span names, opt-in parameter values and
    /// connect spans. Spans come from the ActivitySource "Sharpgres", metrics from the Meter "Sharpgres".
    /// </summary>
    public static PgTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>psycopg's <c>psycopg.connect(conninfo, **kwargs)</c>: opens a connection from a conninfo string or URI (<c>""</c> uses the PG* environment variables), the named arguments overriding its keywords; not in autocommit unless <paramref name="autocommit"/>.</summary>
    public static Connection Connect(string conninfo = "", string? host = null, int? port = null, string? dbname = null,
        string? user = null, string? password = null, string? sslmode = null, string? applicationName = null,
        int? connectTimeout = null, bool autocommit = false) =>
        Connect(Build(conninfo, host, port, dbname, user, password, sslmode, applicationName, connectTimeout), autocommit);

    /// <summary>Opens a connection from parsed connection parameters (<see cref="ConnectionInfo"/>), trying each host in turn as libpq does.</summary>
    public static Connection Connect(ConnectionInfo info, bool autocommit = false) =>
        Connection.OpenAsync(info, autocommit, async: false, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Async twin of <see cref="Connect(string, string?, int?, string?, string?, string?, string?, string?, int?, bool)"/> (psycopg's <c>await AsyncConnection.connect(...)</c>); cancelling the token abandons the attempt.</summary>
    public static Task<Connection> ConnectAsync(string conninfo = "", string? host = null, int? port = null, string? dbname = null,
        string? user = null, string? password = null, string? sslmode = null, string? applicationName = null,
        int? connectTimeout = null, bool autocommit = false, CancellationToken cancellationToken = default) =>
        ConnectAsync(Build(conninfo, host, port, dbname, user, password, sslmode, applicationName, connectTimeout), autocommit, cancellationToken);

    /// <summary>Async twin of <see cref="Connect(ConnectionInfo, bool)"/>: opens a connection from parsed connection parameters without blocking a thread.</summary>
    public static Task<Connection> ConnectAsync(ConnectionInfo info, bool autocommit = false, CancellationToken cancellationToken = default) =>
        Connection.OpenAsync(info, autocommit, async: true, cancellationToken).AsTask();

    private static ConnectionInfo Build(string conninfo, string? host, int? port, string? dbname, string? user, string? password,
        string? sslmode, string? applicationName, int? connectTimeout) =>
        ConnectionInfo.Parse(conninfo).Merge(ConnectionInfo.FromDictionary(new KeyValuePair<string, string?>[]
        {
            new("host", host), new("port", port?.ToString()), new("dbname", dbname), new("user", user),
            new("password", password), new("sslmode", sslmode), new("application_name", applicationName),
            new("connect_timeout", connectTimeout?.ToString()),
        }));
}
