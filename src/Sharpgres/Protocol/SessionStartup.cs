using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Sharpgres.Auth;
using Sharpgres.HighAvailability;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Protocol;

/// <summary>Opening a session: trying hosts in order, TLS negotiation, StartupMessage, authentication.</summary>
internal sealed partial class Session
{
    /// <summary>
    /// Connects to the first target that accepts us and matches target_session_attrs, as libpq does; failures of
    /// every host are reported together, each with libpq's "connection to server at ..." prefix. connect_timeout
    /// bounds each host's attempt. With load_balance_hosts=random the order is shuffled per attempt; hosts the
    /// process-wide <see cref="HostStates"/> recently found down or of the wrong kind go last.
    /// </summary>
    public static async ValueTask<Session> OpenAsync(ConnectionSettings settings, ILogger logger, bool async, CancellationToken ct)
    {
        var failures = new List<string>();
        Exception? lastError = null;
        var attrs = settings.TargetSessionAttrs;
        // prefer-standby: a first pass for standbys, then any server (libpq).
        TargetSessionAttrs[] passes = attrs == TargetSessionAttrs.PreferStandby ? [TargetSessionAttrs.Standby, TargetSessionAttrs.Any] : [attrs];
        var targets = settings.LoadBalanceHosts == LoadBalanceHosts.Random ? Shuffled(settings.Targets) : settings.Targets;
        for (var pass = 0; pass < passes.Length; pass++)
        {
            var wanted = passes[pass];
            foreach (var target in HostStates.Order(targets, wanted, settings.HostRecheck, dropUnsuitable: pass < passes.Length - 1))
            {
                var useTls = !target.IsUnixSocket && settings.SslMode is not (SslMode.Disable or SslMode.Allow);
                for (var attempt = 0; attempt < 2; attempt++)
                {
                    var session = new Session(settings, target, logger) { _useTls = useTls };
                    try
                    {
                        await session.StartAsync(async, ct).ConfigureAwait(false);
                        var kind = await session.LearnKindAsync(wanted, async, ct).ConfigureAwait(false);
                        HostStates.Record(target, kind);
                        var mismatch = kind.Mismatch(wanted);
                        if (mismatch is null) return session;
                        failures.Add(session.Describe() + mismatch);
                        await session.CloseAsync(async).ConfigureAwait(false);
                        break;
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        // The caller gave up (a closing pool, a user's token): the half-open socket must not outlive
                        // the attempt, or its backend lingers until the finalizer runs.
                        await session.CloseAsync(async).ConfigureAwait(false);
                        throw;
                    }
                    catch (Exception e)
                    {
                        await session.CloseAsync(async).ConfigureAwait(false);
                        if (MeansHostDown(e)) HostStates.Record(target, HostKind.Down);
                        failures.Add(session.Describe() + session.FailureText(e));
                        lastError = e;
                        if (attempt > 0 || !ShouldRetryWithOtherTls(settings.SslMode, target, e)) break;
                        useTls = !useTls;
                    }
                }
            }
        }
        var message = string.Join("\n", failures);
        var diagnostics = (lastError as Error)?.Diagnostics;
        if (settings.Targets.Count == 1 && diagnostics is not null && Error.FromDiagnostics(diagnostics, message) is OperationalError specific)
            throw specific;
        throw new OperationalError(message, diagnostics, lastError);
    }

    /// <summary>libpq 16's load_balance_hosts=random: a fresh random order for every connection attempt.</summary>
    private static ConnectTarget[] Shuffled(IReadOnlyList<ConnectTarget> targets)
    {
        var order = targets.ToArray();
        Random.Shared.Shuffle(order);
        return order;
    }

    /// <summary>
    /// A failure that says nothing answers there (refused, timed out, reset) or that the server is not accepting
    /// sessions (57P03 starting up / shutting down, 57P01 terminated): worth remembering as down. An authentication
    /// or configuration error comes from a live server and is not.
    /// </summary>
    private static bool MeansHostDown(Exception e) => e switch
    {
        Error { SqlState: { } state } => state.StartsWith("57P", StringComparison.Ordinal),
        Error { Diagnostics: null } err => err.InnerException is IOException or SocketException,
        _ => e is SocketException or TimeoutException or OperationCanceledException or IOException,
    };

    private bool _useTls;

    /// <summary>
    /// libpq's allow (plaintext first, TLS when the server refuses it) and prefer (TLS first, plaintext when the TLS
    /// attempt fails): one more try with the other choice after a TLS failure or a pg_hba rejection (28000).
    /// </summary>
    private static bool ShouldRetryWithOtherTls(SslMode mode, ConnectTarget target, Exception e) =>
        !target.IsUnixSocket && mode is SslMode.Allow or SslMode.Prefer
        && (e is Error { SqlState: "28000" } || e is OperationalError { Diagnostics: null } o && o.Message.StartsWith("SSL error", StringComparison.Ordinal));

    private string Describe() => Target.IsUnixSocket
        ? $"connection to server on socket \"{Target.SocketPath}\" failed: "
        : Target.HostAddr is { } addr && addr != Target.Host
            ? $"connection to server at \"{Target.Host}\" ({addr}), port {Target.Port} failed: "
            : $"connection to server at \"{Target.Host}\", port {Target.Port} failed: ";

    private string FailureText(Exception e) => e switch
    {
        Error { Diagnostics: { } d } => $"{d.Severity}:  {d.Format()}",
        Error err => err.Message,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => Target.IsUnixSocket
            ? "Connection refused\n\tIs the server running locally and accepting connections on that socket?"
            : "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported } when Target.IsUnixSocket
            => "No such file or directory\n\tIs the server running locally and accepting connections on that socket?",
        SocketException s => s.Message,
        TimeoutException => "timeout expired",
        OperationCanceledException => "timeout expired",
        _ => e.Message,
    };

    /// <summary>Socket, TLS, StartupMessage, authentication, up to the first ReadyForQuery.</summary>
    private async ValueTask StartAsync(bool async, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (Settings.ConnectTimeout is { } t) timeout.CancelAfter(t);
        _socket = await Transport.ConnectSocketAsync(Target, Settings.ConnectTimeout, async, timeout.Token).ConfigureAwait(false);
        Transport.ApplyTcpOptions(_socket, Settings);
        var socketStream = _socketStream = new SocketStream(_socket);
        if (Settings.ConnectTimeout is { } st) socketStream.TimeoutMs = (int)st.TotalMilliseconds;
        _stream = socketStream;
        Reader.Stream = Writer.Stream = _stream;

        if (_useTls) await NegotiateTlsAsync(async, timeout.Token).ConfigureAwait(false);

        Writer.WriteStartup(StartupParameters());
        await FlushAsync(async, timeout.Token).ConfigureAwait(false);
        try
        {
            await AuthenticateAsync(async, timeout.Token).ConfigureAwait(false);
            await ReadUntilReadyAsync(async, timeout.Token).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
        {
            throw new TimeoutException("timeout expired", e);
        }
        socketStream.TimeoutMs = 0;
        // Without TLS the buffers talk to the socket itself from here on (see ReadBuffer.Socket).
        if (_stream == socketStream) Reader.Socket = Writer.Socket = socketStream;
    }

    private IEnumerable<KeyValuePair<string, string>> StartupParameters()
    {
        yield return new("user", Settings.User);
        yield return new("database", Settings.DbName);
        yield return new("client_encoding", "UTF8");
        // ISO dates and full float precision make the text format exact and parseable (as pgjdbc does).
        yield return new("DateStyle", "ISO, MDY");
        yield return new("extra_float_digits", "3");
        if ((Settings.ApplicationName ?? Settings.FallbackApplicationName) is { } app) yield return new("application_name", app);
        if (Settings.Options is { } options) yield return new("options", options);
    }

    private async ValueTask NegotiateTlsAsync(bool async, CancellationToken ct)
    {
        Writer.WriteSslRequest();
        await FlushAsync(async, ct).ConfigureAwait(false);
        var answer = await Reader.ReadRawByteAsync(async, ct).ConfigureAwait(false);
        if (answer == (byte)'S')
        {
            if (Reader.BufferedBytes > 0)   // CVE-2021-23222: bytes before the TLS handshake are an attack
                throw new OperationalError("received unencrypted data after SSL response");
            var ssl = await Transport.StartTlsAsync(_stream!, Target.Host, Settings, async, ct).ConfigureAwait(false);
            _stream = ssl;
            Reader.Stream = Writer.Stream = ssl;
            return;
        }
        if (answer == (byte)'N')
        {
            if (Settings.SslMode >= SslMode.Require || Settings.SslMode == SslMode.Allow)
                throw new OperationalError("server does not support SSL, but SSL was required");
            return;
        }
        throw new OperationalError($"received invalid response to SSL negotiation: {(char)answer}");
    }

    private async ValueTask AuthenticateAsync(bool async, CancellationToken ct)
    {
        ScramSha256Client? scram = null;
        var usedChannelBinding = false;
        var requirement = AuthRequirement.From(Settings.RequireAuth);
        var authenticated = false;
        while (true)
        {
            var code = await ReadMessageAsync(async, ct).ConfigureAwait(false);
            if (code == BackendMessageCode.ErrorResponse) throw Error.FromDiagnostics(ErrorResponse.Parse(Reader.Payload));
            if (code == BackendMessageCode.NegotiateProtocolVersion) throw InvalidNegotiation();
            if (code != BackendMessageCode.Authentication) throw Unexpected(code, "authentication");
            var payload = Reader.Payload;
            var request = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(payload);
            requirement?.CheckRequest(request);
            authenticated |= request != 0;
            switch (request)
            {
                case 0: // AuthenticationOk
                    requirement?.CheckCompleted(authenticated);
                    if (scram is { IsServerVerified: false })
                        throw new OperationalError("server sent AuthenticationOk without completing SCRAM authentication");
                    if (Settings.ChannelBinding == ChannelBinding.Require && !usedChannelBinding)
                        throw new OperationalError("channel binding required, but server authenticated client without channel binding");
                    return;
                case 3: // AuthenticationCleartextPassword
                    RequireNoChannelBinding();
                    Writer.WritePassword(Encoding.UTF8.GetBytes(RequirePassword()));
                    break;
                case 5: // AuthenticationMD5Password
                    RequireNoChannelBinding();
                    Writer.WritePassword(Md5Password.Compute(Settings.User, RequirePassword(), payload.Slice(4, 4)));
                    break;
                case 10: // AuthenticationSASL
                    var mechanisms = ParseMechanisms(payload[4..]);
                    var mechanism = ScramSha256Client.SelectMechanism(mechanisms, ToPolicy(Settings.ChannelBinding), IsSecure,
                        ServerCertificateHash(), out var binding);
                    usedChannelBinding = mechanism.EndsWith("-PLUS", StringComparison.Ordinal);
                    scram = new ScramSha256Client(RequirePassword(), binding);
                    Writer.WriteSaslInitialResponse(mechanism, scram.ClientFirstMessage());
                    break;
                case 11: // AuthenticationSASLContinue
                    if (scram is null) throw Unexpected(code, "AuthenticationSASL");
                    Writer.WriteSaslResponse(scram.ClientFinalMessage(payload[4..]));
                    break;
                case 12: // AuthenticationSASLFinal
                    if (scram is null) throw Unexpected(code, "AuthenticationSASL");
                    scram.VerifyServerFinal(payload[4..]);
                    continue;
                default:
                    throw new OperationalError($"authentication method requested by server is not supported: {AuthName(request)}");
            }
            await FlushAsync(async, ct).ConfigureAwait(false);
        }
    }

    /// <summary>tls-server-end-point data, or null when there is no TLS or the certificate gives no usable hash.</summary>
    private byte[]? ServerCertificateHash()
    {
        if ((_stream as SslStream)?.RemoteCertificate is not { } remote) return null;
        try
        {
            using var cert = new X509Certificate2(remote);
            return ScramSha256Client.TlsServerEndPointHash(cert);
        }
        catch (OperationalError e)
        {
            Log.NoChannelBinding(_logger, e);
            return null;
        }
    }

    private void RequireNoChannelBinding()
    {
        if (Settings.ChannelBinding == ChannelBinding.Require)
            throw new OperationalError("channel binding required but not supported by server's authentication request");
    }

    private string RequirePassword() => Target.Password is { Length: > 0 } p ? p : throw new OperationalError("fe_sendauth: no password supplied");

    private static ChannelBindingPolicy ToPolicy(ChannelBinding b) => b switch
    {
        ChannelBinding.Disable => ChannelBindingPolicy.Disable,
        ChannelBinding.Require => ChannelBindingPolicy.Require,
        _ => ChannelBindingPolicy.Prefer,
    };

    private static string AuthName(int request) => request switch
    {
        2 => "Kerberos V5",
        6 => "SCM credentials",
        7 or 8 => "GSSAPI",
        9 => "SSPI",
        _ => $"request {request}",
    };

    private static List<string> ParseMechanisms(ReadOnlySpan<byte> data)
    {
        var list = new List<string>();
        var reader = new SpanReader(data);
        while (reader.Remaining > 1)
        {
            var name = reader.ReadCString();
            if (name.Length == 0) break;
            list.Add(name);
        }
        return list;
    }

    /// <summary>
    /// NegotiateProtocolVersion answers a request for a newer minor version or for _pq_ options; Sharpgres asks for
    /// 3.0 and no options, so any such message is a server out of step (libpq 17: "received invalid protocol
    /// negotiation message"), never a reason to go on with a protocol neither side agreed on.
    /// </summary>
    private OperationalError InvalidNegotiation()
    {
        var reader = new SpanReader(Reader.Payload);
        var minor = reader.Remaining >= 4 ? reader.ReadInt32() : -1;   // the newest minor version of 3 it supports
        return new OperationalError(minor >= 0
            ? $"received invalid protocol negotiation message: server offered protocol 3.{minor} although 3.0 with no options was requested"
            : "received invalid protocol negotiation message");
    }

    /// <summary>After authentication: BackendKeyData, ParameterStatus... up to ReadyForQuery, or a FATAL error.</summary>
    private async ValueTask ReadUntilReadyAsync(bool async, CancellationToken ct)
    {
        while (true)
        {
            var code = await ReadMessageAsync(async, ct).ConfigureAwait(false);
            switch (code)
            {
                case BackendMessageCode.BackendKeyData:
                    var reader = new SpanReader(Reader.Payload);
                    ProcessId = reader.ReadInt32();
                    SecretKey = reader.ReadInt32();
                    break;
                case BackendMessageCode.ReadyForQuery:
                    OnReadyForQuery();
                    Started = true;
                    return;
                case BackendMessageCode.ErrorResponse:
                    throw Error.FromDiagnostics(ErrorResponse.Parse(Reader.Payload));
                default:
                    throw Unexpected(code, "ReadyForQuery");
            }
        }
    }

    /// <summary>
    /// What kind of server this is, for target_session_attrs: from the in_hot_standby and
    /// default_transaction_read_only ParameterStatus reports on 14+ (no round trip); older servers are asked
    /// (<c>SHOW transaction_read_only</c>, <c>pg_is_in_recovery()</c>) only when <paramref name="wanted"/> needs it.
    /// </summary>
    private async ValueTask<HostKind> LearnKindAsync(TargetSessionAttrs wanted, bool async, CancellationToken ct)
    {
        var kind = HostKinds.FromParameters(Parameters);
        if (kind != HostKind.Unknown || wanted == TargetSessionAttrs.Any) return kind;
        var readOnly = await SimpleScalarAsync("SHOW transaction_read_only", async, ct).ConfigureAwait(false) == "on";
        var standby = await SimpleScalarAsync("SELECT pg_catalog.pg_is_in_recovery()", async, ct).ConfigureAwait(false) == "t";
        return HostKinds.From(standby, readOnly);
    }

    /// <summary>One simple-protocol query returning the first column of the first row as text.</summary>
    internal async ValueTask<string?> SimpleScalarAsync(string sql, bool async, CancellationToken ct)
    {
        Writer.WriteQuery(sql);
        await FlushAsync(async, ct).ConfigureAwait(false);
        string? value = null;
        Error? error = null;
        while (true)
        {
            var code = await ReadMessageAsync(async, ct).ConfigureAwait(false);
            switch (code)
            {
                case BackendMessageCode.DataRow when value is null:
                    var reader = new SpanReader(Reader.Payload);
                    if (reader.ReadInt16() > 0 && reader.ReadInt32() is var len and >= 0) value = Encoding.UTF8.GetString(reader.ReadBytes(len));
                    break;
                case BackendMessageCode.ErrorResponse:
                    error = Error.FromDiagnostics(ErrorResponse.Parse(Reader.Payload));
                    break;
                case BackendMessageCode.ReadyForQuery:
                    OnReadyForQuery();
                    if (error is not null) throw error;
                    return value;
            }
        }
    }
}
