namespace Sharpgres;

/// <summary>
/// One server to try, as libpq's pg_conn_host: a host name, a Unix socket directory (starts with '/', or
/// '@' for Linux's abstract namespace), or, when <see cref="HostAddr"/> is set, a numeric address to connect
/// to (<see cref="Host"/> is then the name used for TLS and the password file; it is the address itself when
/// no host name was given).
/// </summary>
internal sealed record ConnectTarget(string Host, string? HostAddr, int Port, string? Password)
{
    /// <summary>
    /// True for a Unix-domain socket connection. As in libpq, a hostaddr always means TCP,
    /// whatever the host name looks like.
    /// </summary>
    public bool IsUnixSocket => HostAddr is null && (Host.StartsWith('/') || Host.StartsWith('@'));

    /// <summary>The socket file for a Unix-domain connection: <c>{dir}/.s.PGSQL.{port}</c>.</summary>
    public string SocketPath => $"{Host}/.s.PGSQL.{Port}";

    /// <summary>Never shows the password.</summary>
    public override string ToString() =>
        HostAddr is null ? $"{Host}:{Port}" : $"{Host} ({HostAddr}):{Port}";
}
