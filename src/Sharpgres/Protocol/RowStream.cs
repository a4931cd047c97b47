using Sharpgres.Errors;
using Sharpgres.Protocol.Backend;
using Sharpgres.Protocol.Frontend;
using Sharpgres.Types;

namespace Sharpgres.Protocol;

/// <summary>
/// One statement whose rows are handed out as their DataRows arrive, one at a time, straight from the receive
/// buffer: nothing accumulates, so memory stays constant however many rows come. Holds the session busy from the
/// first read to the ReadyForQuery.
/// <para>
/// Leaving early must not cost the whole result nor the user's transaction, so there are two ways to run:
/// inside a transaction block the portal is executed in batches (Execute with a row limit, then Flush, one batch
/// requested ahead so the server never waits); stopping closes the portal and syncs, and at most the batches already
/// asked for are read and dropped — the transaction is untouched. Outside a transaction block the whole result is
/// asked for at once (parallel plans stay available); stopping early sends a CancelRequest and drains to
/// ReadyForQuery — the cancelled statement only had its own implicit transaction to lose.
/// </para>
/// </summary>
internal sealed class RowStream
{
    private const int FirstBatch = 256;
    private const int MaxBatch = 16 * 1024;

    private readonly Session _session;
    private readonly StatementPlan _plan;
    private int _batch;                // rows per Execute; 0 when the whole result was asked for
    private int _executesOutstanding;  // Executes whose PortalSuspended / CommandComplete hasn't come yet
    private bool _suspendedOnce;
    private bool _syncSent;
    private bool _beginPending;        // the BEGIN in front answers first (CommandComplete, ReadyForQuery)
    private bool _stopping;
    private bool _cancelSent;
    private volatile bool _waiting;    // blocked reading: a token's cancel must go to the server
    private CancellationTokenRegistration _registration;
    private Error? _error;

    private RowStream(Session session, StatementPlan plan, ReadContext context, int batch, bool beginPending)
    {
        _session = session;
        _plan = plan;
        Context = context;
        _batch = batch;
        _beginPending = beginPending;
        _executesOutstanding = 1;
        _syncSent = batch == 0;
        Description = plan.KnownDescription;
    }

    public ReadContext Context { get; }
    public RowDescription? Description { get; private set; }
    public string? CommandTag { get; private set; }
    public long RowsRead { get; private set; }
    public bool Done { get; private set; }

    /// <summary>The current row's DataRow body, valid until the next <see cref="MoveNextAsync"/>.</summary>
    public ReadOnlyMemory<byte> Current => _session.Reader.PayloadMemory;

    /// <summary>
    /// Sends the statement. The caller has entered the operation and written what must precede it (BEGIN, Closes).
    /// </summary>
    public static async ValueTask<RowStream> StartAsync(Session session, StatementPlan plan, BoundParameters parameters,
        ReadContext context, bool inTransactionBlock, bool beginPending, bool async, CancellationToken ct)
    {
        var batch = inTransactionBlock ? FirstBatch : 0;
        var stream = new RowStream(session, plan, context, batch, beginPending);
        plan.Write(session.Writer, parameters, context, batch);
        if (batch == 0) session.Writer.WriteSync(); else session.Writer.WriteFlush();
        if (ct.CanBeCanceled) stream._registration = ct.Register(static s => ((RowStream)s!).OnTokenCancelled(), stream);
        try
        {
            await session.FlushAsync(async, ct).ConfigureAwait(false);
        }
        catch
        {
            stream.Finish();
            throw;
        }
        return stream;
    }

    private void OnTokenCancelled()
    {
        if (!_waiting || Done) return;
        _cancelSent = true;
        _ = Task.Run(async () =>
        {
            try { await _session.SendCancelAsync(async: true).ConfigureAwait(false); }
            catch (Exception) { /* the stream ends either way when the server answers */ }
        });
    }

    /// <summary>
    /// Advances to the next row when it is already buffered whole and well-formed, without a state machine: the
    /// common case of a large result, where the async path's per-row cost showed as a quarter of the client's CPU.
    /// False leaves everything as it was; the caller then takes <see cref="MoveNextAsync"/>, which handles the rest
    /// (other messages, cancellation, a malformed row's error).
    /// </summary>
    public bool TryNextBuffered()
    {
        if (Done || _stopping || _error is not null || Description is not { } description || _session.IsClosed) return false;
        var reader = _session.Reader;
        if (!reader.TryPeekDataRow(out var body) || !description.IsWellFormedRow(body)) return false;
        reader.TryReadMessage(out _);
        RowsRead++;
        return true;
    }

    /// <summary>Advances to the next row; false at the end (raising the server's error if there was one).</summary>
    public async ValueTask<bool> MoveNextAsync(bool async, CancellationToken ct)
    {
        if (Done) return false;
        if (ct.IsCancellationRequested && !_stopping)
        {
            await StopAsync(async).ConfigureAwait(false);
            throw _error as QueryCanceled ?? new QueryCanceled("canceling statement due to user request");
        }
        try
        {
            while (true)
            {
                if (await NextAsync(async).ConfigureAwait(false)) return true;
                if (Done) break;
            }
        }
        catch (Exception e)
        {
            // Whatever failed mid-exchange left the session out of step with the server.
            if (!_session.IsBroken) _session.Break(e);
            Finish();
            throw;
        }
        if (_error is not null)
        {
            _plan.Failed();
            throw _error;
        }
        _plan.Succeeded(Description);
        if (Description is null) throw new ProgrammingError("the operation in Stream() didn't produce a result");
        return false;
    }

    /// <summary>
    /// Ends the statement before its last row (break, exception, Dispose): see the class comment. Never throws for
    /// the server's answer to the interruption; an I/O failure breaks the connection as usual.
    /// </summary>
    public async ValueTask StopAsync(bool async)
    {
        if (Done) return;
        _stopping = true;
        try
        {
            if (!_syncSent)
            {
                _session.Writer.WriteClose((byte)'P', "");
                _session.Writer.WriteSync();
                _syncSent = true;
                await _session.FlushAsync(async).ConfigureAwait(false);
            }
            else if (_batch == 0 && !_cancelSent)
            {
                // The whole result was asked for: read what is already here, and cancel the rest if it isn't.
                while (!Done && _session.Reader.HasWholeMessage) await NextAsync(async).ConfigureAwait(false);
                if (!Done)
                {
                    _cancelSent = true;
                    await _session.SendCancelAsync(async).ConfigureAwait(false);
                }
            }
            while (!Done) await NextAsync(async).ConfigureAwait(false);
            if (_error is not null) _plan.Failed();
        }
        catch (Exception e)
        {
            if (!_session.IsBroken) _session.Break(e);
            Finish();
        }
    }

    /// <summary>Reads and handles one message; true when it is a row to hand out.</summary>
    private async ValueTask<bool> NextAsync(bool async)
    {
        var session = _session;
        _waiting = true;
        BackendMessageCode code;
        try { code = await session.ReadMessageAsync(async).ConfigureAwait(false); }
        finally { _waiting = false; }
        switch (code)
        {
            case BackendMessageCode.DataRow:
                if (_stopping || _error is not null) return false;
                if (Description is null) throw session.Unexpected(code, "RowDescription");
                try { Description.CheckRow(session.Reader.Payload); }
                catch (InterfaceError e) { throw session.Break(e); }
                RowsRead++;
                return true;
            case BackendMessageCode.RowDescription:
                Description = RowDescription.Parse(session.Reader.Payload);
                return false;
            case BackendMessageCode.NoData or BackendMessageCode.ParseComplete or BackendMessageCode.BindComplete
                or BackendMessageCode.CloseComplete or BackendMessageCode.ParameterDescription:
                return false;
            case BackendMessageCode.PortalSuspended:
                _executesOutstanding--;
                if (!_stopping && !_syncSent) await RequestMoreAsync(async).ConfigureAwait(false);
                return false;
            case BackendMessageCode.CommandComplete or BackendMessageCode.EmptyQueryResponse:
                if (_beginPending) return false;
                _executesOutstanding--;
                // A batch requested ahead of the end answers "SELECT 0" for the finished portal: keep the first tag.
                CommandTag ??= code == BackendMessageCode.CommandComplete ? WholeResultTag(CommandComplete.ParseTag(session.Reader.Payload)) : "";
                await SyncAsync(async).ConfigureAwait(false);
                return false;
            case BackendMessageCode.ErrorResponse:
                var error = Error.FromDiagnostics(ErrorResponse.Parse(session.Reader.Payload));
                if (_beginPending) { _error ??= error; return false; }
                // Interrupting on purpose makes the server report the cancel: that is no error for the caller.
                if (!(_stopping && error is QueryCanceled)) _error ??= error;
                _executesOutstanding = 0;
                await SyncAsync(async).ConfigureAwait(false);
                return false;
            case BackendMessageCode.CopyInResponse:
                // Copy-in mode ignores a Sync already sent; the ErrorResponse that answers CopyFail must send another.
                session.Writer.WriteCopyFail("COPY is not supported by Stream: use Cursor.Copy()");
                _syncSent = false;
                await session.FlushAsync(async).ConfigureAwait(false);
                _error ??= Queries.StatementGuard.CopyRefused("Stream");
                return false;
            case BackendMessageCode.CopyOutResponse:
                _error ??= Queries.StatementGuard.CopyRefused("Stream");
                return false;
            case BackendMessageCode.CopyData or BackendMessageCode.CopyDone:
                return false;
            case BackendMessageCode.ReadyForQuery:
                session.OnReadyForQuery();
                if (_beginPending) { _beginPending = false; return false; }
                Finish();
                return false;
            default:
                throw session.Unexpected(code, "streamed rows");
        }
    }

    /// <summary>
    /// After a PortalSuspended: ask for the next batch (two after the first suspension, so one is always in flight),
    /// doubling the batch up to <see cref="MaxBatch"/>.
    /// </summary>
    private async ValueTask RequestMoreAsync(bool async)
    {
        var w = _session.Writer;
        var count = _suspendedOnce ? 1 : 2;
        _suspendedOnce = true;
        for (var i = 0; i < count && _executesOutstanding < 2; i++)
        {
            _batch = Math.Min(_batch * 2, MaxBatch);
            w.WriteExecute("", _batch);
            _executesOutstanding++;
        }
        w.WriteFlush();
        await _session.FlushAsync(async).ConfigureAwait(false);
    }

    /// <summary>After batches, the server's tag counts only the last one ("SELECT 832"): report the whole result.</summary>
    private string WholeResultTag(string tag)
    {
        var space = tag.LastIndexOf(' ');
        if (!_suspendedOnce || space < 0 || !long.TryParse(tag.AsSpan(space + 1), out _)) return tag;
        return tag[..(space + 1)] + RowsRead.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private async ValueTask SyncAsync(bool async)
    {
        if (_syncSent) return;
        _syncSent = true;
        _session.Writer.WriteSync();
        await _session.FlushAsync(async).ConfigureAwait(false);
    }

    private void Finish()
    {
        if (Done) return;
        Done = true;
        _registration.Dispose();
        _session.ExitOperation();
    }
}
