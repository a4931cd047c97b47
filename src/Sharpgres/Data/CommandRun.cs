using System.Runtime.CompilerServices;
using Sharpgres.Errors;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;

namespace Sharpgres.Data;

/// <summary>What the next message of a command's exchange was, as the data reader sees it.</summary>
internal enum RunEvent : byte { Row, Described, StatementDone, Failed, Finished }

/// <summary>
/// One execution of an ADO.NET command or batch on the session's one I/O core: every statement is written
/// ([BEGIN] [Close evicted] Parse/Bind/Describe/Execute per statement, one Sync, one flush — the pipeline), then the
/// answers are read one message at a time as the data reader asks for them. Rows are never copied: the current
/// DataRow is the receive buffer's payload, exactly as <c>Cursor.Stream</c> reads it. The session is busy from the
/// send to the ReadyForQuery; a server error is kept, the exchange read to its end, then raised.
/// </summary>
internal sealed class CommandRun
{
    private readonly Connection _connection;
    private readonly Session _session;
    private StatementPlan[] _plans;
    private RowDescription?[] _descriptions;
    private string?[] _tags;
    private ReadContext _context;
    private int _prefixPending;   // simple queries written before the statements (reset, BEGIN): their answers are skipped
    private CancellationTokenRegistration _registration;
    private CancellationToken _token;
    private Error? _error;
    private Error?[]? _errors;   // syncEach: each statement's own error
    private int _syncsRead;
    private OperationScope _op;   // the span, metric and Debug line (Telemetry/): empty when nobody listens
    private long _rowCount;

    private CommandRun(Connection connection, int count)
    {
        _connection = connection;
        _session = connection.Session;
        _plans = new StatementPlan[count];
        _descriptions = new RowDescription?[count];
        _tags = new string?[count];
        _context = connection.ReadContext;
    }

    /// <summary>
    /// A finished run of the same session made ready for the next execution (its arrays kept when the statement count
    /// is the same): a point query then allocates no run of its own.
    /// </summary>
    private void Reuse(int count)
    {
        if (_plans.Length == count)
        {
            Array.Clear(_plans);
            Array.Clear(_descriptions);
            Array.Clear(_tags);
        }
        else
        {
            _plans = new StatementPlan[count];
            _descriptions = new RowDescription?[count];
            _tags = new string?[count];
        }
        _context = _connection.ReadContext;
        _prefixPending = 0;
        _registration = default;
        _token = default;
        _error = null;
        _errors = null;
        _syncsRead = 0;
        _op = default;
        _rowCount = 0;
        Statement = 0;
        Finished = false;
        FailedStatement = -1;
        TimedOut = false;
        TimeoutSeconds = 0;
        BatchCommands = null;
        StreamRowsAbove = int.MaxValue;
    }

    /// <summary>True when this run may be reused for the next execution on <paramref name="connection"/>.</summary>
    public bool ReusableOn(Connection connection) => Finished && ReferenceEquals(_connection, connection);

    public ReadContext Context => _context;
    public int StatementCount => _plans.Length;
    /// <summary>The statement whose answers are being read (= the number completed so far).</summary>
    public int Statement { get; private set; }
    public bool Finished { get; private set; }
    /// <summary>The statement that failed, -1 when none did.</summary>
    public int FailedStatement { get; private set; } = -1;
    public Error? Error => _error;
    /// <summary>Set by the command timeout's timer before it cancels: the QueryCanceled that follows is a timeout.</summary>
    public bool TimedOut { get; set; }
    public int TimeoutSeconds { get; set; }

    /// <summary>For a batch: the command each statement belongs to (RecordsAffected per command, errors naming it).</summary>
    public List<SharpgresBatchCommand>? BatchCommands { get; set; }

    /// <summary>The current statement's row description (known from the cache, or just received).</summary>
    public RowDescription? Description => Statement < _descriptions.Length ? _descriptions[Statement] : null;

    public RowDescription? DescriptionOf(int statement) => _descriptions[statement];
    public string? TagOf(int statement) => _tags[statement];

    /// <summary>With a Sync after each statement: the statement's own error (each succeeds or fails alone).</summary>
    public Error? ErrorOf(int statement) => _errors?[statement];

    /// <summary>The current DataRow's body, valid until the next message is read.</summary>
    public ReadOnlySpan<byte> CurrentRow => _session.Reader.Payload;

    /// <summary>SequentialAccess: DataRows longer than this are read in pieces (<see cref="StreamedRow"/>), not buffered whole.</summary>
    public int StreamRowsAbove { get; set; } = int.MaxValue;

    /// <summary>The current DataRow arrived as its header only; its body is read through <see cref="StreamedRow"/>.</summary>
    public bool RowIsPartial => _session.Reader.PartialRemaining > 0;

    /// <summary>Writes and sends every statement. The caller has checked the connection is free.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<CommandRun> StartAsync(Connection connection, IReadOnlyList<(string Sql, BoundParameters Parameters)> statements,
        bool prepare, PgOperationKind kind, bool async, CancellationToken ct, bool syncEach = false, CommandRun? reuse = null)
    {
        CommandRun run;
        if (reuse is not null && reuse.ReusableOn(connection)) { run = reuse; run.Reuse(statements.Count); }
        else run = new CommandRun(connection, statements.Count);
        if (syncEach) run._errors = new Error?[statements.Count];
        if (statements.Count > 0 && OperationScope.IsObservedOn(connection, kind)) run.StartScope(kind, statements);
        var session = connection.Session;
        session.EnterOperation();
        var start = session.Writer.Position;
        var closes = session.Statements.PendingCloses.ToArray();
        try
        {
            try
            {
                // A pooled session's reset goes first, in its own implicit transaction (never inside the BEGIN below).
                if (connection.AdoResetPending)
                {
                    session.Writer.WriteQuery(SessionReset.Sql);
                    run._prefixPending++;
                }
                if (connection.NeedsBegin)
                {
                    session.Writer.WriteQuery(connection.BeginStatement());
                    run._prefixPending++;
                }
                Cursor<Row>.WritePendingCloses(session);
                for (var i = 0; i < statements.Count; i++)
                {
                    var (sql, parameters) = statements[i];
                    var plan = StatementPlan.Create(connection, session, sql, parameters, prepare ? true : null);
                    run._plans[i] = plan;
                    run._descriptions[i] = plan.KnownDescription;
                    plan.Write(session.Writer, parameters, run._context);
                    // syncEach (queued non-queries): each statement its own implicit transaction, as if run one by one.
                    if (syncEach && i < statements.Count - 1) session.Writer.WriteSync();
                }
                session.Writer.WriteSync();
                connection.AdoResetPending = false;   // written: it goes out with this flush
            }
            catch
            {
                // Nothing of a round trip that couldn't be encoded may stay in the buffer (see Cursor.ExecuteExtended).
                session.Writer.Truncate(start);
                session.Statements.PendingCloses.Clear();
                session.Statements.PendingCloses.AddRange(closes);
                foreach (var plan in run._plans) plan?.Failed();
                throw;
            }
            run._token = ct;
            run._registration = session.RegisterCancellation(ct);
            await session.FlushAsync(async, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            run.End(e);
            throw;
        }
        return run;
    }

    /// <summary>
    /// Takes the next message when it is a DataRow of the current statement already buffered whole: what
    /// <see cref="NextAsync"/> would do for it, without its state machine (the reader's Read of a large result).
    /// False leaves everything as it was, for <see cref="NextAsync"/>.
    /// </summary>
    public bool TryNextBufferedRow()
    {
        if (Finished || _prefixPending > 0 || Description is null) return false;
        var reader = _session.Reader;
        if (reader.PartialRemaining > 0 || _session.IsClosed || !reader.TryPeekDataRow(out _)) return false;
        reader.TryReadMessage(out _);
        _rowCount++;
        return true;
    }

    /// <summary>Reads the next message that matters to the reader.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<RunEvent> NextAsync(bool async)
    {
        if (Finished) return RunEvent.Finished;
        var session = _session;
        try
        {
            // What the reader left of a row read in pieces is dropped before the next message.
            if (session.Reader.PartialRemaining > 0) await session.Reader.SkipPartialAsync(session.Reader.PartialRemaining, async).ConfigureAwait(false);
            while (true)
            {
                var code = await session.ReadMessageAsync(async, default, StreamRowsAbove).ConfigureAwait(false);
                switch (code)
                {
                    case BackendMessageCode.DataRow or BackendMessageCode.RowDescription when _prefixPending > 0:
                        continue;   // the reset's SELECT pg_advisory_unlock_all()
                    case BackendMessageCode.DataRow:
                        if (_descriptions[Statement] is null) throw session.Unexpected(code, "RowDescription");
                        _rowCount++;
                        return RunEvent.Row;
                    case BackendMessageCode.RowDescription:
                        _descriptions[Statement] = RowDescription.Parse(session.Reader.Payload);
                        return RunEvent.Described;
                    case BackendMessageCode.ParseComplete or BackendMessageCode.BindComplete or BackendMessageCode.NoData
                        or BackendMessageCode.ParameterDescription or BackendMessageCode.CloseComplete:
                        continue;
                    case BackendMessageCode.CommandComplete or BackendMessageCode.EmptyQueryResponse:
                        if (_prefixPending > 0) continue;
                        _tags[Statement] = code == BackendMessageCode.CommandComplete ? session.CommandTag() : "";
                        Statement++;
                        return RunEvent.StatementDone;
                    case BackendMessageCode.ErrorResponse:
                        var error = Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                        if (_error is null)
                        {
                            _error = error;
                            FailedStatement = _prefixPending > 0 ? 0 : Statement;
                        }
                        if (_errors is not null) _errors[_prefixPending > 0 ? 0 : Statement] ??= error;
                        return RunEvent.Failed;
                    case BackendMessageCode.CopyInResponse:
                        session.Writer.WriteCopyFail("COPY FROM STDIN is not supported by SharpgresCommand: use Connection.Cursor().Copy()");
                        await session.FlushAsync(async).ConfigureAwait(false);
                        continue;
                    case BackendMessageCode.CopyOutResponse or BackendMessageCode.CopyData or BackendMessageCode.CopyDone:
                        _error ??= new ProgrammingError("COPY cannot be run through SharpgresCommand: use conn.AsSharpgres().Cursor().Copy(\"COPY ...\")");
                        continue;
                    case BackendMessageCode.ReadyForQuery:
                        session.OnReadyForQuery();
                        if (_prefixPending > 0) { _prefixPending--; continue; }
                        if (_errors is not null && ++_syncsRead < _plans.Length)
                        {
                            if (_errors[Statement] is not null) Statement++;   // a failed statement's answers end at its Sync
                            continue;
                        }
                        Complete();
                        return RunEvent.Finished;
                    default:
                        throw session.Unexpected(code, "command results");
                }
            }
        }
        catch (Exception e)
        {
            if (!session.IsBroken) session.Break(e);
            End(e);
            throw;
        }
    }

    /// <summary>Reads to the end of the exchange, discarding rows; returns the error to raise, if any.</summary>
    public async ValueTask<Exception?> DrainAsync(bool async)
    {
        while (!Finished) await NextAsync(async).ConfigureAwait(false);
        return FinalError();
    }

    /// <summary>The exception the caller gets for the server's error: a timeout or a cancellation where that caused it.</summary>
    public Exception? FinalError()
    {
        if (_error is null) return null;
        if (BatchCommands is { } commands && FailedStatement >= 0 && FailedStatement < commands.Count)
            _error.FailedIn(commands[FailedStatement], commands.IndexOf(commands[FailedStatement]));
        if (_error is QueryCanceled canceled)
        {
            if (TimedOut)
                return new QueryCanceled($"the command timed out after {TimeoutSeconds} s (CommandTimeout) and was cancelled",
                    canceled.Diagnostics, new TimeoutException($"Timeout of {TimeoutSeconds} seconds exceeded", canceled));
            if (_token.IsCancellationRequested) return new OperationCanceledException("the command was cancelled", canceled, _token);
        }
        return _error;
    }

    private void Complete()
    {
        for (var i = 0; i < _plans.Length; i++)
        {
            var plan = _plans[i];
            if (FailedStatement >= 0 && i >= FailedStatement) plan.Failed();
            else plan.Succeeded(_descriptions[i]);
        }
        if (_plans.Length > 0) _plans[0].Trim(_connection.PreparedMax);
        if (BatchCommands is { } commands)
        {
            for (var i = 0; i < commands.Count; i++)
            {
                var n = Affected(_tags[i]);
                if (n >= 0) commands[i].SetRecordsAffected(Math.Max(commands[i].RecordsAffected, 0) + (int)n);
            }
        }
        End();
    }

    private void End(Exception? failure = null)
    {
        if (Finished) return;
        Finished = true;
        _registration.Dispose();
        _session.ClearCancelDeadline();
        _session.ExitOperation();
        if (_op.IsObserved) EndScope(failure);
    }

    /// <summary>The command's (Command) or batch's (Batch) span from the send to the ReadyForQuery, parented under the caller's.</summary>
    private void StartScope(PgOperationKind kind, IReadOnlyList<(string Sql, BoundParameters Parameters)> statements)
    {
        var texts = new string[statements.Count];
        for (var i = 0; i < texts.Length; i++) texts[i] = statements[i].Sql;
        // Not ambient: the reader outlives ExecuteReader, and the caller's work between reads isn't part of the command.
        _op = OperationScope.StartStatements(_connection, kind, texts, ambient: false);
        // A typed parameter is bound as itself (its codec reads the value without boxing): record the value.
        if (_op.WantsParameters && statements.Count == 1)
            _op.SetParameters(Array.ConvertAll(statements[0].Parameters.Values, v => v is SharpgresParameter p ? p.Value : v));
    }

    private void EndScope(Exception? failure)
    {
        if ((failure ?? _error) is { } error) _op.Fail(error);
        if (Array.Exists(_descriptions, d => d is not null)) _op.SetRows(_rowCount, returned: true);
        else
        {
            long affected = -1;
            foreach (var tag in _tags) if (Affected(tag) is >= 0 and var n) affected = Math.Max(affected, 0) + n;
            if (affected >= 0) _op.SetRows(affected, returned: false);
        }
        _op.Dispose();
    }

    /// <summary>ADO.NET's RecordsAffected: the rows of INSERT, UPDATE, DELETE, MERGE and COPY statements; -1 when none ran.</summary>
    public static long Affected(string? tag)
    {
        if (string.IsNullOrEmpty(tag)) return -1;
        var space = tag.IndexOf(' ');
        var verb = space < 0 ? tag.AsSpan() : tag.AsSpan(0, space);
        if (!(verb is "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "COPY")) return -1;
        return CommandComplete.RowCountOf(tag);
    }
}
