using Sharpgres.Errors;
using Sharpgres.Protocol;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Results;

namespace Sharpgres;

/// <summary>
/// Pipeline mode, psycopg's <c>with conn.pipeline():</c>. Statements executed inside are sent without waiting for
/// their results; results are read, in order, at <see cref="Sync"/>, when a cursor fetches a result not yet
/// received (a Flush, not a Sync: the batch stays one implicit transaction), and when the block ends. After a failed
/// statement the pipeline is aborted: the statements queued after it, before and after the error was seen, are
/// skipped by the server and raise <see cref="PipelineAborted"/>, until the next Sync (psycopg's
/// test_pipeline_aborted).
/// </summary>
public sealed class Pipeline : IDisposable, IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly Pipeline? _outer;
    private readonly Queue<PendingStatement> _pending = new();
    private bool _closed;
    private bool _aborted;

    private Pipeline(Connection connection, Pipeline? outer)
    {
        _connection = connection;
        _outer = outer;
    }

    internal static Pipeline Enter(Connection connection)
    {
        connection.CheckOpen();
        if (connection.ActivePipeline is { } active) return new Pipeline(connection, active);   // nested: syncs at its end
        connection.Session.EnterOperation();
        var pipeline = new Pipeline(connection, null);
        pipeline.InTransaction = connection.Session.TransactionStatus != TransactionStatus.Idle;
        connection.ActivePipeline = pipeline;
        return pipeline;
    }

    private Pipeline Root => _outer ?? this;

    /// <summary>Whether the statements queued so far leave a transaction open (the status is known only at Sync).</summary>
    internal bool InTransaction { get; set; }

    internal int PendingCount => Root._pending.Count;

    /// <summary>One queued statement and who wants its result.</summary>
    internal sealed class PendingStatement(Action<ResultSet>? deliver, Action<Error>? fail, StatementPlan? plan, string? command = null)
    {
        /// <summary>The statement's SQL, for the Sync's span (db.query.text, the batch's operation).</summary>
        public string? Sql => command ?? plan?.Sql;
        public Protocol.Backend.RowDescription? Known => plan?.KnownDescription;
        /// <summary>BEGIN, COMMIT, SAVEPOINT ...: nobody fetches them, so Sync reports their failure itself.</summary>
        public bool IsCommand => deliver is null && fail is null;
        public void Deliver(ResultSet r) { plan?.Succeeded(r.Description); deliver?.Invoke(r); }
        public void Fail(Error e) { plan?.Failed(); fail?.Invoke(e); }
    }

    internal void Enqueue(PendingStatement statement) => Root._pending.Enqueue(statement);

    /// <summary>Forgets statements queued after the first <paramref name="count"/> (their messages were never sent).</summary>
    internal void DropPendingAfter(int count)
    {
        var keep = Root._pending.Take(count).ToList();
        Root._pending.Clear();
        foreach (var statement in keep) Root._pending.Enqueue(statement);
    }

    /// <summary>Queues a statement whose result nobody reads (BEGIN, COMMIT, SAVEPOINT ...).</summary>
    internal void QueueCommand(string sql)
    {
        var w = _connection.Session.Writer;
        w.WriteParse("", sql, []);
        w.WriteBind("", BoundParameters.Empty, 0, _connection.ReadContext);
        w.WriteExecute("");
        Enqueue(new PendingStatement(null, null, null, sql));
    }

    /// <summary>Whether <paramref name="statement"/> is still waiting for its result.</summary>
    internal bool IsPending(PendingStatement statement) => Root._pending.Contains(statement);

    /// <summary>
    /// Reads results up to <paramref name="target"/>'s, asking the server for them with Flush (libpq's
    /// PQsendFlushRequest), without ending the batch. Stops at an error: the statement it belongs to fails, the
    /// pipeline is aborted and everything still pending stays pending (skipped by the server) until the next Sync.
    /// </summary>
    internal async ValueTask FetchThroughAsync(PendingStatement target, bool async, CancellationToken ct)
    {
        var root = Root;
        if (root._aborted || !root._pending.Contains(target)) return;
        var session = _connection.Session;
        if (session.IsClosed) throw new InterfaceError("the connection is closed");
        var registration = session.RegisterCancellation(ct);
        try
        {
            session.Writer.WriteFlush();
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            var assembler = new ResultAssembler(_connection.ReadContext, null);
            var pending = root._pending;
            while (pending.Count > 0)
            {
                var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                assembler.Known = pending.Peek().Known;
                if (assembler.Accept(session, code, out var completed))
                {
                    if (completed is null) continue;
                    var done = pending.Dequeue();
                    done.Deliver(completed);
                    if (done == target) return;
                    continue;
                }
                if (code != BackendMessageCode.ErrorResponse) throw session.Unexpected(code, "pipeline results");
                var failed = pending.Dequeue();
                failed.Fail(Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload)));
                root._aborted = true;
                return;
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            session.ClearCancelDeadline();
        }
    }

    /// <summary>
    /// Sends Sync and reads every pending result; raises the first error read (an error already delivered to a
    /// cursor by an earlier fetch is not raised again), or PipelineAborted when a queued command (COMMIT, BEGIN ...)
    /// was skipped: a COMMIT the server never ran must not look done.
    /// </summary>
    public void Sync() => Root.SyncAsync(false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="Sync"/>: sends Sync and reads every pending result, raising the first error of the batch.</summary>
    public Task SyncAsync(CancellationToken cancellationToken = default) => Root.SyncAsync(true, cancellationToken).AsTask();

    internal async ValueTask SyncAsync(bool async, CancellationToken ct)
    {
        if (this != Root) { await Root.SyncAsync(async, ct).ConfigureAwait(false); return; }
        var session = _connection.Session;
        if (session.IsClosed) throw session.ClosedError();
        var registration = session.RegisterCancellation(ct);
        Error? first = null;
        var op = SharpgresTelemetry.IsObserved(_connection.Loggers.Command) ? StartSyncScope() : default;
        var sent = false;
        try
        {
            session.Writer.WriteSync();
            await session.FlushAsync(async, ct).ConfigureAwait(false);
            sent = true;
            var assembler = new ResultAssembler(_connection.ReadContext, null);
            while (true)
            {
                var code = await session.ReadMessageAsync(async, ct).ConfigureAwait(false);
                assembler.Known = _pending.TryPeek(out var head) ? head.Known : null;
                if (assembler.Accept(session, code, out var completed))
                {
                    if (completed is not null && _pending.TryDequeue(out var done)) done.Deliver(completed);
                    continue;
                }
                switch (code)
                {
                    case BackendMessageCode.ErrorResponse:
                        var error = Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                        first ??= error;
                        if (_pending.TryDequeue(out var failed)) failed.Fail(error);
                        assembler.Reset();
                        break;
                    case BackendMessageCode.ReadyForQuery:
                        session.OnReadyForQuery();
                        // Whatever is still pending was skipped by the server after an error.
                        while (_pending.TryDequeue(out var skipped))
                        {
                            var aborted = new PipelineAborted();
                            skipped.Fail(aborted);
                            if (skipped.IsCommand) first ??= aborted;
                        }
                        _aborted = false;
                        InTransaction = session.TransactionStatus != TransactionStatus.Idle;
                        if (first is not null) throw first;
                        return;
                    default:
                        throw session.Unexpected(code, "pipeline results");
                }
            }
        }
        catch (Error lost) when (sent && session.IsBroken && _pending.Any(p => p.IsCommand && p.Sql == "COMMIT"))
        {
            // A queued COMMIT went out with the Sync and no answer came back: as outside a pipeline, the transaction
            // may or may not have committed, and saying either would be a lie.
            var unknown = CommitUnknown.AfterLostConnection(session.FatalError, lost);
            op.Fail(unknown);
            throw unknown;
        }
        catch (Exception e) when (op.Fail(e)) { throw; }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            session.ClearCancelDeadline();
            op.Dispose();
        }
    }

    /// <summary>The Sync's span: the queued statements as one batch (db.operation.batch.size, "BATCH ..." names).</summary>
    private OperationScope StartSyncScope() =>
        _pending.Count == 0   // nothing queued: no operation to show
            ? default
            : OperationScope.StartStatements(_connection, PgOperationKind.PipelineSync, _pending.Select(p => p.Sql ?? "").ToArray(), ambient: true);

    /// <summary>Ends the block: syncs (raising a pending error) and leaves pipeline mode.</summary>
    public void Dispose() => CloseAsync(false).GetAwaiter().GetResult();
    /// <summary>Ends the block as <see cref="Dispose"/> does: syncs (raising a pending error) and leaves pipeline mode.</summary>
    public ValueTask DisposeAsync() => CloseAsync(true);

    private async ValueTask CloseAsync(bool async)
    {
        if (_closed) return;
        _closed = true;
        try
        {
            if (!_connection.Session.IsClosed && (Root._pending.Count > 0 || _outer is null))
                await SyncAsync(async, default).ConfigureAwait(false);
        }
        finally
        {
            if (_outer is null)
            {
                _connection.ActivePipeline = null;
                _connection.Session.ExitOperation();
            }
        }
    }
}
