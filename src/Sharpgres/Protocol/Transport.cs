using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Sharpgres.Protocol;

/// <summary>
/// Opens the byte stream to one server: a TCP or Unix-domain socket, with a connect timeout, and TLS on top when
/// asked. Knows nothing of PostgreSQL messages except that it is handed the SSLRequest answer to act on.
/// </summary>
internal static class Transport
{
    /// <summary>Connects a socket to <paramref name="target"/>; a host starting with '/' is a socket directory (libpq).</summary>
    public static async ValueTask<Socket> ConnectSocketAsync(ConnectTarget target, TimeSpan? timeout, bool async, CancellationToken ct)
    {
        if (target.IsUnixSocket)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await ConnectWithTimeoutAsync(socket, new UnixDomainSocketEndPoint(target.SocketPath), timeout, async, ct).ConfigureAwait(false);
                return socket;
            }
            catch { socket.Dispose(); throw; }
        }

        var addresses = await ResolveAsync(target, async, ct).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await ConnectWithTimeoutAsync(socket, new IPEndPoint(address, target.Port), timeout, async, ct).ConfigureAwait(false);
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                return socket;
            }
            catch (SocketException e) { socket.Dispose(); last = e; }
            catch { socket.Dispose(); throw; }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// libpq's keepalives, keepalives_idle / _interval / _count (seconds, count) and tcp_user_timeout (ms) on a TCP
    /// session socket, so a host that vanished without closing the connection is detected by the kernel instead of a
    /// read that waits forever. keepalives=0 turns them off; unset values keep the system defaults, as libpq.
    /// </summary>
    public static void ApplyTcpOptions(Socket socket, ConnectionSettings settings)
    {
        if (socket.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)) return;
        var on = settings.KeepAlives ?? true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, on);
        if (on)
        {
            if (settings.KeepAlivesIdle is > 0 and var idle) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idle);
            if (settings.KeepAlivesInterval is > 0 and var interval) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
            if (settings.KeepAlivesCount is > 0 and var count) socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, count);
        }
        if (settings.TcpUserTimeout is > 0 and var userTimeout && OperatingSystem.IsLinux())
        {
            // TCP_USER_TIMEOUT (linux/tcp.h: 18) has no SocketOptionName: set it raw, as libpq does with setsockopt.
            const int IpProtoTcp = 6, TcpUserTimeoutOption = 18;
            socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeoutOption, BitConverter.GetBytes(userTimeout));
        }
    }

    private static async ValueTask<IPAddress[]> ResolveAsync(ConnectTarget target, bool async, CancellationToken ct)
    {
        var name = target.HostAddr ?? target.Host;
        if (IPAddress.TryParse(name, out var literal)) return [literal];
        return async ? await Dns.GetHostAddressesAsync(name, ct).ConfigureAwait(false) : Dns.GetHostAddresses(name);
    }

    /// <summary>
    /// Connects, bounded by <paramref name="timeout"/>. The socket comes back blocking only from a synchronous connect
    /// without a timeout; otherwise its descriptor is non-blocking (an async connect makes it so, and a timeout needs
    /// it), which .NET keeps for good on Unix, and <c>Socket.Blocking</c> is false to say so: see SocketStream.
    /// </summary>
    private static async ValueTask ConnectWithTimeoutAsync(Socket socket, EndPoint endPoint, TimeSpan? timeout, bool async, CancellationToken ct)
    {
        if (async)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (timeout is { } t) cts.CancelAfter(t);
            try { await socket.ConnectAsync(endPoint, cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw new TimeoutException("timeout expired"); }
            socket.Blocking = false;
            return;
        }
        if (timeout is null) { socket.Connect(endPoint); return; }
        // A blocking connect has no timeout: connect non-blocking and wait for writability instead.
        socket.Blocking = false;
        try
        {
            socket.Connect(endPoint);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            var micro = (int)Math.Min(int.MaxValue, timeout.Value.TotalMicroseconds);
            if (!socket.Poll(micro, SelectMode.SelectWrite)) throw new TimeoutException("timeout expired");
            var error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != 0) throw new SocketException(error);
        }
    }

    /// <summary>Wraps the socket in TLS with libpq's sslmode meanings for certificate checks.</summary>
    public static async ValueTask<SslStream> StartTlsAsync(Stream inner, string host, ConnectionSettings settings, bool async, CancellationToken ct)
    {
        var rootPath = settings.SslRootCert ?? DefaultFile("root.crt");
        var mode = settings.SslMode;
        // libpq: sslmode=require with a root certificate file present behaves like verify-ca.
        if (mode == SslMode.Require && rootPath is not null && File.Exists(rootPath)) mode = SslMode.VerifyCA;
        X509Certificate2Collection? roots = null;
        if (mode >= SslMode.VerifyCA)
        {
            if (rootPath is null || !File.Exists(rootPath))
                throw new OperationalError($"root certificate file \"{rootPath ?? "~/.postgresql/root.crt"}\" does not exist\nEither provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode to disable server certificate verification.");
            roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(rootPath);
        }

        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
            Validate(mode, roots, certificate, errors));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.None,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificates = LoadClientCertificate(settings),
        };
        try
        {
            if (async) await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
            else ssl.AuthenticateAsClient(options);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new OperationalError("SSL error: " + e.Message + (e.InnerException is { } i ? " (" + i.Message + ")" : ""), null, e);
        }
        return ssl;
    }

    private static bool Validate(SslMode mode, X509Certificate2Collection? roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (mode < SslMode.VerifyCA) return true;   // require/prefer/allow: encryption without authentication, as libpq
        if (certificate is null) return false;
        if (mode == SslMode.VerifyFull && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots!);
        using var cert = new X509Certificate2(certificate);
        return chain.Build(cert);
    }

    private static X509CertificateCollection? LoadClientCertificate(ConnectionSettings settings)
    {
        var certPath = settings.SslCert ?? DefaultFile("postgresql.crt");
        var keyPath = settings.SslKey ?? DefaultFile("postgresql.key");
        if (certPath is null || !File.Exists(certPath) || keyPath is null || !File.Exists(keyPath)) return null;
        var pem = settings.SslPassword is { } pw
            ? X509Certificate2.CreateFromEncryptedPemFile(certPath, pw, keyPath)
            : X509Certificate2.CreateFromPemFile(certPath, keyPath);
        // SslStream wants a certificate whose key it can use on every platform: round-trip through PKCS#12.
        var usable = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        pem.Dispose();
        return [usable];
    }

    private static string? DefaultFile(string name)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".postgresql", name);
    }
}
