namespace Sharpgres;

/// <summary>
/// A <see cref="ConnectionInfo"/> resolved as libpq does before connecting: service file, environment
/// variables and defaults applied, every value checked and converted, the host list expanded into
/// <see cref="Targets"/> with their passwords (explicit or from the password file).
/// Produced by <see cref="ConnectionInfo.Resolve(Func{string, string?}?, string?)"/>.
/// </summary>
internal sealed class ConnectionSettings
{
    /// <summary>The servers to try, in order (shuffled when <see cref="LoadBalanceHosts"/> is Random). Never empty.</summary>
    public required IReadOnlyList<ConnectTarget> Targets { get; init; }

    public required string DbName { get; init; }
    public required string User { get; init; }

    public string? ApplicationName { get; init; }
    public string? FallbackApplicationName { get; init; }

    /// <summary>Command-line options sent to the server at connection start (<c>options</c>, PGOPTIONS).</summary>
    public string? Options { get; init; }

    /// <summary>The client encoding to request; "auto" and unset both mean UTF8.</summary>
    public string ClientEncoding { get; init; } = "UTF8";

    public SslMode SslMode { get; init; } = SslMode.Prefer;
    public string? SslRootCert { get; init; }
    public string? SslCert { get; init; }
    public string? SslKey { get; init; }
    public string? SslPassword { get; init; }
    public string? SslCrl { get; init; }
    public string? SslCrlDir { get; init; }

    /// <summary>sslcertmode: "disable", "allow" (libpq's default) or "require".</summary>
    public string SslCertMode { get; init; } = "allow";

    /// <summary>Whether to send SNI (sslsni, default on).</summary>
    public bool SslSni { get; init; } = true;

    /// <summary>ssl_min_protocol_version, libpq's default TLSv1.2; empty means no bound.</summary>
    public string SslMinProtocolVersion { get; init; } = "TLSv1.2";

    /// <summary>ssl_max_protocol_version; null means no bound.</summary>
    public string? SslMaxProtocolVersion { get; init; }

    /// <summary>sslnegotiation: "postgres" (default) or "direct".</summary>
    public string SslNegotiation { get; init; } = "postgres";

    public ChannelBinding ChannelBinding { get; init; } = ChannelBinding.Prefer;

    /// <summary>Per-host connection timeout; null means wait indefinitely. libpq's minimum of 2 seconds applied.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// cancel_timeout: after a CancelRequest (a cancelled token or <c>conn.Cancel()</c>), how long the statement may
    /// take to end before the session is closed and marked broken. Default 5 seconds, as the contract.
    /// </summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TargetSessionAttrs TargetSessionAttrs { get; init; } = TargetSessionAttrs.Any;
    public LoadBalanceHosts LoadBalanceHosts { get; init; } = LoadBalanceHosts.Disable;

    /// <summary>
    /// host_recheck_seconds (default 10): how long a host found down or of the wrong kind is tried last by every
    /// connection attempt of the process; zero turns the host-state cache off for this connection.
    /// </summary>
    public TimeSpan HostRecheck { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TCP keepalives; null when not set (libpq's default is on).</summary>
    public bool? KeepAlives { get; init; }
    public int? KeepAlivesIdle { get; init; }
    public int? KeepAlivesInterval { get; init; }
    public int? KeepAlivesCount { get; init; }

    /// <summary>tcp_user_timeout in milliseconds; null when not set.</summary>
    public int? TcpUserTimeout { get; init; }

    /// <summary>require_auth as given (checked), or null.</summary>
    public string? RequireAuth { get; init; }

    /// <summary>requirepeer: the OS user the server process must run as (Unix sockets only), or null.</summary>
    public string? RequirePeer { get; init; }

    /// <summary>replication as given ("true", "database", ...), or null.</summary>
    public string? Replication { get; init; }

    /// <summary>gssencmode as given, or null.</summary>
    public string? GssEncMode { get; init; }

    /// <summary>The service used, or null.</summary>
    public string? Service { get; init; }

    /// <summary>The password file consulted (or that would have been), or null if no password was needed from it.</summary>
    public string? PassFile { get; init; }

    /// <summary>Warnings met while resolving (e.g. a password file with unsafe permissions), for the connection to log.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// Every keyword set by the connection info, the service file or the environment (not the defaults),
    /// as libpq's PQconninfo would report them. Includes the password.
    /// </summary>
    public required ConnectionInfo Effective { get; init; }
}
