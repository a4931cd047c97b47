using Sharpgres.Protocol;

namespace Sharpgres;

/// <summary>
/// What the server told us about the live session (psycopg's <c>conn.info</c>): where we are connected, the server
/// version, backend pid, the parameter statuses and the transaction status. Never exposes the password.
/// </summary>
public sealed class SessionInfo
{
    private readonly Session _session;
    internal SessionInfo(Session session) => _session = session;

    /// <summary>The host connected to, as given (a name, an IP address or a Unix-socket directory); psycopg's <c>conn.info.host</c>.</summary>
    public string Host => _session.Target.Host;
    /// <summary>The numeric address connected to when <c>hostaddr</c> was given, else null; psycopg's <c>conn.info.hostaddr</c>.</summary>
    public string? HostAddr => _session.Target.HostAddr;
    /// <summary>The port connected to; psycopg's <c>conn.info.port</c>.</summary>
    public int Port => _session.Target.Port;
    /// <summary>The database of the session; psycopg's <c>conn.info.dbname</c>.</summary>
    public string DbName => _session.Settings.DbName;
    /// <summary>The role the session authenticated as; psycopg's <c>conn.info.user</c>.</summary>
    public string User => _session.Settings.User;
    /// <summary>The process id of the server backend serving the session (<c>pg_backend_pid()</c>), from BackendKeyData; psycopg's <c>conn.info.backend_pid</c>.</summary>
    public int BackendPid => _session.ProcessId;
    /// <summary>The server version as libpq's PQserverVersion: 150004 for 15.4.</summary>
    public int ServerVersion => _session.ServerVersion;
    /// <summary>psycopg's <c>conn.info.transaction_status</c>: Idle, InTransaction, InFailedTransaction, Active while a statement runs, Unknown once closed.</summary>
    public TransactionStatus TransactionStatus => _session.IsClosed ? TransactionStatus.Unknown : _session.IsBusy ? TransactionStatus.Active : _session.TransactionStatus;
    /// <summary>Every run-time parameter the server reported with ParameterStatus (server_version, TimeZone, DateStyle, integer_datetimes ...), kept current.</summary>
    public IReadOnlyDictionary<string, string> Parameters => _session.Parameters;
    /// <summary>psycopg's <c>conn.info.parameter_status(name)</c>: the last value the server reported for parameter <paramref name="name"/>, or null.</summary>
    public string? ParameterStatus(string name) => _session.Parameters.GetValueOrDefault(name);
    /// <summary>psycopg's <c>conn.info.encoding</c>: the session's client_encoding as the server reported it (UTF8).</summary>
    public string Encoding => _session.Parameters.GetValueOrDefault("client_encoding", "UTF8");
    /// <summary>The session's TimeZone parameter, updated by SET TIME ZONE.</summary>
    public string TimeZoneName => _session.Parameters.GetValueOrDefault("TimeZone", "UTC");
    /// <summary>Whether the connection runs over TLS (the server accepted the SSLRequest).</summary>
    public bool IsSecure => _session.IsSecure;
    /// <summary>psycopg's <c>conn.info.vendor</c>: always "PostgreSQL".</summary>
    public string Vendor => "PostgreSQL";

    /// <summary>The connection's host, port, database, user and backend pid, e.g. <c>host=localhost port=5432 dbname=test user=postgres pid=4242</c>.</summary>
    public override string ToString() => $"host={Host} port={Port} dbname={DbName} user={User} pid={BackendPid}";
}
