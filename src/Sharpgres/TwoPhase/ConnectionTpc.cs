using Sharpgres.Queries;

namespace Sharpgres;

/// <summary>
/// Two-phase commit as psycopg's <c>tpc_*</c> methods (DB-API's TPC extension): one tpc transaction at a time, never in
/// autocommit, <c>PREPARE TRANSACTION</c> named by <see cref="Sharpgres.Xid.ToString"/>.
/// </summary>
public sealed partial class Connection
{
    /// <summary>The tpc transaction under way (begun, and whether it is prepared yet); null outside one.</summary>
    private (Xid Xid, bool Prepared)? _tpc;

    /// <summary>psycopg's <c>conn.xid(format_id, gtrid, bqual)</c>: a checked XA transaction id (see <see cref="Sharpgres.Xid.FromParts"/>).</summary>
    public Xid Xid(int formatId, string gtrid, string bqual) => Sharpgres.Xid.FromParts(formatId, gtrid, bqual);

    /// <summary>
    /// psycopg's <c>tpc_begin(xid)</c>: begins a transaction that will be committed in two phases. Refused in
    /// autocommit, inside a transaction, and inside another tpc transaction.
    /// </summary>
    public void TpcBegin(Xid xid) => TpcBeginAsync(xid, false, default).GetAwaiter().GetResult();
    /// <summary>psycopg's <c>tpc_begin</c> with a transaction name (parsed with <see cref="Sharpgres.Xid.FromString"/>).</summary>
    public void TpcBegin(string xid) => TpcBegin(Sharpgres.Xid.FromString(xid));
    /// <summary>Async twin of <see cref="TpcBegin(Sharpgres.Xid)"/>.</summary>
    public Task TpcBeginAsync(Xid xid, CancellationToken cancellationToken = default) => TpcBeginAsync(xid, true, cancellationToken).AsTask();

    private async ValueTask TpcBeginAsync(Xid xid, bool async, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(xid);
        CheckOpen();
        if (Session.TransactionStatus != TransactionStatus.Idle || _tpc is not null)
            throw new ProgrammingError($"can't start two-phase transaction: connection in status {(_tpc is null ? Session.TransactionStatus : "in a two-phase transaction")}");
        if (_autocommit) throw new ProgrammingError("can't use two-phase transactions in autocommit mode");
        await RunCommandAsync(BeginStatement(), async, ct).ConfigureAwait(false);
        _tpc = (xid, false);
    }

    /// <summary>
    /// psycopg's <c>tpc_prepare()</c>: the first phase, <c>PREPARE TRANSACTION</c>. The connection is then out of any
    /// transaction, and only <see cref="TpcCommit"/> or <see cref="TpcRollback"/> may follow. A server with
    /// max_prepared_transactions = 0 raises NotSupportedError.
    /// </summary>
    public void TpcPrepare() => TpcPrepareAsync(false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="TpcPrepare"/>.</summary>
    public Task TpcPrepareAsync(CancellationToken cancellationToken = default) => TpcPrepareAsync(true, cancellationToken).AsTask();

    private async ValueTask TpcPrepareAsync(bool async, CancellationToken ct)
    {
        CheckOpen();
        if (_tpc is not { } tpc) throw new ProgrammingError("'TpcPrepare()' must be called inside a two-phase transaction");
        if (tpc.Prepared) throw new ProgrammingError("'TpcPrepare()' cannot be used during a prepared two-phase transaction");
        _tpc = (tpc.Xid, true);
        try
        {
            await RunCommandAsync("PREPARE TRANSACTION " + SqlLiteral.Quote(tpc.Xid.ToString(), this), async, ct).ConfigureAwait(false);
        }
        catch (Error e)
        {
            // A failed PREPARE TRANSACTION rolls the transaction back: there is nothing left to commit or roll back.
            if (Session.TransactionStatus == TransactionStatus.Idle) _tpc = null;
            // max_prepared_transactions = 0 is ObjectNotInPrerequisiteState (55000): psycopg's NotSupportedError.
            if (e is Errors.ObjectNotInPrerequisiteState) throw new NotSupportedError(e.Message, e.Diagnostics, e);
            throw;
        }
    }

    /// <summary>
    /// psycopg's <c>tpc_commit(xid=None)</c>. Without <paramref name="xid"/>, ends the tpc transaction under way: a
    /// prepared one with <c>COMMIT PREPARED</c>, one not prepared yet with a plain (one-phase) COMMIT. With it, outside
    /// any tpc transaction, commits a transaction prepared earlier (by any session: see <see cref="TpcRecover"/>).
    /// </summary>
    public void TpcCommit(Xid? xid = null) => TpcFinishAsync("COMMIT", xid, false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="TpcCommit"/>.</summary>
    public Task TpcCommitAsync(Xid? xid = null, CancellationToken cancellationToken = default) => TpcFinishAsync("COMMIT", xid, true, cancellationToken).AsTask();

    /// <summary>psycopg's <c>tpc_rollback(xid=None)</c>: as <see cref="TpcCommit"/>, with <c>ROLLBACK PREPARED</c> / ROLLBACK.</summary>
    public void TpcRollback(Xid? xid = null) => TpcFinishAsync("ROLLBACK", xid, false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="TpcRollback"/>.</summary>
    public Task TpcRollbackAsync(Xid? xid = null, CancellationToken cancellationToken = default) => TpcFinishAsync("ROLLBACK", xid, true, cancellationToken).AsTask();

    private async ValueTask TpcFinishAsync(string action, Xid? xid, bool async, CancellationToken ct)
    {
        CheckOpen();
        var name = action == "COMMIT" ? "TpcCommit()" : "TpcRollback()";
        if (xid is null && _tpc is null) throw new ProgrammingError($"{name} without xid must be called inside a two-phase transaction");
        if (xid is not null && _tpc is not null) throw new ProgrammingError($"{name} with xid must be called outside a two-phase transaction");
        if (_tpc is { Prepared: false })
        {
            _tpc = null;
            await RunCommandAsync(action, async, ct).ConfigureAwait(false);
            return;
        }
        var target = xid ?? _tpc!.Value.Xid;
        // COMMIT PREPARED can't run inside a transaction block: in psycopg's model (not autocommit) none is open here.
        if (Session.TransactionStatus != TransactionStatus.Idle)
            throw new ProgrammingError($"{name} with xid can't run inside a transaction (status {Session.TransactionStatus}): commit or roll it back first");
        _tpc = null;
        await RunCommandAsync($"{action} PREPARED {SqlLiteral.Quote(target.ToString(), this)}", async, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// psycopg's <c>tpc_recover()</c>: the transactions prepared on the server (every database's, as
    /// pg_prepared_xacts shows them), as Xids with <see cref="Sharpgres.Xid.Prepared"/>, <see cref="Sharpgres.Xid.Owner"/>
    /// and <see cref="Sharpgres.Xid.Database"/>. A transaction this call opened is rolled back, as psycopg does.
    /// </summary>
    public IReadOnlyList<Xid> TpcRecover() => TpcRecoverAsync(false, default).GetAwaiter().GetResult();
    /// <summary>Async twin of <see cref="TpcRecover"/>.</summary>
    public Task<IReadOnlyList<Xid>> TpcRecoverAsync(CancellationToken cancellationToken = default) => TpcRecoverAsync(true, cancellationToken).AsTask();

    private async ValueTask<IReadOnlyList<Xid>> TpcRecoverAsync(bool async, CancellationToken ct)
    {
        CheckOpen();
        var wasIdle = Session.TransactionStatus == TransactionStatus.Idle;
        using var cur = Cursor();
        await cur.ExecuteCoreAsync("SELECT gid, prepared, owner, database FROM pg_prepared_xacts", null, null, null, async, ct).ConfigureAwait(false);
        var xids = cur.FetchAll(r => Sharpgres.Xid.FromString(r.Get<string>(0)) with
        {
            Prepared = r.Get<DateTimeOffset>(1),
            Owner = r.Get<string>(2),
            Database = r.Get<string>(3),
        });
        if (wasIdle && Session.TransactionStatus == TransactionStatus.InTransaction)
            await RunCommandAsync("ROLLBACK", async, ct).ConfigureAwait(false);
        return xids;
    }

    /// <summary>psycopg refuses commit() / rollback() inside a tpc transaction: it ends with TpcCommit / TpcRollback.</summary>
    private void CheckNoTpc(string command)
    {
        if (_tpc is not null)
            throw new ProgrammingError($"{command.ToLowerInvariant()}() cannot be used during a two-phase transaction");
    }
}
