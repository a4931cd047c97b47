namespace Sharpgres;

/// <summary>libpq's <c>sslmode</c>: whether and how TLS is negotiated.</summary>
public enum SslMode
{
    /// <summary><c>disable</c>: never send an SSLRequest; plain TCP only.</summary>
    Disable,
    /// <summary><c>allow</c>: try plain TCP first, and TLS only if the server rejects the unencrypted connection.</summary>
    Allow,
    /// <summary><c>prefer</c> (libpq's default): try TLS first, fall back to plain TCP when the server refuses it.</summary>
    Prefer,
    /// <summary><c>require</c>: TLS or fail, without checking the server's certificate (unless <c>sslrootcert</c> is given, as in libpq).</summary>
    Require,
    /// <summary><c>verify-ca</c>: TLS, and the server's certificate must chain to the trusted CA (<c>sslrootcert</c>).</summary>
    VerifyCA,
    /// <summary><c>verify-full</c>: as <see cref="VerifyCA"/>, and the certificate must also name the host connected to.</summary>
    VerifyFull,
}

/// <summary>libpq's <c>channel_binding</c>: use of SCRAM channel binding.</summary>
public enum ChannelBinding
{
    /// <summary><c>disable</c>: never use channel binding (SCRAM-SHA-256 without -PLUS).</summary>
    Disable,
    /// <summary><c>prefer</c> (the default): use SCRAM-SHA-256-PLUS over TLS when the server offers it.</summary>
    Prefer,
    /// <summary><c>require</c>: fail unless the server authenticates with SCRAM-SHA-256-PLUS over TLS.</summary>
    Require,
}

/// <summary>libpq's <c>target_session_attrs</c>: which kind of server is acceptable.</summary>
public enum TargetSessionAttrs
{
    /// <summary><c>any</c> (the default): the first server that accepts the connection.</summary>
    Any,
    /// <summary><c>read-write</c>: a server whose <c>transaction_read_only</c> is off (a primary not forced read-only).</summary>
    ReadWrite,
    /// <summary><c>read-only</c>: a server whose <c>transaction_read_only</c> is on (a standby, or a read-only primary).</summary>
    ReadOnly,
    /// <summary><c>primary</c>: a server not in recovery (<c>pg_is_in_recovery()</c> false).</summary>
    Primary,
    /// <summary><c>standby</c>: a server in recovery (a hot standby).</summary>
    Standby,
    /// <summary><c>prefer-standby</c>: a standby if one of the hosts is, else any server.</summary>
    PreferStandby,
}

/// <summary>libpq's <c>load_balance_hosts</c>: order in which the hosts are tried.</summary>
public enum LoadBalanceHosts
{
    /// <summary><c>disable</c> (the default): the hosts in the order given.</summary>
    Disable,
    /// <summary><c>random</c>: the hosts (and each host's addresses) in a random order, spreading connections over them.</summary>
    Random,
}
