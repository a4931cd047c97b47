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

    public static Connection Connect(string conninfo = "", string? host = null, int? port = null, string? dbname = null,
        string? user = null, string? password = null, string? sslmode = null, string? applicationName = null,
        int? connectTimeout = null, bool autocommit = false) =>
        Connect(Build(conninfo, host, port, dbname, user, password, sslmode, applicationName, connectTimeout), autocommit);

    public static Connection Connect(ConnectionInfo info, bool autocommit = false) =>
        Connection.OpenAsync(info, autocommit, async: false, CancellationToken.None).GetAwaiter().GetResult();

    public static Task<Connection> ConnectAsync(string conninfo = "", string? host = null, int? port = null, string? dbname = null,
        string? user = null, string? password = null, string? sslmode = null, string? applicationName = null,
        int? connectTimeout = null, bool autocommit = false, CancellationToken cancellationToken = default) =>
        ConnectAsync(Build(conninfo, host, port, dbname, user, password, sslmode, applicationName, connectTimeout), autocommit, cancellationToken);

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
