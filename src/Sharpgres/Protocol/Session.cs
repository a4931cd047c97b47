using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Protocol;

/// <summary>
/// One live server session: the socket and its buffers, the transaction status, the parameter statuses, and the
/// one I/O core every public sync and async method goes through. Knows the protocol, not psycopg's model.
/// </summary>
internal sealed partial class Session : IDisposable
{
    private readonly ILogger _logger;
    private Socket? _socket;
    private SocketStream? _socketStream;   // over _socket; TLS, when used, reads through it
    private Stream? _stream;
    private int _busy;
    private OperationalError? _brokenBy;

    private Session(ConnectionSettings settings, ConnectTarget target, ILogger logger)
    {
        Settings = settings;
        Target = target;
        _logger = logger;
    }

    public ConnectionSettings Settings { get; }
    public ConnectTarget Target { get; }
    public ReadBuffer Reader { get; } = new();
    public StatementCache Statements { get; } = new();
    public WriteBuffer Writer { get; } = new();
    public int ProcessId { get; private set; }
    public int SecretKey { get; private set; }
    public TransactionStatus TransactionStatus { get; private set; } = TransactionStatus.Idle;
    public Dictionary<string, string> Parameters { get; } = new(StringComparer.Ordinal);
    public bool IsBroken { get; private set; }

    /// <summary>
    /// The server's FATAL ErrorResponse (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, ...):
    /// the server closes the session right after it, so the session is broken from here on even while the socket still
    /// reads, and the failure the caller sees is this error with the server's diagnostics, not a bare socket error.
    /// </summary>
    public Error? FatalError { get; private set; }

    /// <summary>Whether the session can be reused, and what it would take (see <see cref="SessionState"/>).</summary>
    public SessionState State =>
        IsBroken || FatalError is not null || IsOnWrongKindOfServer ? SessionState.Broken
        : IsClosed ? SessionState.Closed
        : IsBusy ? SessionState.Busy
        : TransactionStatus switch
        {
            TransactionStatus.Idle => SessionState.Idle,
            TransactionStatus.InTransaction => SessionState.InTransaction,
            TransactionStatus.InError => SessionState.InFailedTransaction,
            _ => SessionState.Broken,
        };
    /// <summary>True after the first ReadyForQuery: from then on tokens cancel through CancelRequest.</summary>
    public bool Started { get; private set; }
    public bool IsClosed { get => Volatile.Read(ref _closed); private set => Volatile.Write(ref _closed, value); }
    private bool _closed;
    private int _buffersReleased;
    public bool IsSecure => _stream is System.Net.Security.SslStream;
    public int ServerVersion { get; private set; }

    /// <summary>Raised for each NoticeResponse.</summary>
    public Action<Diagnostics>? NoticeReceived { get; set; }
    /// <summary>NoticeResponses received so far (ExecuteMany doesn't overlap chunks of a statement that raises notices).</summary>
    public long NoticeCount { get; private set; }
    /// <summary>Raised when a ParameterStatus arrives (e.g. TimeZone after SET TIME ZONE).</summary>
    public Action<string, string>? ParameterChanged { get; set; }
    /// <summary>
    /// Raised for each NotificationResponse (LISTEN/NOTIFY), by whichever call reads it: the connection's notify
    /// handlers. While it is set, notifications go to it and are not also kept in <see cref="Backlog"/> (unless a
    /// Notifies loop is running), so a connection served by handlers alone never fills its backlog.
    /// </summary>
    public Action<Notify>? NotificationReceived { get; set; }
    /// <summary>Notifications read and not yet taken by a Notifies loop.</summary>
    public Notifications.NotifyBacklog Backlog { get; } = new();
    /// <summary>Notifies loops running on this session (each takes from <see cref="Backlog"/>).</summary>
    public int NotifiesLoops;
    /// <summary>Where notices and notifications are logged (category Sharpgres.Notifications).</summary>
    public ILogger NotificationsLogger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>
    /// The I/O core: the next backend message that belongs to the current exchange. ParameterStatus, notices and
    /// notifications can arrive at any time and are handled here, invisible to callers. Returns synchronously when
    /// the message is already buffered.
    /// </summary>
    public ValueTask<BackendMessageCode> ReadMessageAsync(bool async, CancellationToken ct = default) => ReadMessageAsync(async, ct, int.MaxValue);

    /// <summary>
    /// As <see cref="ReadMessageAsync(bool, CancellationToken)"/>, but a DataRow longer than <paramref name="streamRowsAbove"/>
    /// that isn't buffered whole comes back after its header only (SequentialAccess): its body is then read through
    /// the Reader's partial methods (<see cref="ReadBuffer.PartialRemaining"/>) before any other message.
    /// </summary>
    public ValueTask<BackendMessageCode> ReadMessageAsync(bool async, CancellationToken ct, int streamRowsAbove)
    {
        // Closed under a running operation (a Close inside a Stream loop, or from another thread): what is still
        // buffered belongs to an exchange that is over.
        if (IsClosed) throw ClosedError();
        while (TryReadBuffered(out var code))
        {
            if (!HandleAsynchronousMessage(code)) return new(code);
        }
        return ReadMessageSlowAsync(async, ct, streamRowsAbove);
    }

    /// <summary>A message already buffered; a malformed length breaks the session (it is out of step for good).</summary>
    private bool TryReadBuffered(out BackendMessageCode code)
    {
        try { return Reader.TryReadMessage(out code); }
        catch (InterfaceError e) { throw Break(e); }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BackendMessageCode> ReadMessageSlowAsync(bool async, CancellationToken ct, int streamRowsAbove)
    {
        while (true)
        {
            BackendMessageCode code;
            try
            {
                // Once the session is up, a token never aborts a socket read: cancellation goes through a
                // CancelRequest and the session reads on to ReadyForQuery, so it stays usable.
                code = await Reader.ReadMessageSlowAsync(async, Started ? CancellationToken.None : ct, streamRowsAbove).ConfigureAwait(false);
            }
            catch (IOException e) when (!Started && e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut })
            {
                throw new TimeoutException("timeout expired", e);   // connect_timeout during startup (sync path)
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InterfaceError)
            {
                throw Break(e);
            }
            if (!HandleAsynchronousMessage(code)) return code;
        }
    }

    private bool HandleAsynchronousMessage(BackendMessageCode code)
    {
        switch (code)
        {
            case BackendMessageCode.ParameterStatus:
                var reader = new SpanReader(Reader.Payload);
                var name = reader.ReadCString();
                var value = reader.ReadCString();
                Parameters[name] = value;
                if (name == "server_version") ServerVersion = ParseServerVersion(value);
                // A SET statement is refused before it is sent (Queries.ClientEncoding); any other way of changing the
                // encoding (set_config, a function's SET clause) ends the session: decoding on in UTF-8 would
                // silently turn the new encoding's bytes into the wrong text.
                if (name == "client_encoding" && !Queries.ClientEncoding.IsUtf8(value))
                    throw Break(new NotSupportedError($"the server switched client_encoding to {value} (set_config or a function's SET clause): " +
                        "Sharpgres reads and writes UTF-8 only, so the connection was closed rather than mis-decode its text"));
                OnParameterStatusForKind(name);
                ParameterChanged?.Invoke(name, value);
                return true;
            case BackendMessageCode.NoticeResponse:
                var notice = ErrorResponse.Parse(Reader.Payload);
                NoticeCount++;
                Log.Notice(NotificationsLogger, notice.Severity, notice.MessagePrimary);
                try { NoticeReceived?.Invoke(notice); }
                catch (Exception e) { Log.NoticeHandlerFailed(NotificationsLogger, e); }
                return true;
            case BackendMessageCode.NotificationResponse:
                var r = new SpanReader(Reader.Payload);
                var pid = r.ReadInt32();
                var channel = r.ReadCString();
                var payload = r.ReadCString();
                Log.Notification(NotificationsLogger, channel, pid, payload.Length);
                OnNotification(new Notify(channel, payload, pid));
                return true;
            case BackendMessageCode.ErrorResponse:
                NoteIfFatal();
                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// An ErrorResponse that ends the session (severity FATAL or PANIC, or SQLSTATE class 57P: pg_terminate_backend,
    /// shutdown, idle_in_transaction_session_timeout) marks it broken, and the read that then fails raises this report,
    /// as an OperationalError with the server's diagnostics, instead of a bare "server closed the connection".
    /// </summary>
    private void NoteIfFatal()
    {
        if (!Started) return;
        var d = ErrorResponse.Parse(Reader.Payload);
        NoteIfReadOnlyError(d.SqlState);
        if (FatalError is not null) return;
        var fatal = (d.SeverityNonlocalized ?? d.Severity) is "FATAL" or "PANIC"
            || (d.SqlState?.StartsWith("57P", StringComparison.Ordinal) ?? false);
        if (!fatal) return;
        var error = Error.FromDiagnostics(d);
        FatalError = error as OperationalError ?? new OperationalError(error.Message, d);
        _logger.LogWarning("the server is closing the session: {Error}", FatalError.Message);
    }

    /// <summary>
    /// Between two users (a pooled session waiting in its pool) the server may have spoken: a notice, a parameter
    /// status, a notification, or the FATAL ErrorResponse of pg_terminate_backend or a shutdown. Reads what is there
    /// without waiting (one FIONREAD when nothing is); false when the session is broken or out of step.
    /// Each read is bounded by <see cref="IdleReadBound"/>: over TLS the bytes there may be half a record (a network
    /// that stalled mid-record), and an unbounded read held the checkout past the pool's timeout; such a session is
    /// broken and the pool hands out another.
    /// </summary>
    public async ValueTask<bool> CheckIdleInputAsync(bool async)
    {
        if (IsClosed) return false;
        if (_socket is not { Available: > 0 }) return FatalError is null && !IsOnWrongKindOfServer;
        try
        {
            var deadline = DeadlineAfter(IdleReadBound);
            while (true)
            {
                if (BufferedMessage() is { } code)
                {
                    if (FatalError is null) Break(new InterfaceError($"unexpected message '{(char)code}' from the server on an idle connection"));
                    break;
                }
                if (_socket is not { Available: > 0 }) break;
                await ReceiveWithinAsync(deadline, async, CancellationToken.None, "the idle check's bound").ConfigureAwait(false);
            }
        }
        catch (Error) { return false; }
        return FatalError is null && !IsClosed && !IsOnWrongKindOfServer;
    }

    /// <summary>How long the idle check waits for the rest of what the server began to send before giving the session up.</summary>
    internal static readonly TimeSpan IdleReadBound = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next message the server has already sent, without waiting for one: notices and parameter statuses are
    /// handled, null when nothing else is there. COPY FROM STDIN polls between sends, so a server that talks during
    /// the COPY (a notice per row from a trigger, an early error) is heard, and never left blocked on a full socket.
    /// <paramref name="ct"/> bounds a read that waits all the same (over TLS, half a record already there); it breaks
    /// the session, as such a read may have taken part of the record.
    /// </summary>
    public async ValueTask<BackendMessageCode?> PollMessageAsync(bool async, CancellationToken ct = default)
    {
        if (IsClosed) throw ClosedError();
        while (true)
        {
            if (BufferedMessage() is { } code) return code;
            if (_socket is not { Available: > 0 }) return null;
            try
            {
                await Reader.ReceiveOnceAsync(async, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (ct.IsCancellationRequested)
            {
                Break(e);
                throw;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InterfaceError)
            {
                throw Break(e);
            }
        }
    }

    /// <summary>An ADO.NET reset owed before the next ADO.NET command (see Data.SessionReset); kept by the session, which outlives the pool's Connection objects.</summary>
    public bool AdoResetPending { get; set; }

    /// <summary>How many flushes (sends) this session made: tests count round trips with it.</summary>
    public long Flushes { get; private set; }

    /// <summary>Sends what has been written since the last flush. One call per round trip.</summary>
    public async ValueTask FlushAsync(bool async, CancellationToken ct = default)
    {
        try
        {
            Flushes++;
            await Writer.FlushAsync(async, Started ? CancellationToken.None : ct).ConfigureAwait(false);
            Reader.Wait.Sent();
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw Break(e);
        }
    }

    private byte[] _lastTagBytes = [];
    private string _lastTag = "";

    /// <summary>
    /// The tag of the CommandComplete just read. The same statement repeated (a point query, ExecuteMany's "INSERT 0 1")
    /// sends the same tag, so the last one's string is reused instead of decoding a new one per result.
    /// </summary>
    public string CommandTag()
    {
        var payload = Reader.Payload;
        var end = payload.IndexOf((byte)0);
        var tag = end < 0 ? payload : payload[..end];
        // The server forgot every prepared statement: so must the cache, or a reused (pooled) session would name
        // statements that no longer exist.
        if (tag.SequenceEqual("DISCARD ALL"u8) || tag.SequenceEqual("DEALLOCATE ALL"u8)) Statements.ForgetAllPrepared();
        if (tag.SequenceEqual(_lastTagBytes)) return _lastTag;
        _lastTag = System.Text.Encoding.UTF8.GetString(tag);
        _lastTagBytes = tag.ToArray();
        return _lastTag;
    }

    /// <summary>Records the status byte of a ReadyForQuery that has just been read.</summary>
    public void OnReadyForQuery()
    {
        TransactionStatus = Reader.Payload[0] switch
        {
            (byte)'I' => TransactionStatus.Idle,
            (byte)'T' => TransactionStatus.InTransaction,
            (byte)'E' => TransactionStatus.InError,
            _ => throw Break(new InterfaceError($"unexpected transaction status '{(char)Reader.Payload[0]}' in ReadyForQuery")),
        };
        Reader.ShrinkIfIdle();
    }

    /// <summary>Marks one operation as running; a second concurrent caller gets an InterfaceError, never corruption.</summary>
    public void EnterOperation()
    {
        if (IsClosed) throw ClosedError();
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            throw new InterfaceError("another command is already in progress");
        // A Close from another thread between the check and the flag saw no operation and freed the buffers.
        if (IsClosed) { ExitOperation(); throw ClosedError(); }
        Interlocked.Increment(ref _operation);
    }

    /// <summary>Counts operations, so a cancel deadline armed for one never breaks the next.</summary>
    private long _operation;

    public void ExitOperation()
    {
        Interlocked.Exchange(ref _busy, 0);   // a full fence: Close either sees the flag cleared or we see it closed
        if (IsClosed) ReleaseBuffers();       // closed while this operation ran: its buffers were left to it
    }

    /// <summary>psycopg's OperationalError for any use of a closed connection (InterfaceError is for closed cursors).</summary>
    public OperationalError ClosedError(Exception? inner = null) =>
        new(IsBroken ? "the connection is lost" : "the connection is closed", null, inner);
    public bool IsBusy => Volatile.Read(ref _busy) != 0;

    /// <summary>Marks the session unusable after an I/O failure or protocol violation and closes the socket.</summary>
    public Exception Break(Exception cause)
    {
        // The user closed the session under a running operation: its socket's failure is that close, not a break.
        if (IsClosed && !IsBroken) return cause as OperationalError ?? ClosedError(cause);
        // The first cause is the story (a cancel deadline closing the socket): later I/O failures it provokes repeat it.
        if (IsBroken && _brokenBy is { } first && cause is not Error)
            return new OperationalError(first.Message, null, cause);
        // The server said why it closed the session: that is the error the caller gets.
        if (FatalError is OperationalError fatal && cause is not Error)
        {
            Break(new OperationalError(fatal.Message, fatal.Diagnostics, cause));
            return fatal;
        }
        if (!IsBroken)
        {
            Log.ConnectionBroken(_logger, cause, Target.Host, Target.Port, ProcessId);
            if (cause is OperationalError op) _brokenBy = op;
        }
        IsBroken = true;
        IsClosed = true;
        TransactionStatus = TransactionStatus.Unknown;
        try { _stream?.Dispose(); } catch { /* already failing */ }
        try { _socket?.Dispose(); } catch { /* already failing */ }
        if (FatalError is not null) return FatalError;   // the server said why before the socket closed
        if (cause is Error error and not InterfaceError) return error;
        if (cause is InterfaceError ie) return ie;
        return new OperationalError("consuming input failed: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.", null, cause);
    }

    /// <summary>An unexpected message: the session is out of step with the server and cannot be trusted.</summary>
    public Exception Unexpected(BackendMessageCode code, string expected) =>
        Break(new InterfaceError($"unexpected message '{(char)code}' from the server while waiting for {expected}"));

    /// <summary>Reads and discards messages until ReadyForQuery: how every exchange ends, error or not.</summary>
    public async ValueTask SkipUntilReadyAsync(bool async, CancellationToken ct = default)
    {
        while (true)
        {
            var code = await ReadMessageAsync(async, ct).ConfigureAwait(false);
            if (code == BackendMessageCode.ReadyForQuery) { OnReadyForQuery(); return; }
        }
    }

    /// <summary>
    /// Runs one statement through the simple protocol, discarding results, and throws the server's error after
    /// ReadyForQuery (BEGIN, COMMIT, ROLLBACK, SET ...: the commands the driver and the pool send themselves).
    /// </summary>
    public async ValueTask RunCommandAsync(string sql, bool async, CancellationToken ct)
    {
        EnterOperation();
        var registration = RegisterCancellation(ct);
        try
        {
            Writer.WriteQuery(sql);
            await FlushAsync(async, ct).ConfigureAwait(false);
            Error? error = null;
            while (true)
            {
                var code = await ReadMessageAsync(async, ct).ConfigureAwait(false);
                if (code == BackendMessageCode.ErrorResponse) error ??= Error.FromDiagnostics(ErrorResponse.Parse(Reader.Payload));
                else if (code == BackendMessageCode.ReadyForQuery) { OnReadyForQuery(); break; }
            }
            if (error is not null) throw error;
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            ClearCancelDeadline();
            ExitOperation();
        }
    }

    /// <summary>Sends Terminate and closes the socket. Never throws.</summary>
    public async ValueTask CloseAsync(bool async)
    {
        if (IsClosed) return;
        IsClosed = true;
        Interlocked.MemoryBarrier();
        // An operation still running (a Stream loop closed from inside, a read blocked on another thread) owns the
        // buffers: only the socket is closed under it, which ends its read; the server rolls back on EOF as on
        // Terminate. The operation frees the buffers when it exits.
        var busy = IsBusy;
        if (!busy)
        {
            try
            {
                Writer.Truncate(0);
                Writer.WriteTerminate();
                await Writer.FlushAsync(async, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) { Log.TerminateFailed(_logger, e); }
        }
        TransactionStatus = TransactionStatus.Unknown;
        try { _stream?.Dispose(); } catch { /* closing anyway */ }
        try { _socket?.Dispose(); } catch { /* closing anyway */ }
        if (!busy) ReleaseBuffers();
    }

    private void ReleaseBuffers()
    {
        if (Interlocked.Exchange(ref _buffersReleased, 1) != 0) return;
        Reader.Dispose();
        Writer.Dispose();
    }

    public void Dispose() => CloseAsync(false).GetAwaiter().GetResult();

    private static int ParseServerVersion(string text)
    {
        // "15.4 (Debian 15.4-1)" → 150004, as libpq's PQserverVersion.
        var digits = text.Split(' ')[0].Split('.');
        int.TryParse(digits[0], out var major);
        var minor = digits.Length > 1 && int.TryParse(digits[1], out var m) ? m : 0;
        return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100;
    }
}
