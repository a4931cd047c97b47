using Microsoft.Extensions.Logging;
using Sharpgres.Errors;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;

namespace Sharpgres;

/// <summary>
/// A connection to PostgreSQL with psycopg 3's transaction model: not in autocommit by default, the first statement
/// opens a transaction, <see cref="Commit"/> / <see cref="Rollback"/> end it. Disposing rolls back an open transaction:
/// Sharpgres never commits silently. One operation at a time; a second concurrent caller gets an InterfaceError.
/// </summary>
public sealed partial class Connection : IDisposable, IAsyncDisposable
{
    private bool _autocommit;
    private IsolationLevel? _isolationLevel;
    private bool? _readOnly;
    private bool? _deferrable;

    private TelemetryTarget? _telemetryTarget;

    private Connection(Session session, bool autocommit, ILogger logger, TypeRegistry? parentTypes = null, Loggers? loggers = null)
    {
        _session = session;
        _autocommit = autocommit;
        Info = new SessionInfo(session);
        Types = (parentTypes ?? TypeRegistry.Global).CreateChild(this);
        Loggers = loggers ?? Loggers.For();
        session.NotificationsLogger = Loggers.Notifications;
        session.NoticeReceived = d => Notice?.Invoke(this, new NoticeEventArgs(d));
        session.ParameterChanged = OnParameterChanged;
        OnParameterChanged("TimeZone", session.Parameters.GetValueOrDefault("TimeZone", "UTC"));
    }

    private Session? _session;

    /// <summary>The live session; a pooled connection given back to its pool has none and refuses every operation.</summary>
    internal Session Session => _session ?? throw new InterfaceError("the connection was returned to its pool and can't be used any more");

    /// <summary>False once <see cref="Detach"/> gave the session back.</summary>
    internal bool IsAttached => _session is not null;

    /// <summary>The pool entry this connection was checked out of, null for a connection of its own (Pg.Connect).</summary>
    internal Pool.PooledSession? Pooled { get; private set; }

    /// <summary>A connection handed out by a pool over one of its sessions, with the pool's defaults.</summary>
    internal Connection(Session session, Pool.PooledSession? pooled, Pool.ConnectionDefaults defaults, Loggers loggers)
        : this(session, defaults.Autocommit, loggers.Connection, defaults.Types, loggers)
    {
        Pooled = pooled;
        _isolationLevel = defaults.IsolationLevel;
        _readOnly = defaults.ReadOnly;
        _deferrable = defaults.Deferrable;
        PrepareThreshold = defaults.PrepareThreshold;
        PreparedMax = defaults.PreparedMax;
        RewriteBatchedInserts = defaults.RewriteBatchedInserts;
    }

    /// <summary>What a pool's <c>configure</c> left on this connection: every later checkout starts from it.</summary>
    internal Pool.ConnectionDefaults CaptureDefaults() =>
        new(_autocommit, _isolationLevel, _readOnly, _deferrable, PrepareThreshold, PreparedMax, RewriteBatchedInserts, Types);

    /// <summary>
    /// Takes the session away from this object (the pool is getting it back): this object then refuses every
    /// operation, so a reference kept after Dispose can never reach the session's next user.
    /// </summary>
    internal Session Detach()
    {
        var session = _session!;
        _session = null;
        session.NoticeReceived = null;
        session.ParameterChanged = null;
        session.NotificationReceived = null;
        return session;
    }

    /// <summary>The logging categories this connection writes to (Sharpgres.Connection, .Command, ...).</summary>
    internal Loggers Loggers { get; }

    /// <summary>The telemetry options of this connection's operations: its data source's (ConfigureTelemetry), else <see cref="Pg.Telemetry"/>.</summary>
    internal PgTelemetryOptions Telemetry => TelemetryOverride ?? Pg.Telemetry;

    /// <summary>Set by an ADO.NET data source built with its own telemetry options.</summary>
    internal PgTelemetryOptions? TelemetryOverride { get; set; }

    /// <summary>db.namespace / server.address / server.port of this connection's spans and metrics.</summary>
    internal TelemetryTarget TelemetryTarget => _telemetryTarget ??= new TelemetryTarget(Session.Settings.DbName, Session.Target.Host, Session.Target.Port);

    internal static async ValueTask<Connection> OpenAsync(ConnectionInfo info, bool autocommit, bool async, CancellationToken ct, ILoggerFactory? loggerFactory = null)
    {
        var settings = info.Resolve();
        var loggers = Loggers.For(loggerFactory);
        foreach (var warning in settings.Warnings) Log.SettingsWarning(loggers.Connection, warning);
        var op = SharpgresTelemetry.IsObserved(loggers.Connection)
            ? OperationScope.StartObserved(new TelemetryTarget(settings.DbName, settings.Targets[0].Host, settings.Targets[0].Port),
                loggers, Pg.Telemetry, PgOperationKind.Connect, null, 0, QueryShape.Connect, ambient: true)
            : default;
        var start = op.IsObserved ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        try
        {
            var session = await Session.OpenAsync(settings, loggers.Connection, async, ct).ConfigureAwait(false);
            var connection = new Connection(session, autocommit, loggers.Connection, loggers: loggers);
            if (op.IsObserved)
                Log.ConnectionOpened(loggers.Connection, session.Target.Host, session.Target.Port, settings.DbName, settings.User,
                    session.ProcessId, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return connection;
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally { op.Dispose(); }
    }

    /// <summary>Resolves <paramref name="info"/> (env, pgpass, service files) and opens a session: what every new connection, pooled or not, goes through.</summary>
    internal static ValueTask<Session> OpenSessionAsync(ConnectionInfo info, ILogger logger, bool async, CancellationToken ct)
    {
        var settings = info.Resolve();
        foreach (var warning in settings.Warnings) logger.LogWarning("{Warning}", warning);
        return Session.OpenAsync(settings, logger, async, ct);
    }

    /// <summary>Details of the live session: host, port, server version, backend pid, parameter statuses.</summary>
    public SessionInfo Info { get; }

    /// <summary>This connection's type adapters; registrations here don't affect other connections.</summary>
    public TypeRegistry Types { get; }

    /// <summary>NoticeResponses from the server (RAISE NOTICE, warnings); they are also logged.</summary>
    public event EventHandler<NoticeEventArgs>? Notice;

    /// <summary>True once closed, by the user or because the connection broke.</summary>
    public bool Closed => _session is null || _session.IsClosed;

    /// <summary>True when the connection was lost (server gone, protocol violation), not closed by the user.</summary>
    public bool Broken => _session is { } s && (s.IsBroken || s.FatalError is not null);

    /// <summary>The server's transaction state from the last ReadyForQuery: idle, in a transaction block, in a failed one (psycopg's <c>conn.info.transaction_status</c>).</summary>
    public TransactionStatus TransactionStatus => Info.TransactionStatus;

    /// <summary>psycopg's autocommit: when true every statement commits at once. Can't change inside a transaction.</summary>
    public bool Autocommit
    {
        get => _autocommit;
        set { CheckNoTransaction(nameof(Autocommit)); _autocommit = value; }
    }

    /// <summary>Isolation level of the transactions this connection begins; null is the server's default.</summary>
    public IsolationLevel? IsolationLevel
    {
        get => _isolationLevel;
        set { CheckNoTransaction(nameof(IsolationLevel)); _isolationLevel = value; }
    }

    /// <summary>READ ONLY / READ WRITE for the transactions this connection begins; null is the server's default.</summary>
    public bool? ReadOnly
    {
        get => _readOnly;
        set { CheckNoTransaction(nameof(ReadOnly)); _readOnly = value; }
    }

    /// <summary>DEFERRABLE / NOT DEFERRABLE for the transactions this connection begins.</summary>
    public bool? Deferrable
    {
        get => _deferrable;
        set { CheckNoTransaction(nameof(Deferrable)); _deferrable = value; }
    }

    /// <summary>Statements executed this many times are prepared server-side (psycopg: 5); null never prepares.</summary>
    public int? PrepareThreshold { get; set; } = 5;

    /// <summary>How many prepared statements a connection keeps (LRU), as psycopg's prepared_max.</summary>
    public int PreparedMax { get; set; } = 100;

    /// <summary>
    /// Off by default (psycopg has no such thing). When on, ExecuteMany of a plain <c>INSERT ... VALUES (%s, ...)</c>
    /// sends up to 100 parameter sets per statement (<c>VALUES (...), (...), ...</c>), several times faster on the
    /// server, as pgJDBC's reWriteBatchedInserts. What changes: statement-level triggers fire once per statement, not
    /// once per set; in a transaction a failure names the range of sets of the failing statement, not the exact set
    /// (in autocommit the statement's sets are replayed one by one, so the exact set is still found and exactly the
    /// sets before it are committed). ON CONFLICT, RETURNING and anything but one VALUES row are never rewritten.
    /// </summary>
    public bool RewriteBatchedInserts { get; set; }

    internal TimeZoneInfo SessionTimeZone { get; private set; } = TimeZoneInfo.Utc;

    private void OnParameterChanged(string name, string value)
    {
        if (name != "TimeZone") return;
        if (TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone)) SessionTimeZone = zone;
        else if (TryParsePosixOffset(value, out var fixedZone)) SessionTimeZone = fixedZone;
        else
        {
            Log.UnknownTimeZone(Loggers.Connection, value);
            SessionTimeZone = TimeZoneInfo.Utc;
        }
    }

    /// <summary>PostgreSQL reports SET TIME ZONE 5 as "&lt;+05&gt;-05": POSIX signs are inverted.</summary>
    private static bool TryParsePosixOffset(string value, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        var end = value.LastIndexOf('>');
        var text = end >= 0 ? value[(end + 1)..] : value;
        if (!TimeSpan.TryParse(text.TrimStart('+', '-').Contains(':') ? text.TrimStart('+', '-') : text.TrimStart('+', '-') + ":00", out var span)) return false;
        var offset = text.StartsWith('-') ? span : -span;
        zone = TimeZoneInfo.CreateCustomTimeZone(value, offset, value, value);
        return true;
    }

    internal ReadContext ReadContext => new(Types, SessionTimeZone, null);

    private void CheckNoTransaction(string what)
    {
        if (!Closed && Session.TransactionStatus != TransactionStatus.Idle)
            throw new ProgrammingError($"can't change '{what}' now: connection in transaction status {Session.TransactionStatus}");
    }

    /// <summary>A client-side cursor (psycopg's default cursor): results are buffered when Execute returns.</summary>
    public Cursor Cursor() { CheckOpen(); return new Cursor(this, RowFactory.Tuple); }

    /// <summary>A client-side cursor producing rows with <paramref name="rowFactory"/> (e.g. RowFactory.Dict).</summary>
    public Cursor<TRow> Cursor<TRow>(RowFactory<TRow> rowFactory) { CheckOpen(); return new Cursor<TRow>(this, rowFactory); }

    /// <summary>
    /// A cursor binding its arguments as <paramref name="binding"/> says: <see cref="Sharpgres.Binding.Client"/> is
    /// psycopg's ClientCursor (arguments merged into the SQL as literals), <see cref="Sharpgres.Binding.Raw"/> its
    /// RawCursor (the query's own <c>$1</c> placeholders).
    /// </summary>
    public Cursor Cursor(Binding binding) { CheckOpen(); return new Cursor(this, RowFactory.Tuple, binding); }

    /// <summary>A cursor of rows made by <paramref name="rowFactory"/>, binding its arguments as <paramref name="binding"/> says.</summary>
    public Cursor<TRow> Cursor<TRow>(RowFactory<TRow> rowFactory, Binding binding) { CheckOpen(); return new Cursor<TRow>(this, rowFactory, binding); }

    /// <summary>psycopg's <c>ClientCursor</c>: <c>Execute</c> merges the arguments into the SQL as literals, for statements that take no server parameters (<c>SET search_path = %s</c>, DDL, <c>NOTIFY ch, %s</c>).</summary>
    public Cursor ClientCursor() => Cursor(Binding.Client);

    /// <summary>psycopg's <c>RawCursor</c>: the query's own <c>$1</c>, <c>$2</c> placeholders, sent untouched, with positional arguments.</summary>
    public Cursor RawCursor() => Cursor(Binding.Raw);

    internal void CheckOpen()
    {
        if (Session.IsClosed) throw Session.ClosedError();
    }

    /// <summary>The SQL that opens a transaction with this connection's characteristics.</summary>
    internal string BeginStatement()
    {
        if (_isolationLevel is null && _readOnly is null && _deferrable is null) return "BEGIN";
        var sql = "BEGIN";
        if (_isolationLevel is { } level)
            sql += " ISOLATION LEVEL " + level switch
            {
                Sharpgres.IsolationLevel.ReadUncommitted => "READ UNCOMMITTED",
                Sharpgres.IsolationLevel.ReadCommitted => "READ COMMITTED",
                Sharpgres.IsolationLevel.RepeatableRead => "REPEATABLE READ",
                _ => "SERIALIZABLE",
            };
        if (_readOnly is { } ro) sql += ro ? " READ ONLY" : " READ WRITE";
        if (_deferrable is { } d) sql += d ? " DEFERRABLE" : " NOT DEFERRABLE";
        return sql;
    }

    /// <summary>True when the next statement must open a transaction first (psycopg's implicit BEGIN).</summary>
    /// <summary>
    /// Set when an ADO.NET connection gave this pooled session back (unless No Reset On Close=true): the next ADO.NET
    /// command sends <see cref="Data.SessionReset.Sql"/> before its own statements, in the same round trip.
    /// </summary>
    internal bool AdoResetPending { get => Session.AdoResetPending; set => Session.AdoResetPending = value; }

    internal bool NeedsBegin => !_autocommit && (ActivePipeline is { } p ? !p.InTransaction : Session.TransactionStatus == TransactionStatus.Idle);

    /// <summary>Commits the current transaction; does nothing when none is open.</summary>
    public void Commit() => EndTransactionAsync("COMMIT", false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Commit"/>: sends COMMIT for the open transaction (nothing when none is open); cancelling the token sends a CancelRequest.</summary>
    public Task CommitAsync(CancellationToken cancellationToken = default) => EndTransactionAsync("COMMIT", true, cancellationToken).AsTask();

    /// <summary>Rolls back the current transaction; does nothing when none is open.</summary>
    public void Rollback() => EndTransactionAsync("ROLLBACK", false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Rollback"/>: sends ROLLBACK for the open transaction (nothing when none is open); cancelling the token sends a CancelRequest.</summary>
    public Task RollbackAsync(CancellationToken cancellationToken = default) => EndTransactionAsync("ROLLBACK", true, cancellationToken).AsTask();

    private async ValueTask EndTransactionAsync(string command, bool async, CancellationToken ct)
    {
        CheckOpen();
        CheckNoTpc(command);
        if (_transactionDepth > 0)
            throw new ProgrammingError($"explicit {command.ToLowerInvariant()}() forbidden within a Transaction block (use the block's Commit or dispose it)");
        if (ActivePipeline is null && Session.TransactionStatus == TransactionStatus.Idle) return;
        if (ActivePipeline is { InTransaction: false } idle) { await idle.SyncAsync(async, ct).ConfigureAwait(false); return; }
        await RunCommandAsync(command, async, ct).ConfigureAwait(false);
    }

    /// <summary>Runs one statement through the simple protocol, discarding results; throws the server's error.</summary>
    internal async ValueTask RunCommandAsync(string sql, bool async, CancellationToken ct)
    {
        if (ActivePipeline is { } pipeline)
        {
            // In a pipeline, commands are queued like any statement and synced, so their errors surface here.
            foreach (var statement in sql.Split("; ")) pipeline.QueueCommand(statement);
            pipeline.InTransaction = !(sql is "COMMIT" or "ROLLBACK");
            await pipeline.SyncAsync(async, ct).ConfigureAwait(false);
            return;
        }
        // COMMIT / ROLLBACK (also a Transaction block's RELEASE / ROLLBACK TO SAVEPOINT) are operations of their own.
        var op = sql.StartsWith("COMMIT", StringComparison.Ordinal) || sql.StartsWith("RELEASE", StringComparison.Ordinal)
            ? OperationScope.Start(this, PgOperationKind.Commit, sql)
            : sql.StartsWith("ROLLBACK", StringComparison.Ordinal) ? OperationScope.Start(this, PgOperationKind.Rollback, sql) : default;
        Session.EnterOperation();
        var registration = Session.RegisterCancellation(ct);
        try
        {
            if (sql == "COMMIT") await ThrowIfEndedByServerAsync(async).ConfigureAwait(false);
            Session.Writer.WriteQuery(sql);
            // A COMMIT whose send failed never reached the server: the plain OperationalError says it did not commit.
            await Session.FlushAsync(async, ct).ConfigureAwait(false);
            Error? error = null;
            try
            {
                while (true)
                {
                    var code = await Session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                    if (code == BackendMessageCode.ErrorResponse) error ??= Error.FromDiagnostics(ErrorResponse.Parse(Session.Reader.Payload));
                    else if (code == BackendMessageCode.ReadyForQuery) { Session.OnReadyForQuery(); break; }
                }
            }
            catch (Error lost) when (sql == "COMMIT" && Session.IsBroken)
            {
                // Sent, then no ReadyForQuery: the server may have committed (or committed locally without its
                // synchronous standby). Never claim either outcome.
                throw CommitUnknown.AfterLostConnection(error, lost);
            }
            if (error is not null) throw error;
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            Session.ClearCancelDeadline();
            Session.ExitOperation();
            op.Dispose();
        }
    }

    /// <summary>
    /// Before a COMMIT: a session the server already ended (its FATAL is waiting in the socket, e.g. after
    /// pg_terminate_backend or a fast shutdown while idle in transaction) rolled back, so that is a definite failure,
    /// raised as the server's error; only what happens after the COMMIT is sent can be ambiguous.
    /// </summary>
    private async ValueTask ThrowIfEndedByServerAsync(bool async)
    {
        BackendMessageCode? code;
        try
        {
            code = await Session.PollMessageAsync(async).ConfigureAwait(false);
        }
        catch (Error)
        {
            return;   // the socket is already gone: the COMMIT's send fails below with the definite error
        }
        if (code is null) return;
        if (code != BackendMessageCode.ErrorResponse) throw Session.Unexpected(code.Value, "nothing while idle in transaction");
        var ended = Error.FromDiagnostics(ErrorResponse.Parse(Session.Reader.Payload));
        throw Session.Break(ended);
    }

    /// <summary>psycopg's conn.execute: a new cursor, executed, returned.</summary>
    public Cursor Execute(string query, params object?[] args)
    {
        var cur = Cursor();
        cur.Execute(query, args);
        return cur;
    }

    /// <summary>Async twin of <see cref="Execute(string, object?[])"/> (psycopg's <c>await aconn.execute(...)</c>): a new cursor, executed with <paramref name="args"/>, returned.</summary>
    public async Task<Cursor> ExecuteAsync(string query, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        var cur = Cursor();
        await cur.ExecuteAsync(query, args, cancellationToken).ConfigureAwait(false);
        return cur;
    }

    /// <summary>
    /// Asks the server to cancel the running statement (a CancelRequest on a separate socket), from any thread; the
    /// running call then raises QueryCanceled, or, when the server doesn't end it within cancel_timeout, OperationalError
    /// with the connection closed and marked broken.
    /// </summary>
    public void Cancel() => Session.CancelAsync(false).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Cancel"/>: sends a CancelRequest for the running statement on a separate socket, without blocking a thread.</summary>
    public Task CancelAsync() => Session.CancelAsync(true).AsTask();

    /// <summary>
    /// Closes the connection, rolling back any open transaction (the server does so on Terminate). Idempotent.
    /// A pooled connection is closed for good and given back, and its pool opens a replacement.
    /// </summary>
    public void Close() => CloseAsync(false).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Close"/>.</summary>
    public ValueTask CloseAsync() => CloseAsync(true);

    private async ValueTask CloseAsync(bool async)
    {
        if (_session is not { } session) return;
        await session.CloseAsync(async).ConfigureAwait(false);
        if (Pooled is { } pooled) await pooled.Pool.ReturnAsync(this, async).ConfigureAwait(false);
    }

    /// <summary>Closes the connection, or gives a pooled connection back to its pool (never committing: an open transaction is rolled back).</summary>
    public void Dispose() => DisposeAsync(false).GetAwaiter().GetResult();

    /// <summary>The async twin of <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync() => DisposeAsync(true);

    private ValueTask DisposeAsync(bool async)
    {
        if (Pooled is { } pooled) return pooled.Pool.ReturnAsync(this, async);
        return _session is { } session ? session.CloseAsync(async) : default;
    }

    /// <summary>psycopg's repr of a connection: its state, user, host, port and database, or "closed".</summary>
    public override string ToString() => Closed ? "<Connection closed>" : $"<Connection {Info}>";
}
