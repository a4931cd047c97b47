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

    public string Host => _session.Target.Host;
    public string? HostAddr => _session.Target.HostAddr;
    public int Port => _session.Target.Port;
    public string DbName => _session.Settings.DbName;
    public string User => _session.Settings.User;
    public int BackendPid => _session.ProcessId;
    /// <summary>The server version as libpq's PQserverVersion: 150004 for 15.4.</summary>
    public int ServerVersion => _session.ServerVersion;
    public TransactionStatus TransactionStatus => _session.IsClosed ? TransactionStatus.Unknown : _session.IsBusy ? TransactionStatus.Active : _session.TransactionStatus;
    public IReadOnlyDictionary<string, string> Parameters => _session.Parameters;
    public string? ParameterStatus(string name) => _session.Parameters.GetValueOrDefault(name);
    public string Encoding => _session.Parameters.GetValueOrDefault("client_encoding", "UTF8");
    /// <summary>The session's TimeZone parameter, updated by SET TIME ZONE.</summary>
    public string TimeZoneName => _session.Parameters.GetValueOrDefault("TimeZone", "UTC");
    public bool IsSecure => _session.IsSecure;
    public string Vendor => "PostgreSQL";

    public override string ToString() => $"host={Host} port={Port} dbname={DbName} user={User} pid={BackendPid}";
}
