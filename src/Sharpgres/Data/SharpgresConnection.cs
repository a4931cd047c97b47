using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;

namespace Sharpgres.Data;

/// <summary>
/// ADO.NET's connection over a Sharpgres <see cref="Connection"/>: Open takes a session from the connection string's
/// pool (Pooling=true, the default) or opens one, Close gives it back. Statements run in autocommit unless a
/// <see cref="SharpgresTransaction"/> is open. <see cref="AsSharpgres"/> reaches the psycopg-style Connection underneath
/// and <see cref="From"/> wraps one, so one application can use both faces on one session.
/// <see cref="DbConnection.EnlistTransaction"/> (System.Transactions) is not supported.
/// </summary>
public sealed class SharpgresConnection : DbConnection
{
    private string _connectionString = "";
    private SharpgresConnectionStringBuilder? _settings;
    private string? _safeConnectionString;   // the open connection's string without its password, built once per _settings
    private SharpgresConnectionStringBuilder? _safeFor;
    private ConnectionSource? _source;
    private long _flushesAtOpen;   // the session's send count at checkout: unchanged at Close means nothing to reset
    private readonly SharpgresDataSource? _dataSource;
    private Connection? _inner;
    private readonly bool _borrowed;   // From(Connection): the session belongs to the caller
    private bool _disposed;
    private ConnectionState _state = ConnectionState.Closed;
    private Timer? _timeoutTimer;
    private CommandRun? _timedRun;

    /// <summary>A closed connection without a connection string.</summary>
    public SharpgresConnection() { }

    /// <summary>A closed connection with a connection string (ADO.NET form, libpq conninfo or URI).</summary>
    public SharpgresConnection(string? connectionString) => ConnectionString = connectionString;

    internal SharpgresConnection(SharpgresDataSource dataSource, string connectionString)
    {
        _dataSource = dataSource;
        _connectionString = connectionString;
        _settings = dataSource.Settings;
        _source = dataSource.Source;
    }

    private SharpgresConnection(Connection inner)
    {
        _inner = inner;
        _borrowed = true;
        _state = ConnectionState.Open;
    }

    /// <summary>
    /// Wraps a psycopg-style <see cref="Connection"/> as an ADO.NET connection (Dapper over a Sharpgres connection).
    /// The wrapper doesn't own it: closing the wrapper leaves the Connection open. Commands follow the Connection's
    /// transaction mode (with Autocommit=false they run in its transaction, ended by its Commit/Rollback).
    /// </summary>
    public static SharpgresConnection From(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.CheckOpen();
        return new SharpgresConnection(connection);
    }

    /// <summary>The psycopg-style Connection of this open connection (same session, same transaction).</summary>
    public Connection AsSharpgres()
    {
        var inner = _inner ?? throw new InvalidOperationException("the connection is not open");
        SessionReset.Flush(inner);   // the psycopg face doesn't send the ADO.NET face's pending reset: send it now
        return inner;
    }

    /// <summary>The Connection underneath without sending a pending reset (tests look at the session as it is).</summary>
    internal Connection AsSharpgresUnchecked() => Inner;

    internal Connection Inner => _inner ?? throw new InvalidOperationException("the connection is not open");

    internal SharpgresConnectionStringBuilder Settings => _settings ??= new SharpgresConnectionStringBuilder(_connectionString);

    /// <summary>What a second connection for catalog lookups uses (the same server and database); null for From().</summary>
    internal ConnectionInfo? ConnectionInfoForSideQueries => _source?.Info ?? (_borrowed ? null : Settings.ToConnectionInfo());

    /// <summary>The connection string; once opened it loses its password unless Persist Security Info=true.</summary>
    [AllowNull]
    public override string ConnectionString
    {
        get
        {
            if (_state == ConnectionState.Open && _settings is { PersistSecurityInfo: false } s && s.ContainsKey("Password"))
            {
                // Dapper reads ConnectionString on every call (its cache identity): rebuilding it each time cost 3 KB a query.
                if (!ReferenceEquals(_safeFor, s)) (_safeConnectionString, _safeFor) = (s.ToString(), s);
                return _safeConnectionString!;
            }
            return _connectionString;
        }
        set
        {
            if (_state != ConnectionState.Closed) throw new InvalidOperationException("the connection string can't change while the connection is open");
            if (_dataSource is not null) throw new InvalidOperationException("a data source's connection keeps the data source's connection string");
            var text = value ?? "";
            _settings = new SharpgresConnectionStringBuilder(text);   // throws ArgumentException for an unknown key
            _connectionString = text;
            _source = null;
        }
    }

    /// <summary>The database of the open session; empty when closed.</summary>
    public override string Database => _inner is { Closed: false } c ? c.Info.DbName : "";

    /// <summary>host:port of the open session; empty when closed.</summary>
    public override string DataSource => _inner is { Closed: false } c ? $"{c.Info.Host}:{c.Info.Port}" : "";

    /// <summary>The server's version (server_version), e.g. "17.2"; the connection must be open.</summary>
    public override string ServerVersion
    {
        get
        {
            var c = _inner is { Closed: false } open ? open : throw new InvalidOperationException("the connection is not open");
            return c.Info.ParameterStatus("server_version")?.Split(' ')[0] ?? "";
        }
    }

    /// <summary>PostgreSQL's backend pid of the open session (pg_backend_pid()).</summary>
    public int ProcessId => Inner.Info.BackendPid;

    /// <summary>Seconds to wait while opening (the Timeout key).</summary>
    public override int ConnectionTimeout => Settings.Timeout;

    /// <summary>Closed, Open, or Broken when the session was lost (Close, then Open again, to recover).</summary>
    public override ConnectionState State
    {
        get
        {
            if (_state == ConnectionState.Open && _inner is { Broken: true }) return ConnectionState.Broken;
            if (_state == ConnectionState.Open && _inner is { Closed: true }) return ConnectionState.Closed;
            return _state;
        }
    }

    /// <summary>The data source this connection came from, if any.</summary>
    internal SharpgresDataSource? OwningDataSource => _dataSource;

    /// <inheritdoc />
    protected override DbProviderFactory DbProviderFactory => SharpgresFactory.Instance;

    /// <summary>Opens the session (from the pool when Pooling=true).</summary>
    public override void Open() => OpenCoreAsync(false, default).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task OpenAsync(CancellationToken cancellationToken) => OpenCoreAsync(true, cancellationToken);

    private async Task OpenCoreAsync(bool async, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state != ConnectionState.Closed) throw new InvalidOperationException("the connection is already open");
        if (_dataSource is null && string.IsNullOrWhiteSpace(_connectionString))
            throw new InvalidOperationException("the ConnectionString property has not been set");
        var source = _source ??= ConnectionSource.For(_connectionString, Settings);
        SetState(ConnectionState.Connecting);
        try
        {
            _inner = await source.OpenAsync(async, ct).ConfigureAwait(false);
            _flushesAtOpen = _inner.Session.Flushes;
            _inner.TelemetryOverride = _dataSource?.Telemetry;
        }
        catch
        {
            SetState(ConnectionState.Closed);
            throw;
        }
        SetState(ConnectionState.Open);
    }

    private void SetState(ConnectionState state)
    {
        var original = _state;
        if (original == state) return;
        _state = state;
        if (original != ConnectionState.Connecting && state != ConnectionState.Connecting || state == ConnectionState.Open)
            OnStateChange(new StateChangeEventArgs(original == ConnectionState.Connecting ? ConnectionState.Closed : original, state));
    }

    /// <summary>Closes an open reader, rolls back an open transaction and gives the session back. Idempotent.</summary>
    public override void Close() => CloseCoreAsync(false).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task CloseAsync() => CloseCoreAsync(true).AsTask();

    internal async ValueTask CloseCoreAsync(bool async)
    {
        if (_state == ConnectionState.Closed) return;
        var reader = CurrentReader;
        if (reader is not null)
        {
            try { if (async) await reader.CloseAsync().ConfigureAwait(false); else reader.Close(); }
            catch (Exception) { /* the results of a reader left open are dropped with the connection */ }
        }
        var transaction = CurrentTransaction;
        CurrentTransaction = null;
        var inner = _inner;
        _inner = null;
        if (inner is not null)
        {
            transaction?.Forget();
            if (!_borrowed)
            {
                try
                {
                    // The pool rolls back what is left open; an unpooled close ends the session (the server rolls back).
                    if (!inner.Closed && !inner.Autocommit) await RestoreAutocommitAsync(inner, async).ConfigureAwait(false);
                }
                catch (Error) { /* a broken session is closed below */ }
                // Reset before the next ADO.NET use, lazily (SessionReset), if this checkout sent anything at all.
                if (_source!.ResetOnReturn && !inner.Closed && inner.Session.Flushes != _flushesAtOpen) inner.AdoResetPending = true;
                await _source.ReturnAsync(inner, async).ConfigureAwait(false);
            }
        }
        SetState(ConnectionState.Closed);
    }

    private static async ValueTask RestoreAutocommitAsync(Connection inner, bool async)
    {
        if (inner.TransactionStatus != TransactionStatus.Idle)
        {
            if (async) await inner.RollbackAsync().ConfigureAwait(false); else inner.Rollback();
        }
        inner.Autocommit = true;
        inner.IsolationLevel = null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing)
        {
            Close();
            _timeoutTimer?.Dispose();
        }
        _disposed = true;
        base.Dispose(disposing);   // raises Disposed, once
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        await CloseCoreAsync(true).ConfigureAwait(false);
        _timeoutTimer?.Dispose();
        _timeoutTimer = null;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Switches to another database: the session is given back and one to <paramref name="databaseName"/> opened.</summary>
    public override void ChangeDatabase(string databaseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        if (_state != ConnectionState.Open) throw new InvalidOperationException("the connection is not open");
        if (_dataSource is not null || _borrowed) throw new NotSupportedException("ChangeDatabase is not supported for data source or wrapped connections");
        Close();
        var builder = new SharpgresConnectionStringBuilder(_connectionString) { Database = databaseName };
        ConnectionString = builder.ConnectionString;
        Open();
    }

    // ---- commands, transactions, batches -------------------------------------------------------------------------

    /// <summary>A command on this connection.</summary>
    public new SharpgresCommand CreateCommand() => new() { Connection = this };

    /// <inheritdoc />
    protected override DbCommand CreateDbCommand() => CreateCommand();

    /// <summary>True: <see cref="CreateBatch"/> runs several commands in one round trip.</summary>
    public override bool CanCreateBatch => true;

    /// <summary>A batch on this connection.</summary>
    public new SharpgresBatch CreateBatch() => new() { Connection = this };

    /// <inheritdoc />
    protected override DbBatch CreateDbBatch() => CreateBatch();

    /// <summary>Async non-queries issued while one runs, sent together when the session comes free (Dapper's Pipelined flag).</summary>
    internal NonQueryQueue NonQueries => _nonQueries ??= new NonQueryQueue(this);
    private NonQueryQueue? _nonQueries;

    /// <summary>The reader currently holding the session, if any.</summary>
    internal SharpgresDataReader? CurrentReader { get; private set; }

    internal SharpgresTransaction? CurrentTransaction { get; set; }

    internal void ReaderOpened(SharpgresDataReader reader) => CurrentReader = reader;

    internal void ReaderClosed(SharpgresDataReader reader)
    {
        if (ReferenceEquals(CurrentReader, reader)) CurrentReader = null;
        StopTimeout(reader.Run);
        _spareReader = reader;
    }

    /// <summary>The last reader, closed: the next command reuses it and its run (see SharpgresDataReader.Reuse).</summary>
    internal SharpgresDataReader? SpareReader => _spareReader is { IsClosed: true } r && r.Run.ReusableOn(Inner) ? r : null;
    private SharpgresDataReader? _spareReader;

    /// <summary>The statement list and bound-value arrays commands reuse until their messages are written.</summary>
    internal CommandScratch Scratch => _scratch ??= new CommandScratch();
    private CommandScratch? _scratch;

    /// <summary>The ADO.NET "one command at a time" check, before anything is sent.</summary>
    internal void CheckReady(string what)
    {
        if (State != ConnectionState.Open) throw new InvalidOperationException($"the connection is not open ({State})");
        if (CurrentReader is { IsClosed: false } reader)
            throw new InvalidOperationException($"a command is already in progress on this connection: close its data reader first ({reader.Command?.CommandText ?? "a batch"})");
        if (Inner.ActivePipeline is not null) throw new InvalidOperationException("the connection is in pipeline mode (Connection.Pipeline())");
    }

    /// <summary>Starts a transaction at the server's default isolation level (READ COMMITTED).</summary>
    public new SharpgresTransaction BeginTransaction() => BeginTransaction(System.Data.IsolationLevel.Unspecified);

    /// <summary>Starts a transaction; BEGIN is sent with the first statement (no extra round trip).</summary>
    public new SharpgresTransaction BeginTransaction(System.Data.IsolationLevel isolationLevel) => (SharpgresTransaction)BeginDbTransaction(isolationLevel);

    /// <inheritdoc />
    protected override DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel)
    {
        if (State != ConnectionState.Open) throw new InvalidOperationException("the connection is not open");
        if (CurrentTransaction is not null) throw new InvalidOperationException("a transaction is already in progress: nested transactions are not supported (use savepoints: transaction.Save(name))");
        CheckReady("BeginTransaction");
        var transaction = new SharpgresTransaction(this, isolationLevel);
        CurrentTransaction = transaction;
        return transaction;
    }

    /// <inheritdoc />
    protected override ValueTask<DbTransaction> BeginDbTransactionAsync(System.Data.IsolationLevel isolationLevel, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<DbTransaction>(cancellationToken);
        return new(BeginDbTransaction(isolationLevel));
    }

    /// <summary>Not supported: Sharpgres has no System.Transactions (distributed transaction) support.</summary>
    public override void EnlistTransaction(System.Transactions.Transaction? transaction)
    {
        if (transaction is not null) throw new NotSupportedException("System.Transactions enlistment is not supported by Sharpgres");
    }

    // ---- command timeout -----------------------------------------------------------------------------------------

    /// <summary>
    /// Arms the connection's one timer for a command: when it fires the run is marked timed out and a CancelRequest
    /// is sent (the session keeps reading to ReadyForQuery, so it stays usable). No allocation per command.
    /// </summary>
    internal void StartTimeout(CommandRun run, int seconds)
    {
        if (seconds <= 0) return;
        run.TimeoutSeconds = seconds;
        _timedRun = run;
        _timeoutTimer ??= new Timer(static state => ((SharpgresConnection)state!).OnTimeout(), this, Timeout.Infinite, Timeout.Infinite);
        _timeoutTimer.Change(TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan);
    }

    internal void StopTimeout(CommandRun run)
    {
        if (!ReferenceEquals(_timedRun, run)) return;
        _timedRun = null;
        _timeoutTimer?.Change(Timeout.Infinite, Timeout.Infinite);
    }

    private void OnTimeout()
    {
        var run = _timedRun;
        if (run is null || run.Finished || _inner is not { } inner) return;
        run.TimedOut = true;
        inner.Session.CancelFromToken();
    }

    // ---- pools and metadata --------------------------------------------------------------------------------------

    /// <summary>
    /// Npgsql's ClearPool: the idle sessions of this connection's pool are closed now, those in use (this one too) when
    /// they come back, and fresh ones replace them.
    /// </summary>
    public static void ClearPool(SharpgresConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        (connection._source ?? ConnectionSource.Shared(connection._connectionString))?.Clear();
    }

    /// <summary>Clears every pool made by connection strings (Pooling=true).</summary>
    public static void ClearAllPools() => ConnectionSource.ClearAll();

    /// <summary>The MetaDataCollections collection.</summary>
    public override DataTable GetSchema() => GetSchema("MetaDataCollections");

    /// <summary>A metadata collection (Tables, Columns, Views, Indexes, Users, Databases, DataTypes ...).</summary>
    public override DataTable GetSchema(string collectionName) => GetSchema(collectionName, []);

    /// <summary>A metadata collection filtered by restrictions (catalog, schema, table ... as listed by Restrictions).</summary>
    public override DataTable GetSchema(string collectionName, string?[] restrictionValues)
    {
        if (State != ConnectionState.Open) throw new InvalidOperationException("the connection is not open");
        CheckReady("GetSchema");
        return SchemaCollections.Get(this, collectionName, restrictionValues);
    }
}
